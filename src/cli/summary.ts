/** Text and numbers shared by the commands that write images (demo, convert). */
import { type DataType, itemSize, type pyramid } from "../index.js";
import { directoryUsage } from "./stores.js";

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : Number(n.toPrecision(6)).toString());

/**
 * The units after a scale: one name when every axis that has a unit has the same one (and every
 * space axis has it), else one per axis ("-" for none).
 */
function unitsText(axes: string[], units: string | ReadonlyArray<string | undefined> | undefined): string {
  if (units === undefined) return "";
  if (typeof units === "string") return ` ${units}`;
  const given = units.filter((u): u is string => u !== undefined);
  if (given.length === 0) return "";
  const space = axes.map((a) => ["x", "y", "z"].includes(a));
  const same = given.every((u) => u === given[0]) && units.every((u, i) => (u !== undefined) === space[i]);
  return same ? ` ${given[0]}` : ` (${units.map((u) => u ?? "-").join(",")})`;
}

/** One line per level: path, shape, chunks (shards), scale with the axes' units. */
export function levelTable(
  levels: pyramid.PyramidResult["levels"],
  axes: string[],
  units?: string | ReadonlyArray<string | undefined>,
): string {
  const unit = unitsText(axes, units);
  return levels
    .map(
      (l) =>
        `  level ${l.path}  shape ${l.shape.join("x")} (${axes.join("")})  chunks ${l.chunks.join("x")}${l.shards ? `  shards ${l.shards.join("x")}` : ""}  scale ${l.scale.map(fmt).join(",")}${unit}`,
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
