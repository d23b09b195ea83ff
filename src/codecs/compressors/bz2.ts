/** numcodecs' `bz2` codec (`numcodecs.bz2` in v3): one bzip2 stream; `level` is the block size in 100 kB. */
import { CodecError, type Issue } from "../../errors.js";
import { bz2Backend } from "../backends.js";
import { assertValid, type Config, checkInt } from "../config.js";
import type { BytesToBytesCodec, V3CodecJSON } from "../types.js";

export function checkBz2Config(config: Config, path: string): Issue[] {
  return checkInt(config, "level", path, { min: 1, max: 9 });
}

export class Bz2Codec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly level: number;

  constructor(config: { level?: number } = {}) {
    assertValid("bz2 codec configuration", checkBz2Config(config, "bz2"));
    this.level = config.level ?? 1;
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    return (await bz2Backend()).compress(bytes, this.level);
  }

  async decode(bytes: Uint8Array, maxLength?: number): Promise<Uint8Array> {
    const b = await bz2Backend();
    try {
      return b.decompress(bytes, maxLength);
    } catch (e) {
      if (e instanceof CodecError) throw e;
      throw new CodecError(`bz2: cannot decompress ${bytes.length} bytes: ${(e as Error).message ?? e}`, {
        cause: e,
      });
    }
  }

  toJSON(): V3CodecJSON {
    return { name: "numcodecs.bz2", configuration: { level: this.level } };
  }
}
