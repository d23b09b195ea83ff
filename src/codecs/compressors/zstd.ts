/** The `zstd` codec (v3 extension and numcodecs' `zstd`): one Zstandard frame per chunk. */
import { CodecError, type Issue } from "../../errors.js";
import { zstdBackend } from "../backends.js";
import { assertValid, type Config, checkBool, checkInt } from "../config.js";
import type { BytesToBytesCodec, V3CodecJSON } from "../types.js";

/** zstd's own level range; 0 means its default (3), negative levels trade ratio for speed. */
export const ZSTD_MIN_LEVEL = -131072;
export const ZSTD_MAX_LEVEL = 22;

export function checkZstdConfig(config: Config, path: string): Issue[] {
  return [
    ...checkInt(config, "level", path, { min: ZSTD_MIN_LEVEL, max: ZSTD_MAX_LEVEL }),
    ...checkBool(config, "checksum", path),
  ];
}

export class ZstdCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly level: number;
  readonly checksum: boolean;

  constructor(config: { level?: number; checksum?: boolean } = {}) {
    assertValid("zstd codec configuration", checkZstdConfig(config, "zstd"));
    this.level = config.level ?? 0;
    this.checksum = config.checksum ?? false;
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    return (await zstdBackend()).compress(bytes, this.level, this.checksum);
  }

  async decode(bytes: Uint8Array, maxLength?: number, into?: Uint8Array): Promise<Uint8Array> {
    const backend = await zstdBackend();
    try {
      return await backend.decompress(bytes, maxLength, into);
    } catch (e) {
      if (e instanceof CodecError) throw e;
      throw new CodecError(`zstd: cannot decompress ${bytes.length} bytes: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  toJSON(): V3CodecJSON {
    return { name: "zstd", configuration: { level: this.level, checksum: this.checksum } };
  }
}
