/**
 * What the textbook's `data_helpers` and notebook display do, for the examples: find the heart
 * sample, draw a slice (`plot_slice`, here a PNG file whose path is printed), and the one-line
 * summaries a notebook shows for a Zarr array or group.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type DataType, type Group, render, type ZarrArray } from "zarrsmith";

/**
 * The heart sample: $ZARRSMITH_HEART, else ../shared/data/hoa_heart.zarr relative to the current
 * directory (the project root when run with `npm run example:...`). Exits with a hint when missing.
 */
export function heartPath(): string {
  const path = resolve(process.env.ZARRSMITH_HEART ?? "../shared/data/hoa_heart.zarr");
  if (!existsSync(path)) {
    console.error(
      `Heart sample not found at ${path}.\n` +
        "Get book/data/hoa_heart.zarr from github.com/ome-zarr-models/ome-zarr-book and set ZARRSMITH_HEART to its path.",
    );
    process.exit(2);
  }
  return path;
}

/** Where the PNGs go: $ZARRSMITH_EXAMPLES_OUT, else a new temporary folder (kept, so you can look). */
export function outputDir(): string {
  const given = process.env.ZARRSMITH_EXAMPLES_OUT;
  if (given) {
    mkdirSync(given, { recursive: true });
    return resolve(given);
  }
  return mkdtempSync(join(tmpdir(), "zarrsmith-textbook-"));
}

/**
 * The chapter's `plot_slice(array, z_idx)`: the plane `array[:, :, z]` (axes x, y, z; rows are x, as
 * matplotlib's imshow draws it) rendered to `<dir>/<name>.png`; prints and returns the path.
 */
export async function plotSlice(
  array: ZarrArray<DataType>,
  z: number,
  dir: string,
  name: string,
  zoom = 1,
): Promise<string> {
  const plane = await array.get([null, null, z]);
  const file = join(dir, `${name}.png`);
  // A plane holding one value (an unfilled array) renders black, like the chapter's empty plot.
  writeFileSync(file, render.renderPlanePNG(plane, { zoom }));
  console.log(`plot_slice(z=${z}): ${plane.shape.join("x")} plane of '/${array.path}' -> ${file}`);
  return file;
}

/** A Zarr array as a notebook shows it (zarr-python: `<zarr.core.Array '/' (120, 120, 139) uint8>`). */
export function arraySummary(a: ZarrArray): string {
  const meta = a.spec.toJSON() as { compressor?: unknown; codecs?: unknown };
  const codec = JSON.stringify(meta.compressor ?? meta.codecs ?? null);
  return (
    `<ZarrArray '/${a.path}' (${a.shape.join(", ")}) ${a.dtype}> Zarr v${a.zarrFormat}, ` +
    `chunks (${a.chunks.join(", ")}), fill value ${a.fillValue}, compressor ${codec}`
  );
}

/** A Zarr group as a notebook shows it (zarr-python: `<zarr.hierarchy.Group '/'>`), with its members. */
export async function groupSummary(g: Group): Promise<string> {
  const members = await g.members();
  const lines = [`<Group '/${g.path}'> Zarr v${g.zarrFormat}, ${members.length} members`];
  for (const m of members) {
    lines.push(m.kind === "array" ? `  ${arraySummary(await g.array(m.name))}` : `  group ${m.name}`);
  }
  return lines.join("\n");
}

/** JSON with 2-space indentation, short lists of numbers kept on one line. */
export function pretty(x: unknown): string {
  return JSON.stringify(x, null, 2).replace(
    /\[\s+([-\d.e,\s]+?)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s*/).join(", ")}]`,
  );
}
