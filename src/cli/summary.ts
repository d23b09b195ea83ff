/** Text and numbers shared by the commands that write images (demo, convert). */
import { type DataType, itemSize } from "../dtype/index.js";
import type { PyramidResult } from "../pyramid/writer.js";
import { directoryUsage } from "./stores.js";

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : Number(n.toPrecision(6)).toString());

/** One line per level: path, shape, chunks (shards), scale. */
export function levelTable(levels: PyramidResult["levels"], axes: string[], unit?: string): string {
  return levels
    .map(
      (l) =>
        `  level ${l.path}  shape ${l.shape.join("x")} (${axes.join("")})  chunks ${l.chunks.join("x")}${l.shards ? `  shards ${l.shards.join("x")}` : ""}  scale ${l.scale.map(fmt).join(",")}${unit ? ` ${unit}` : ""}`,
    )
    .join("\n");
}

/** Stored bytes on disk, the uncompressed size of all levels, and their ratio. */
export function storageOf(
  path: string,
  levels: Array<{ shape: number[] }>,
  dtype: DataType,
  stored = directoryUsage(path).bytes,
): { stored: number; raw: number; ratio: number } {
  const raw = levels.reduce((a, l) => a + l.shape.reduce((p, s) => p * s, itemSize(dtype)), 0);
  return { stored, raw, ratio: stored > 0 ? raw / stored : 0 };
}
