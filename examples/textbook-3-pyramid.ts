/**
 * The textbook chapter "Creating chunked datasets", part three, in TypeScript: a multiscale
 * OME-Zarr image of the heart — level 0 is the sample itself, levels 1 and 2 are downsampled —
 * then the z = 17 slice of the lowest level rendered to a PNG.
 *
 *   npm run example:pyramid           (reads ../shared/data/hoa_heart.zarr, or the path in $HEART)
 *
 * The heart sample is `book/data/hoa_heart.zarr` in the ome-zarr-models/ome-zarr-book repository.
 * The book fills the levels with scipy's `zoom` on the whole array; here `pyramid.write` streams it.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codecs, LocalStore, open, pyramid, render } from "zarrsmith";

const heartPath = process.env.HEART ?? join(process.cwd(), "..", "shared", "data", "hoa_heart.zarr");
if (!existsSync(heartPath)) {
  console.error(
    `Heart sample not found at ${heartPath}. Get book/data/hoa_heart.zarr from the ome-zarr-book repository and set HEART=/path/to/hoa_heart.zarr.`,
  );
  process.exit(2);
}

const src = await open.array(new LocalStore(heartPath));
console.log(`heart image: shape [${src.shape}], dtype ${src.dtype}`);

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-textbook-"));
const out = join(dir, "heart.ome.zarr");
const result = await pyramid.write(src, new LocalStore(out), {
  levels: 3,
  method: "mean",
  chunks: [64, 64, 64],
  codec: codecs.Zstd({ level: 5 }),
  omeZarrVersion: "0.4",
  axes: ["x", "y", "z"],
  scale: [19.89, 19.89, 19.89],
  units: "micrometer",
  name: "heart",
  workers: 2,
});
console.log(`wrote ${out} in ${result.seconds.toFixed(2)} s (${result.bytesWritten} bytes of chunks)`);
for (const level of result.levels) {
  console.log(
    `  level ${level.path}: shape [${level.shape}], chunks [${level.chunks}], scale [${level.scale.map((s) => s.toFixed(2))}] µm, translation [${level.translation.map((t) => t.toFixed(2))}]`,
  );
}

// The lowest-resolution level, read back like any Zarr array; axes are x, y, z, so z is the last.
const lowest = result.levels[result.levels.length - 1];
const array = await open.array(new LocalStore(out), lowest.path);
const plane = await array.get([null, null, 17]);
const png = join(dir, "heart-lowest-z17.png");
writeFileSync(png, render.renderPlanePNG(plane, { zoom: 8 })); // 8x: the lowest level is only 30x30
console.log(`z = 17 of level ${lowest.path} (plane [${plane.shape}]) rendered to ${png}`);
