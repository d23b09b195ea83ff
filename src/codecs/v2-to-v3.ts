/** Converting a v2 (numcodecs) codec to the v3 codec zarr-python 3 would write for it. */
import { type DataType, itemSize } from "../dtype/index.js";
import { resolveShuffle, SHUFFLE_NAMES } from "./blosc/codec.js";
import type { V2CodecJSON, V3CodecJSON } from "./types.js";

/**
 * zstd, blosc and gzip become the v3 codecs of the same name (blosc with a named shuffle and
 * `typesize` = the item size of `dataType`); everything else becomes `numcodecs.<id>` with the
 * numcodecs configuration, as zarr-python 3 writes (e.g. zlib → `numcodecs.zlib`).
 */
export function toV3Codec(v2: V2CodecJSON, dataType: DataType): V3CodecJSON {
  const { id, ...config } = v2;
  switch (id) {
    case "zstd":
      return {
        name: "zstd",
        configuration: { level: config.level ?? 0, checksum: config.checksum ?? false },
      };
    case "gzip":
      return { name: "gzip", configuration: { level: config.level ?? 1 } };
    case "blosc": {
      const typesize = itemSize(dataType);
      const shuffle = resolveShuffle((config.shuffle as number | undefined) ?? 1, typesize);
      return {
        name: "blosc",
        configuration: {
          cname: config.cname ?? "lz4",
          clevel: config.clevel ?? 5,
          shuffle: SHUFFLE_NAMES[shuffle],
          typesize,
          blocksize: config.blocksize ?? 0,
        },
      };
    }
    default:
      return { name: `numcodecs.${id}`, configuration: config };
  }
}
