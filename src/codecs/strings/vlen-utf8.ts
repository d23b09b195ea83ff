/**
 * The variable-length UTF-8 string codec: numcodecs `VLenUTF8` (v2 object codec, `|O` arrays) and
 * the Zarr v3 `vlen-utf8` array-to-bytes codec share one layout: a uint32 LE item count, then per
 * item a uint32 LE byte length and that many UTF-8 bytes, in C order.
 */
import { decodeVlenUtf8 } from "../../dtype/strings.js";
import { CodecError, type Issue } from "../../errors.js";
import type { Config } from "../config.js";

/** v3 `vlen-utf8` takes an empty (or absent) configuration; v2 `{"id": "vlen-utf8"}` takes no fields. */
export function checkVlenUtf8Config(config: Config, path: string): Issue[] {
  return Object.keys(config).map((k) => ({
    path: `${path}.${k}`,
    message: "is not a vlen-utf8 setting (the codec takes no configuration)",
  }));
}

const utf8 = new TextEncoder();

export class VlenUtf8Codec {
  readonly kind = "strings_to_bytes";

  encode(items: readonly string[]): Uint8Array {
    const parts = items.map((s) => utf8.encode(s));
    const total = parts.reduce((n, p) => n + 4 + p.length, 4);
    if (total > 0xffffffff) throw new CodecError(`vlen-utf8 chunk of ${total} bytes exceeds 4 GiB`);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint32(0, items.length, true);
    let pos = 4;
    for (const p of parts) {
      view.setUint32(pos, p.length, true);
      out.set(p, pos + 4);
      pos += 4 + p.length;
    }
    return out;
  }

  decode(bytes: Uint8Array, count: number): string[] {
    return decodeVlenUtf8(bytes, count);
  }

  toJSON(): { name: "vlen-utf8"; configuration: Record<string, never> } {
    return { name: "vlen-utf8", configuration: {} };
  }
}
