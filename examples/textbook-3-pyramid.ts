/**
 * The textbook chapter's multiscale heart image in one call: `pyramid.write` streams level 0 (the
 * sample itself) and the downsampled levels into a directory, then the z = 17 slice of the lowest
 * level is plotted to a PNG (the chapter's last `plot_slice`).
 *
 *   npm run example:pyramid    (the heart sample from $ZARRSMITH_HEART or ../shared/data/hoa_heart.zarr;
 *                               output into $ZARRSMITH_EXAMPLES_OUT or a new temporary folder)
 *
 * First zarrsmith's defaults (levels at "0", "1", "2"; lower levels translated by half a voxel so
 * that voxel centres stay where the averaged voxels were), then the chapter's form: paths
 * "level0".."level2" and zero translations (`paths`, `translations: "zero"`).
 */
import { join } from "node:path";
import { codecs, LocalStore, ome, open, pyramid } from "zarrsmith";
import { arraySummary, heartPath, outputDir, plotSlice, pretty } from "./textbook-helpers.js";

const out = outputDir();
const src = await open.array(new LocalStore(heartPath()));
console.log(`heart image: ${arraySummary(src)}`);

const options: pyramid.PyramidOptions = {
  levels: 3,
  method: "mean",
  chunks: [64, 64, 64],
  codec: codecs.Zstd({ level: 5 }),
  omeZarrVersion: "0.4",
  axes: ["x", "y", "z"],
  downsampleAxes: "xyz", // the chapter halves every axis (zarrsmith's default keeps z, as viewers want)
  scale: [19.89, 19.89, 19.89],
  units: "micrometer",
  name: "heart_image",
  workers: 2,
  overwrite: true,
};

for (const [label, extra] of [
  ["zarrsmith's defaults", {}],
  ["the chapter's form", { paths: ["level0", "level1", "level2"], translations: "zero" }],
] as Array<[string, Partial<pyramid.PyramidOptions>]>) {
  const path = join(out, extra.paths ? "heart-textbook.ome.zarr" : "heart.ome.zarr");
  const result = await pyramid.write(src, new LocalStore(path), { ...options, ...extra });
  console.log(
    `\n${label}: wrote ${path} in ${result.seconds.toFixed(2)} s (${result.bytesWritten} bytes of chunks)`,
  );
  for (const level of result.levels) {
    console.log(
      `  ${level.path}: shape [${level.shape}], chunks [${level.chunks}], scale [${level.scale}] micrometer, translation [${level.translation}]`,
    );
  }
  const group = await open.group(new LocalStore(path));
  const datasets = (group.attrs as { multiscales: Array<{ datasets: unknown[] }> }).multiscales[0].datasets;
  console.log(`  datasets[2]: ${pretty(datasets[2])}`);
  const report = await ome.validate(new LocalStore(path));
  console.log(
    `  valid: ${report.valid} (${report.errors.length} errors, ${report.warnings.length} warnings)`,
  );
  // plot_slice(level2_array, z_idx=17); axes are x, y, z, so z is the last
  const lowest = await open.array(new LocalStore(path), result.levels[2].path);
  await plotSlice(lowest, 17, out, `${extra.paths ? "textbook" : "default"}-level2-z17`, 8);
}
