/**
 * The textbook chapter "Creating chunked datasets", first half, in TypeScript:
 * load the heart sample → describe an array with an explicit spec → create it in a store → fill it.
 * Where the chapter plots a slice (`plot_slice`) a PNG is written and its path printed; where it shows
 * `zarr_array`, a one-line summary is printed.
 *
 *   npm run example:arrays     (the heart sample from $ZARRSMITH_HEART or ../shared/data/hoa_heart.zarr;
 *                               PNGs into $ZARRSMITH_EXAMPLES_OUT or a new temporary folder)
 *
 * The heart sample is `book/data/hoa_heart.zarr` in the ome-zarr-models/ome-zarr-book repository.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codecs, LocalStore, MemoryStore, open, v2 } from "zarrsmith";
import { arraySummary, heartPath, outputDir, plotSlice } from "./textbook-helpers.js";

const out = outputDir();
console.log(`PNG output folder: ${out}`);

// heart_image = load_heart_data(array_type='numpy'); plot_slice(heart_image, z_idx=70)
const heart = await open.array(new LocalStore(heartPath()));
const heartImage = await heart.get();
console.log(`heart image: shape [${heartImage.shape}], dtype ${heartImage.dtype}`);
await plotSlice(heart, 70, out, "1-heart-z70");

// array_spec = ArraySpec(shape=..., dtype=..., chunks=(32, 32, 32), compressor=Zstd(level=5))
const arraySpec = v2.ArraySpec.parse({
  shape: heartImage.shape,
  dtype: heartImage.dtype,
  chunks: [32, 32, 32],
  compressor: codecs.Zstd({ level: 5 }),
});
console.log("array spec:", arraySpec.toJSON());

// zarr_array = array_spec.to_zarr(store=MemoryStore(), path="/"); zarr_array
let zarrArray = await arraySpec.toZarr(new MemoryStore(), "/");
console.log(arraySummary(zarrArray));
// plot_slice(zarr_array, z_idx=70): nothing written yet, so every value is the fill value
await plotSlice(zarrArray, 70, out, "2-empty-z70");
console.log(`fill value: ${zarrArray.fillValue}`);

// zarr_array[:] = heart_image[:]; plot_slice(zarr_array, z_idx=70)
await zarrArray.set(null, heartImage);
await plotSlice(zarrArray, 70, out, "3-filled-z70");

// The same in a local directory, watching what appears on disk (get_directory_contents).
const dir = mkdtempSync(join(tmpdir(), "zarrsmith-textbook-"));
const contents = () => (existsSync(dir) ? readdirSync(dir).sort() : []);
console.log(`directory contents before saving: [${contents().join(", ")}]`);
const onDisk = await arraySpec.toZarr(new LocalStore(dir), "/");
console.log(`directory contents after creating array: [${contents().join(", ")}]`);
await onDisk.set(null, heartImage);
console.log(`directory contents after adding data: [${contents().join(", ")}]`);
rmSync(dir, { recursive: true, force: true });

// For the rest of the tutorial, back to an array in memory.
zarrArray = await arraySpec.toZarr(new MemoryStore(), "/");
await zarrArray.set(null, heartImage);
console.log(arraySummary(zarrArray));
