/** numcodecs' `shuffle` filter (`numcodecs.shuffle` in v3): a byte shuffle with `elementsize`. */
import { CodecError, type Issue } from "../../errors.js";
import { byteShuffle, byteUnshuffle } from "../blosc/shuffle.js";
import { assertValid, type Config, checkInt } from "../config.js";
import type { BytesToBytesCodec, V3CodecJSON } from "../types.js";

export function checkShuffleConfig(config: Config, path: string): Issue[] {
  return checkInt(config, "elementsize", path, { min: 0 });
}

export class ShuffleCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly elementsize: number;

  constructor(config: { elementsize?: number } = {}) {
    assertValid("shuffle filter configuration", checkShuffleConfig(config, "shuffle"));
    this.elementsize = config.elementsize ?? 4;
  }

  private check(bytes: Uint8Array): void {
    if (this.elementsize > 1 && bytes.length % this.elementsize !== 0) {
      throw new CodecError(
        `shuffle: ${bytes.length} bytes is not a multiple of elementsize ${this.elementsize}`,
      );
    }
  }

  encode(bytes: Uint8Array): Uint8Array {
    this.check(bytes);
    const out = new Uint8Array(bytes.length);
    byteShuffle(bytes, out, Math.max(this.elementsize, 1));
    return out;
  }

  decode(bytes: Uint8Array): Uint8Array {
    this.check(bytes);
    const out = new Uint8Array(bytes.length);
    byteUnshuffle(bytes, out, Math.max(this.elementsize, 1));
    return out;
  }

  toJSON(): V3CodecJSON {
    return { name: "numcodecs.shuffle", configuration: { elementsize: this.elementsize } };
  }
}
