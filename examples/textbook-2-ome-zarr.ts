/**
 * The textbook chapter "Creating chunked datasets", second half, in TypeScript:
 * take the heart array's spec → describe an OME-Zarr image with it → write the group → fill the
 * level through its dataset path → then describe a three-level multiscale image.
 *
 *   npm run example:ome            (reads ../shared/data/hoa_heart.zarr, or the path in $HEART)
 *
 * The heart sample is `book/data/hoa_heart.zarr` in the ome-zarr-models/ome-zarr-book repository.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { codecs, LocalStore, MemoryStore, type NDArray, ome, open, v2 } from "zarrsmith";

const heartPath = process.env.HEART ?? join(process.cwd(), "..", "shared", "data", "hoa_heart.zarr");
if (!existsSync(heartPath)) {
  console.error(
    `Heart sample not found at ${heartPath}.\n` +
      "Get book/data/hoa_heart.zarr from the ome-zarr-book repository (github.com/ome-zarr-models/ome-zarr-book)\n" +
      "and run again with HEART=/path/to/hoa_heart.zarr.",
  );
  process.exit(2);
}

/** A one-line summary of a 2-D plane: its shape, the distinct values or their range, and the mean. */
function describePlane(plane: NDArray): string {
  const values = plane.data as Uint8Array;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const range = min === max ? `all ${values.length} values are ${min}` : `values ${min}..${max}`;
  return `shape [${plane.shape}], ${range}, mean ${(sum / values.length).toFixed(2)}`;
}

/** JSON with 2-space indentation, but short lists of numbers kept on one line. */
function pretty(x: unknown): string {
  return JSON.stringify(x, null, 2).replace(
    /\[\s+([-\d.e,\s]+?)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s*/).join(", ")}]`,
  );
}

/** The centre 6x6 of a 2-D plane, as rows of numbers. */
function centre(plane: NDArray): string {
  const [h, w] = plane.shape;
  const r0 = Math.floor(h / 2) - 3;
  const c0 = Math.floor(w / 2) - 3;
  const rows: string[] = [];
  for (let r = r0; r < r0 + 6; r++) {
    const row: string[] = [];
    for (let c = c0; c < c0 + 6; c++) row.push(String(plane.data[r * w + c]).padStart(4));
    rows.push(`    ${row.join("")}`);
  }
  return rows.join("\n");
}

// ---- the heart array and its spec (as in part one) ----

const image = await (await open.array(new LocalStore(heartPath))).get();
console.log(`heart image: shape [${image.shape}], dtype ${image.dtype}`);
const spec = v2.ArraySpec.parse({
  shape: image.shape,
  dtype: image.dtype,
  chunks: [32, 32, 32],
  compressor: codecs.Zstd({ level: 5 }),
});

// ---- an OME-Zarr image with one level ----

// The textbook writes "um"; the specification's unit is "micrometer". The builder keeps what it was
// given and reports the difference as a warning.
const voxel = 19.89;
const axes = [
  { name: "x", type: "space", unit: "um" },
  { name: "y", type: "space", unit: "um" },
  { name: "z", type: "space", unit: "um" },
];
const img = ome.v04.Image.new({
  arraySpecs: [spec],
  paths: ["level0"],
  axes,
  globalScale: [voxel, voxel, voxel],
  scales: [[1, 1, 1]],
  translations: [[0, 0, 0]],
  name: "heart_image",
});
console.log(`\nwarnings (${img.warnings.length}; SHOULD rules, so the image is still valid):`);
for (const w of img.warnings) console.log(`  ${w.path}: ${w.message}`);
console.log("\nthe image's .zattrs:");
console.log(pretty(img.toJSON()));

// Writing the group creates the metadata and an empty array per level.
const group = await img.toZarr(new MemoryStore(), "");
const datasetPath = img.attributes.multiscales[0].datasets[0].path;
const level0 = await group.array(datasetPath);
console.log(`\ngroup members: [${(await group.members()).map((m) => m.name).join(", ")}]`);
console.log(
  `"${datasetPath}": shape [${level0.shape}], chunks [${level0.chunks}], fill value ${level0.fillValue}`,
);

const z = 70;
console.log(`\nplane z=${z} before filling: ${describePlane(await level0.get([null, null, z]))}`);
await level0.set(null, image);
const plane = await level0.get([null, null, z]);
console.log(`plane z=${z} after filling:  ${describePlane(plane)}`);
console.log(`  its centre:\n${centre(plane)}`);

// ---- a multiscale image: levels 0, 1, 2 ----

// Level d halves every axis d times: shape ceil(shape / 2^d), scale 2^d (in level-0 voxels; the
// global scale turns them into micrometres). A level-d voxel averages 2^d level-0 voxels, so its
// centre sits (2^d - 1) / 2 level-0 voxels from the origin: that is the translation.
const depths = [0, 1, 2];
const specs = depths.map((d) => spec.with({ shape: spec.shape.map((s) => Math.ceil(s / 2 ** d)) }));
const multiscale = ome.v04.Image.new({
  arraySpecs: specs,
  paths: depths.map((d) => `level${d}`),
  axes,
  globalScale: [voxel, voxel, voxel],
  scales: depths.map((d) => [2 ** d, 2 ** d, 2 ** d]),
  translations: depths.map((d) => Array(3).fill((2 ** d - 1) / 2)),
  name: "heart_image",
});
console.log("\nlevels:");
for (const [d, s] of specs.entries())
  console.log(`  level${d}: shape [${s.shape}], voxel size ${+(2 ** d * voxel).toFixed(2)} um`);
console.log("\nthe multiscale image's .zattrs:");
console.log(pretty(multiscale.toJSON()));

const store = new MemoryStore();
await multiscale.toZarr(store, "");
const report = await ome.validate(store);
console.log(
  `\nvalidation of the written hierarchy: valid ${report.valid}, OME-Zarr ${report.version} ${report.kind}, ` +
    `${report.errors.length} errors, ${report.warnings.length} warnings (the SHOULD rules listed above)`,
);
