/**
 * zarrsmith — create chunked Zarr v2/v3 arrays and OME-Zarr 0.4/0.5 images.
 *
 * spec → store → fill:
 *   const spec = v2.ArraySpec.parse({ shape, dtype, chunks, compressor: codecs.Zstd({ level: 5 }) });
 *   const arr = await spec.toZarr(new LocalStore("out.zarr"), "/");
 *   await arr.set(null, image);
 */

export { type ReadOptions, type SetValue, type WriteOptions, ZarrArray } from "./array/zarr-array.js";
export * as codecs from "./codecs/index.js";
export { setSharedPool, sharedPool, WorkerPool } from "./concurrency/pool.js";
export { DATA_TYPES, type DataType, type Scalar, type TypedArray } from "./dtype/index.js";
export * from "./errors.js";
export { consolidateMetadata } from "./hierarchy/consolidated.js";
export type { CreateOptions } from "./hierarchy/create.js";
export { Group, type Member } from "./hierarchy/group.js";
export { createArray, createGroup } from "./hierarchy/node.js";
export { type OpenOptions, open } from "./hierarchy/open.js";
export { ellipsis, type Selection, type Slice, slice } from "./indexing/selection.js";
export { full, type NDArray, ndarray, product } from "./ndarray.js";
export * as ome from "./ome/index.js";
export * as pyramid from "./pyramid/index.js";
export * as render from "./render/index.js";
export { type OpenSourceOptions, openSource, type Source } from "./sources/index.js";
export * as v2 from "./spec/v2-namespace.js";
export * as v3 from "./spec/v3-namespace.js";
export * from "./store/index.js";
