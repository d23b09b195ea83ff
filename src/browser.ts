/**
 * zarrsmith for browsers (and any runtime without Node's file system): everything that runs on
 * fetch, typed arrays and Web Workers. Bundlers pick this entry through the `"browser"` condition
 * of package.json `exports`; the package root for Node (index.ts) is this plus file-based stores
 * and file readers.
 *
 *   const arr = await v3.ArraySpec.parse({ shape, dtype, chunks }).toZarr(new MemoryStore(), "/");
 *   const img = await open(new FetchStore("https://example.org/image.ome.zarr/0"));
 */

export { type ReadOptions, type SetValue, type WriteOptions, ZarrArray } from "./array/zarr-array.js";
export {
  CorruptRecordError,
  describeRun,
  isZarrOutput,
  liveRun,
  OutputBusyError,
  PROGRESS_FILE,
  RunMismatchError,
  type RunRecord,
} from "./checkpoint/index.js";
export * as codecs from "./codecs/index.js";
export { setSharedPool, sharedPool, WorkerPool } from "./concurrency/pool.js";
export {
  arraySource,
  type CopyArrayOptions,
  type CopyArrayResult,
  copyArray,
} from "./convert/copy-array.js";
export { type Phantom, phantom } from "./demo/phantom.js";
export {
  type ArrayDataType,
  type ArrayScalar,
  DATA_TYPES,
  type DataType,
  type Endian,
  itemSize,
  type Scalar,
  type StringDataType,
  type TypedArray,
  type ValuesFor,
} from "./dtype/index.js";
export { stringifyJSON } from "./dtype/json.js";
export * from "./errors.js";
export {
  type CheckChunksOptions,
  type CheckChunksResult,
  type ChunkProblem,
  checkChunks,
} from "./hierarchy/check-chunks.js";
export { consolidateMetadata } from "./hierarchy/consolidated.js";
export type { CreateOptions } from "./hierarchy/create.js";
export { createArray, createGroup, Group, type Member } from "./hierarchy/group.js";
export { type OpenOptions, open } from "./hierarchy/open.js";
export { type MemberDiscovery, membersOf } from "./hierarchy/walk.js";
export type { ForwardOnlyReads, Region } from "./indexing/region.js";
export { type AxisSelection, ellipsis, type Selection, type Slice, slice } from "./indexing/selection.js";
export * as v2 from "./metadata/v2-namespace.js";
export * as v3 from "./metadata/v3-namespace.js";
export { full, type NDArray, ndarray, product } from "./ndarray.js";
export * as ome from "./ome/index.js";
export * as pyramid from "./pyramid/index.js";
export * as render from "./render/index.js";
// Stores that need no file system (S3Store works in browsers with explicit credentials or anonymous) (LocalStore, ZipStore and file sources are Node-only, see index.ts).
export { HttpStore as FetchStore, HttpStore, type HttpStoreOptions, httpSource } from "./store/http.js";
export { joinKey, normalizePath, validateKey } from "./store/keys.js";
export { type MemoryEntries, MemoryStore } from "./store/memory.js";
export { checkRange, resolveRange } from "./store/range.js";
export { parseS3Url, S3Store, type S3StoreOptions } from "./store/s3.js";
export type {
  ByteSource,
  DeletableStore,
  ListableStore,
  RangeQuery,
  ReadableStore,
  Store,
  WritableStore,
} from "./store/types.js";
export { isListable, isWritable } from "./store/types.js";
