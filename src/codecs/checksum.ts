/**
 * Checksum codecs: a 4-byte little-endian checksum stored next to the data and verified on decode.
 * - v3 `crc32c`: CRC-32C appended at the end.
 * - numcodecs `crc32` / `adler32`: prepended by default (`location: "start"`), like numcodecs writes.
 * - numcodecs `fletcher32`: appended at the end.
 */
import { CodecError, type Issue } from "../errors.js";
import { crc32Backend } from "./backends.js";
import { adler32, fletcher32 } from "./checksum-js.js";
import { assertValid, type Config, checkEnum } from "./config.js";
import type { BytesToBytesCodec, V3CodecJSON } from "./types.js";

export type ChecksumKind = "crc32c" | "crc32" | "adler32" | "fletcher32";
export type ChecksumLocation = "start" | "end";

export function checkChecksumConfig(config: Config, path: string, kind: ChecksumKind): Issue[] {
  if (kind === "crc32" || kind === "adler32") return checkEnum(config, "location", path, ["start", "end"]);
  return [];
}

async function compute(kind: ChecksumKind, data: Uint8Array): Promise<number> {
  if (kind === "adler32") return adler32(data);
  if (kind === "fletcher32") return fletcher32(data);
  const b = await crc32Backend();
  return kind === "crc32c" ? b.crc32c(data) : b.crc32(data);
}

export class ChecksumCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly checksum: ChecksumKind;
  readonly location: ChecksumLocation;
  /** Whether `location` was given explicitly (it is then written back). */
  private readonly explicitLocation: boolean;

  constructor(checksum: ChecksumKind, config: { location?: ChecksumLocation } = {}) {
    assertValid(`${checksum} codec configuration`, checkChecksumConfig(config, checksum, checksum));
    this.checksum = checksum;
    const fixed: ChecksumLocation = checksum === "crc32c" || checksum === "fletcher32" ? "end" : "start";
    this.location = config.location ?? fixed;
    this.explicitLocation = config.location !== undefined;
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    const sum = await compute(this.checksum, bytes);
    const out = new Uint8Array(bytes.length + 4);
    const at = this.location === "start" ? 0 : bytes.length;
    out.set(bytes, this.location === "start" ? 4 : 0);
    new DataView(out.buffer).setUint32(at, sum, true);
    return out;
  }

  async decode(bytes: Uint8Array): Promise<Uint8Array> {
    if (bytes.length < 4) {
      throw new CodecError(`${this.checksum}: ${bytes.length} bytes is too short to hold a 4-byte checksum`);
    }
    const start = this.location === "start";
    const body = start ? bytes.subarray(4) : bytes.subarray(0, bytes.length - 4);
    const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(
      start ? 0 : bytes.length - 4,
      true,
    );
    const actual = await compute(this.checksum, body);
    if (stored !== actual) {
      throw new CodecError(
        `${this.checksum} checksum mismatch: stored 0x${hex(stored)}, computed 0x${hex(actual)}; the data is corrupt`,
      );
    }
    return body;
  }

  toJSON(): V3CodecJSON {
    if (this.checksum === "crc32c") return { name: "crc32c" };
    const configuration: Record<string, unknown> = this.explicitLocation ? { location: this.location } : {};
    return { name: `numcodecs.${this.checksum}`, configuration };
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
