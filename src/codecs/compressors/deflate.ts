/** DEFLATE-based codecs: `gzip` (v3 and numcodecs) and `zlib` (numcodecs; `numcodecs.zlib` in v3). */
import { CodecError, type Issue } from "../../errors.js";
import { deflateBackend } from "../backends.js";
import { assertValid, type Config, checkInt } from "../config.js";
import type { BytesToBytesCodec, V3CodecJSON } from "../types.js";

export function checkDeflateConfig(config: Config, path: string): Issue[] {
  return checkInt(config, "level", path, { min: 0, max: 9 });
}

abstract class DeflateCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly level: number;
  protected abstract readonly format: "gzip" | "zlib";

  constructor(config: { level?: number }, what: string) {
    assertValid(`${what} codec configuration`, checkDeflateConfig(config, what));
    this.level = config.level ?? 1;
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    const b = await deflateBackend();
    return this.format === "gzip" ? b.gzip(bytes, this.level) : b.zlib(bytes, this.level);
  }

  async decode(bytes: Uint8Array, maxLength?: number): Promise<Uint8Array> {
    const b = await deflateBackend();
    try {
      return this.format === "gzip" ? b.gunzip(bytes, maxLength) : b.unzlib(bytes, maxLength);
    } catch (e) {
      if (e instanceof CodecError) throw e;
      throw new CodecError(
        `${this.format}: cannot decompress ${bytes.length} bytes: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  abstract toJSON(): V3CodecJSON;
}

export class GzipCodec extends DeflateCodec {
  protected readonly format = "gzip";
  constructor(config: { level?: number } = {}) {
    super(config, "gzip");
  }
  toJSON(): V3CodecJSON {
    return { name: "gzip", configuration: { level: this.level } };
  }
}

export class ZlibCodec extends DeflateCodec {
  protected readonly format = "zlib";
  constructor(config: { level?: number } = {}) {
    super(config, "zlib");
  }
  toJSON(): V3CodecJSON {
    return { name: "numcodecs.zlib", configuration: { level: this.level } };
  }
}
