/**
 * The codecs that turn a chunk of strings into bytes, by v2 object-codec `id` (first filter of a
 * `|O` array) and by v3 `name` (the array-to-bytes codec of a `string` array). Numeric codecs live
 * in ../registry.ts; the bytes-to-bytes codecs after these come from there.
 */
import { decodeJsonItems } from "../../dtype/strings.js";
import type { Issue } from "../../errors.js";
import type { Config } from "../config.js";
import { checkVlenUtf8Config, VlenUtf8Codec } from "./vlen-utf8.js";

/** A strings↔bytes stage. `encode` is absent for codecs zarrsmith reads but does not write (json2). */
export interface StringCodec {
  readonly kind: "strings_to_bytes";
  encode?(items: readonly string[]): Uint8Array;
  decode(bytes: Uint8Array, count: number): string[];
}

export interface StringCodecEntry {
  check(config: Config, path: string): Issue[];
  build(config: Config): StringCodec;
}

const vlenUtf8: StringCodecEntry = { check: checkVlenUtf8Config, build: () => new VlenUtf8Codec() };

/** numcodecs JSON (`json2`): read only; its other settings (encoding, separators) do not change reading. */
const json2: StringCodecEntry = {
  check: () => [],
  build: () => ({ kind: "strings_to_bytes", decode: decodeJsonItems }),
};

const V2: Record<string, StringCodecEntry> = { "vlen-utf8": vlenUtf8, json2 };
const V3: Record<string, StringCodecEntry> = { "vlen-utf8": vlenUtf8 };

/** The v2 object codec with `id`, if any. */
export function v2StringEntry(id: string): StringCodecEntry | undefined {
  return Object.hasOwn(V2, id) ? V2[id] : undefined;
}

/** The v3 strings-to-bytes codec called `name`, if any. */
export function v3StringEntry(name: string): StringCodecEntry | undefined {
  return Object.hasOwn(V3, name) ? V3[name] : undefined;
}
