/**
 * Flag values → library options. Each parser throws a CliError (exit 2) naming the flag, so a typo
 * is reported before any input is opened or any output is touched.
 */
import type { Command } from "commander";
import { codecs, DATA_TYPES, type DataType, ome } from "../index.js";
import { CliError } from "./output.js";

/** "64,64,64" → [64, 64, 64]: positive integers. */
export function parseIntList(flag: string, text: string, min = 1): number[] {
  const parts = text.split(/[,x]/).map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === "") || values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new CliError(`${flag} must be a comma-separated list of integers >= ${min}, got "${text}"`);
  }
  return values;
}

/** "0.5,0.5,2" → numbers (finite; `positive` for voxel sizes). */
export function parseNumberList(flag: string, text: string, positive = false): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === "") || values.some((v) => !Number.isFinite(v) || (positive && v <= 0))) {
    throw new CliError(
      `${flag} must be a comma-separated list of ${positive ? "positive " : ""}numbers, got "${text}"`,
    );
  }
  return values;
}

export function parseInteger(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v) || v < min || v > max) {
    throw new CliError(
      `${flag} must be an integer from ${min}${max < 2 ** 40 ? ` to ${max}` : " up"}, got "${text}"`,
    );
  }
  return v;
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
};

/** "256MiB", "1.5GB", "1000000" → bytes. */
export function parseBytes(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new CliError(`${flag} must be a size such as 256MiB, 1GiB or a number of bytes, got "${text}"`);
  }
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 2 ** 20) throw new CliError(`${flag} must be at least 1MiB, got "${text}"`);
  return bytes;
}

const SHUFFLES: Record<string, 0 | 1 | 2> = {
  noshuffle: 0,
  shuffle: 1,
  bitshuffle: 2,
  "0": 0,
  "1": 1,
  "2": 2,
};
const CNAMES = ["zstd", "lz4", "lz4hc", "zlib"] as const;

/** `zstd[:level] | blosc[:cname[:clevel[:shuffle]]] | gzip[:level] | none` → codec JSON (null for none). */
export function parseCodec(text: string): codecs.V2CodecJSON | null {
  const [name, ...args] = text.toLowerCase().split(":");
  const level = (i: number, min: number, max: number, fallback: number): number =>
    args[i] === undefined || args[i] === ""
      ? fallback
      : parseInteger(`--codec ${name} level`, args[i], min, max);
  const tooMany = (n: number) => {
    if (args.length > n) throw new CliError(`--codec ${text}: too many ":" parts for ${name}`);
  };
  switch (name) {
    case "none":
    case "raw":
      tooMany(0);
      return null;
    case "zstd":
      tooMany(1);
      return codecs.Zstd({ level: level(0, -131072, 22, 5) });
    case "gzip":
      tooMany(1);
      return codecs.GZip({ level: level(0, 0, 9, 5) });
    case "blosc": {
      tooMany(3);
      const cname = args[0] || "zstd";
      if (!(CNAMES as readonly string[]).includes(cname)) {
        throw new CliError(`--codec blosc: compressor "${cname}" is not one of ${CNAMES.join(", ")}`);
      }
      const shuffle = args[2] === undefined || args[2] === "" ? 1 : SHUFFLES[args[2]];
      if (shuffle === undefined) {
        throw new CliError(
          `--codec blosc: shuffle "${args[2]}" is not one of noshuffle, shuffle, bitshuffle`,
        );
      }
      return codecs.Blosc({ cname: cname as (typeof CNAMES)[number], clevel: level(1, 0, 9, 5), shuffle });
    }
    default:
      throw new CliError(
        `--codec "${text}" is not one of zstd[:level], blosc[:cname[:clevel[:shuffle]]], gzip[:level], none`,
      );
  }
}

export function parseDataType(flag: string, text: string): DataType {
  if (!(DATA_TYPES as readonly string[]).includes(text)) {
    throw new CliError(`${flag} "${text}" is not a data type (${DATA_TYPES.join(", ")})`);
  }
  return text as DataType;
}

/** "um" → "micrometer" (with a note on stderr when the spelling changed); unknown units are kept with a warning. */
export function normalizeUnitFlag(unit: string, warn: (message: string) => void): string {
  const normal = ome.normalizeUnit(unit);
  if (normal === undefined) {
    warn(`unit "${unit}" is not an OME-NGFF unit name; it is written as given`);
    return unit;
  }
  if (normal !== unit) warn(`unit "${unit}" written as "${normal}" (the OME-NGFF name)`);
  return normal;
}

/** Rejects a value outside a fixed set, naming the flag. */
export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new CliError(`${flag} must be one of ${allowed.join(", ")}, got "${text}"`);
  }
  return text as T;
}

/** Warnings go to stderr (also with --json, whose result is on stdout) unless -q. */
export function warner(cmd: Command): (message: string) => void {
  const { quiet } = cmd.optsWithGlobals<{ quiet?: boolean }>();
  return (message) => {
    if (!quiet) process.stderr.write(`zarrsmith: warning: ${message}\n`);
  };
}
