/**
 * The textbook chapter "Creating chunked datasets", second half, in TypeScript: an OME-Zarr image from
 * the heart array's spec (`ArraySpec.fromZarr`), its group, level 0 filled through its dataset path;
 * then a three-level multiscale image from `ArraySpec.fromArray(zarr_array)` and shrunk copies of it,
 * filled level by level, and the lowest level plotted. Printed where the chapter prints; `plot_slice`
 * writes a PNG and prints its path.
 *
 *   npm run example:ome        (the heart sample from $ZARRSMITH_HEART or ../shared/data/hoa_heart.zarr;
 *                               PNGs into $ZARRSMITH_EXAMPLES_OUT or a new temporary folder)
 *
 * The chapter fills the lower levels with scipy's `zoom`; here each level is the 2x2x2 mean of the one
 * above (`pyramid.downsample`). Axis units: the chapter writes "um"; the OME-Zarr specification's name
 * is "micrometer", used here (with "um" the image is still valid, with a warning).
 */
import { codecs, LocalStore, MemoryStore, ome, open, pyramid, v2 } from "zarrsmith";
import { arraySummary, groupSummary, heartPath, outputDir, plotSlice, pretty } from "./textbook-helpers.js";

const out = outputDir();
console.log(`PNG output folder: ${out}`);

// zarr_array: the heart sample in a Zarr array in memory (as at the end of part one)
const heartImage = await (await open.array(new LocalStore(heartPath()))).get();
const arraySpec = v2.ArraySpec.parse({
  shape: heartImage.shape,
  dtype: heartImage.dtype,
  chunks: [32, 32, 32],
  compressor: codecs.Zstd({ level: 5 }),
});
const zarrArray = await arraySpec.toZarr(new MemoryStore(), "/");
await zarrArray.set(null, heartImage);

// ---- an OME-Zarr image with one level ----

const voxelSize = 19.89;
const axes = [
  { name: "x", type: "space", unit: "micrometer" },
  { name: "y", type: "space", unit: "micrometer" },
  { name: "z", type: "space", unit: "micrometer" },
];
const omeZarrImage = ome.v04.Image.new({
  arraySpecs: [v2.ArraySpec.fromZarr(zarrArray)],
  paths: ["level0"],
  axes,
  globalScale: [voxelSize, voxelSize, voxelSize],
  scales: [[1, 1, 1]],
  translations: [[0, 0, 0]],
  name: "heart_image",
});
console.log("\nprint(ome_zarr_image):");
console.log(pretty(omeZarrImage.toJSON()));

// ome_group = ome_zarr_image.to_zarr(ome_store, path=''); print(ome_group)
const omeGroup = await omeZarrImage.toZarr(new MemoryStore(), "");
console.log(`\nprint(ome_group):\n${await groupSummary(omeGroup)}`);

// level0_array = ome_group[ome_zarr_image.attributes.multiscales[0].datasets[0].path]
const level0Array = await omeGroup.array(omeZarrImage.attributes.multiscales[0].datasets[0].path);
const column = async () => {
  const plane = await level0Array.get([null, null, 0]);
  return Array.from({ length: 12 }, (_, i) => plane.data[i]).join(" ");
};
console.log(`\nbefore filling, level0_array[:, :, 0] starts: ${await column()} ...`);
await level0Array.set(null, await zarrArray.get());
console.log(`after filling, level0_array[:, :, 0] starts:  ${await column()} ...`);

// print(ome_zarr_image.attributes.multiscales[0].datasets[0])
console.log(`\ndatasets[0]: ${pretty(omeZarrImage.attributes.multiscales[0].datasets[0])}`);

// ---- a multiscale image: levels 0, 1, 2 ----

// full_res_spec = ArraySpec.from_array(zarr_array): the array's own chunks, compressor, fill value
const fullResSpec = v2.ArraySpec.fromArray(zarrArray);
console.log("\nOriginal array specification:", fullResSpec.toJSON());
const downsampleLevels = [0, 1, 2];
const downsampledSpecs = downsampleLevels.map((d) =>
  fullResSpec.with({ shape: fullResSpec.shape.map((n) => Math.ceil(n / 2 ** d)) }),
);
console.log("Downsampled array specifications:");
for (const s of downsampledSpecs) console.log(" ", JSON.stringify(s.toJSON()));

const multiscaleImage = ome.v04.Image.new({
  arraySpecs: downsampledSpecs,
  paths: downsampleLevels.map((d) => `level${d}`),
  axes,
  globalScale: [voxelSize, voxelSize, voxelSize],
  scales: downsampleLevels.map((d) => [2 ** d, 2 ** d, 2 ** d]),
  translations: downsampleLevels.map(() => [0, 0, 0]),
  name: "heart_image",
});
console.log("\nprint(multiscale_image):");
console.log(pretty(multiscaleImage.toJSON()));

const multiscaleStore = new MemoryStore();
const multiscaleGroup = await multiscaleImage.toZarr(multiscaleStore, "");
console.log(`\nprint(multiscale_group):\n${await groupSummary(multiscaleGroup)}`);

// multiscale_group['level0'][:] = zarr_array[:]; then each lower level from the one above
const datasets = multiscaleImage.attributes.multiscales[0].datasets;
let level = await zarrArray.get();
await (await multiscaleGroup.array(datasets[0].path)).set(null, level);
for (const dataset of datasets.slice(1)) {
  const scale = (dataset.coordinateTransformations[0] as { scale: number[] }).scale;
  console.log(`scale [${scale}]`);
  level = pyramid.downsample(level, [2, 2, 2], "mean");
  await (await multiscaleGroup.array(dataset.path)).set(null, level);
}

// level2_dataset = multiscale_image.datasets[0][2]; level2_array = multiscale_group[...]; plot_slice
const level2Dataset = datasets[2];
console.log(`\nlevel2_dataset: ${pretty(level2Dataset)}`);
const level2Array = await multiscaleGroup.array(level2Dataset.path);
console.log(arraySummary(level2Array));
await plotSlice(level2Array, 17, out, "4-level2-z17", 8); // 8x: level 2 is only 30x30

const report = await ome.validate(multiscaleStore);
console.log(
  `\nvalidation of the written hierarchy: valid ${report.valid}, OME-Zarr ${report.version} ${report.kind}, ` +
    `${report.errors.length} errors, ${report.warnings.length} warnings`,
);
for (const w of report.warnings) console.log(`  warning ${w.path}: ${w.message}`);
