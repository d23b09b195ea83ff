/** Stores: where the bytes of a Zarr hierarchy live. */
export { HttpStore as FetchStore, HttpStore, type HttpStoreOptions, httpSource } from "./http.js";
export { joinKey, normalizePath, validateKey } from "./keys.js";
export { LocalStore, type LocalStoreOptions, TEMP_PREFIX } from "./local.js";
export { type MemoryEntries, MemoryStore } from "./memory.js";
export {
  isOzxPath,
  type OzxCreateOptions,
  type OzxInfo,
  OzxWriter,
  openOzx,
  ozxComment,
  ozxEntryOrder,
  parseOzxComment,
} from "./ozx.js";
export { checkRange, resolveRange } from "./range.js";
export { parseS3Url, S3Store, type S3StoreOptions } from "./s3.js";
export { bytesSource, fileSource, type RandomAccessSource } from "./source.js";
export type {
  DeletableStore,
  ListableStore,
  RangeQuery,
  ReadableStore,
  Store,
  WritableStore,
} from "./types.js";
export { isListable, isWritable } from "./types.js";
export {
  type ZipCreateOptions,
  type ZipSource,
  ZipStore,
  type ZipStoreOptions,
  ZipStoreWriter,
} from "./zip.js";
