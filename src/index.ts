/**
 * zarrsmith — create chunked Zarr v2/v3 arrays and OME-Zarr 0.4/0.5 images.
 *
 * spec → store → fill:
 *   const spec = v2.ArraySpec.parse({ shape, dtype, chunks, compressor: codecs.Zstd({ level: 5 }) });
 *   const arr = await spec.toZarr(new LocalStore("out.zarr"), "/");
 *   await arr.set(null, image);
 *
 * The Node entry: everything portable (browser.ts, also what browser bundles get) plus what needs
 * Node's file system.
 */

export * from "./browser.js";
export * as scale from "./scale/index.js";
export {
  type AxisMetadata,
  detectFormat,
  encodeNpy,
  isGlob,
  type OpenSourceOptions,
  openSource,
  parseAxes,
  renameAxisMetadata,
  type Source,
  type SourceFormat,
} from "./sources/index.js";
export { LocalStore, type LocalStoreOptions, TEMP_PREFIX } from "./store/local.js";
export { isOzxPath, type OzxCreateOptions, type OzxOpenOptions, OzxWriter, openOzx } from "./store/ozx.js";
export { bytesSource, fileSource } from "./store/source.js";
export { passThrough, threadReadsOf, threadWritesOf } from "./store/thread-io.js";
export { isRemote, isS3URL, type StoreFromURLOptions, storeFromURL } from "./store/url.js";
export {
  type ZipCreateOptions,
  type ZipSource,
  ZipStore,
  type ZipStoreOptions,
  ZipStoreWriter,
} from "./store/zip.js";
export {
  screenshotView,
  serveView,
  VIEWERS,
  type View,
  type ViewerName,
  type ViewOptions,
} from "./view/index.js";
