/**
 * The textbook chapter "Creating chunked datasets", first half, in TypeScript:
 * load the heart sample → describe an array with an explicit spec → create it in a store → fill it.
 *
 *   npm run example:arrays            (reads ../shared/data/hoa_heart.zarr, or the path in $HEART)
 *
 * The heart sample is `book/data/hoa_heart.zarr` in the ome-zarr-models/ome-zarr-book repository.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codecs, LocalStore, MemoryStore, open, v2 } from "zarrsmith";

const heartPath = process.env.HEART ?? join(process.cwd(), "..", "shared", "data", "hoa_heart.zarr");
if (!existsSync(heartPath)) {
  console.error(
    `Heart sample not found at ${heartPath}. Get book/data/hoa_heart.zarr from the ome-zarr-book repository and set HEART=/path/to/hoa_heart.zarr.`,
  );
  process.exit(2);
}

// Load the sample image into memory.
const heart = await open.array(new LocalStore(heartPath));
const heartImage = await heart.get();
console.log(`heart image: shape [${heartImage.shape}], dtype ${heartImage.dtype}`);

// Describe the array we want: same shape and dtype, 32^3 chunks, Zstandard level 5.
const spec = v2.ArraySpec.parse({
  shape: heartImage.shape,
  dtype: heartImage.dtype,
  chunks: [32, 32, 32],
  compressor: codecs.Zstd({ level: 5 }),
});
console.log("array spec:", spec.toJSON());

// Create it in memory: only metadata is written, every value reads as the fill value.
const inMemory = await spec.toZarr(new MemoryStore(), "/");
console.log(`fill value before filling: ${inMemory.fillValue}`);
console.log(`a value before filling: ${(await inMemory.get([60, 60, 70])).data[0]}`);
await inMemory.set(null, heartImage);
console.log(`the same value after filling: ${(await inMemory.get([60, 60, 70])).data[0]}`);

// The same in a directory, watching what appears on disk.
const dir = mkdtempSync(join(tmpdir(), "zarrsmith-textbook-"));
const path = join(dir, "heart.zarr");
const contents = () => (existsSync(path) ? readdirSync(path).sort() : []);
console.log(`directory contents before creating: [${contents().join(" ")}]`);
const onDisk = await spec.toZarr(new LocalStore(path), "/");
console.log(`directory contents after creating:  [${contents().join(" ")}]`);
await onDisk.set(null, heartImage);
console.log(`directory contents after filling:   [${contents().join(" ")}]`);

const plane = await onDisk.get([null, null, 70]);
const firstRow = Array.from(plane.data.subarray(0, plane.shape[1]) as Uint8Array);
console.log(
  `plane x=70: shape [${plane.shape}], first row mean ${(firstRow.reduce((a, b) => a + b, 0) / firstRow.length).toFixed(2)}`,
);
rmSync(dir, { recursive: true, force: true });
