/**
 * numcodecs' `lz4` codec (`numcodecs.lz4` in v3): a 4-byte little-endian decoded size, then one raw
 * LZ4 block. `acceleration` only tunes the encoder's speed; the native backend uses its default.
 */
import { CodecError, type Issue } from "../../errors.js";
import { lz4Backend } from "../backends.js";
import { tooLarge } from "../bound.js";
import { assertValid, type Config, checkInt } from "../config.js";
import type { BytesToBytesCodec, V3CodecJSON } from "../types.js";

export function checkLz4Config(config: Config, path: string): Issue[] {
  return checkInt(config, "acceleration", path);
}

/** LZ4 cannot expand data by more than 255x; a larger declared size means a corrupt header. */
export function lz4SizeIsPlausible(declared: number, compressedLength: number): boolean {
  return declared <= compressedLength * 255 + 16;
}

export class Lz4Codec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly acceleration: number;

  constructor(config: { acceleration?: number } = {}) {
    assertValid("lz4 codec configuration", checkLz4Config(config, "lz4"));
    this.acceleration = config.acceleration ?? 1;
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    return (await lz4Backend()).compress(bytes);
  }

  async decode(bytes: Uint8Array, maxLength?: number): Promise<Uint8Array> {
    if (bytes.length < 4) throw new CodecError(`lz4: ${bytes.length} bytes is too short for the size header`);
    const declared = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
    if (!lz4SizeIsPlausible(declared, bytes.length - 4)) {
      throw new CodecError(
        `lz4: header declares ${declared} bytes, impossible from ${bytes.length - 4} compressed bytes`,
      );
    }
    // The backend allocates what the header declares, so the header is checked first.
    if (maxLength !== undefined && declared > maxLength) throw tooLarge("lz4", maxLength);
    let out: Uint8Array;
    try {
      out = await (await lz4Backend()).decompress(bytes);
    } catch (e) {
      throw new CodecError(`lz4: cannot decompress ${bytes.length} bytes: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (out.length !== declared) {
      throw new CodecError(`lz4: decoded ${out.length} bytes but the header declares ${declared}`);
    }
    return out;
  }

  toJSON(): V3CodecJSON {
    return { name: "numcodecs.lz4", configuration: { acceleration: this.acceleration } };
  }
}
