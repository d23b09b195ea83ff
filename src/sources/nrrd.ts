/**
 * NRRD volumes (.nrrd with attached data, .nhdr with a detached data file), raw or gzip encoded.
 *
 * The header is parsed by hand: it is a short "field: value" text block that the NRRD spec
 * (teem.sourceforge.net/nrrd/format.html) defines completely, and no maintained JavaScript
 * library reads it without also loading all the data into memory.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { type DataType, itemSize } from "../dtype/index.js";
import { UnsupportedError, ValueError } from "../errors.js";
import type { ByteSource } from "../store/types.js";
import { unitName } from "./axes.js";
import { FileBytes } from "./byte-source.js";
import { openGunzip } from "./gzip.js";
import { checkRegion } from "./region.js";
import { forwardOnlyReads, readStoredRegion, type StoredArray, storedByteLength } from "./stored-array.js";
import type { Source } from "./types.js";

export interface NrrdHeader {
  /** Field names in lower case with single spaces ("space directions"); values untrimmed of quotes. */
  fields: Map<string, string>;
  /** `key:=value` pairs. */
  keyValues: Map<string, string>;
  /** Byte offset just after the header's blank line (where attached data starts). */
  dataOffset: number;
}

const TYPES: Array<[DataType, string[]]> = [
  ["int8", ["signed char", "int8", "int8_t"]],
  ["uint8", ["uchar", "unsigned char", "uint8", "uint8_t"]],
  ["int16", ["short", "short int", "signed short", "signed short int", "int16", "int16_t"]],
  ["uint16", ["ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"]],
  ["int32", ["int", "signed int", "int32", "int32_t"]],
  ["uint32", ["uint", "unsigned int", "uint32", "uint32_t"]],
  [
    "int64",
    [
      "longlong",
      "long long",
      "long long int",
      "signed long long",
      "signed long long int",
      "int64",
      "int64_t",
    ],
  ],
  ["uint64", ["ulonglong", "unsigned long long", "unsigned long long int", "uint64", "uint64_t"]],
  ["float32", ["float"]],
  ["float64", ["double"]],
];
const TYPE_NAMES = new Map(TYPES.flatMap(([dtype, names]) => names.map((n) => [n, dtype] as const)));

/** NRRD field names that have more than one accepted spelling. */
const ALIASES: Record<string, string> = {
  datafile: "data file",
  byteskip: "byte skip",
  lineskip: "line skip",
  centerings: "centers",
  spacedirections: "space directions",
  spaceunits: "space units",
  spaceorigin: "space origin",
  spacedimension: "space dimension",
};

/** Kinds of axes that hold components of one sample (a channel axis), per the NRRD spec. */
const CHANNEL_KINDS = new Set([
  "list",
  "point",
  "vector",
  "covariant-vector",
  "normal",
  "stub",
  "scalar",
  "complex",
  "2-vector",
  "3-color",
  "rgb-color",
  "hsv-color",
  "xyz-color",
  "4-color",
  "rgba-color",
  "3-vector",
  "3-gradient",
  "3-normal",
  "4-vector",
  "quaternion",
  "2d-symmetric-matrix",
  "2d-masked-symmetric-matrix",
  "2d-matrix",
  "2d-masked-matrix",
  "3d-symmetric-matrix",
  "3d-masked-symmetric-matrix",
  "3d-matrix",
  "3d-masked-matrix",
]);

/** Parses the text header at the start of `bytes`; null if it does not end within them. */
export function parseNrrdHeader(bytes: Uint8Array, name: string, atEnd: boolean): NrrdHeader | null {
  const text = new TextDecoder("latin1").decode(bytes); // latin1: one char per byte, so offsets match
  if (!/^NRRD000\d/.test(text)) throw new ValueError(`${name} is not a NRRD file (no NRRD000x magic)`);
  const fields = new Map<string, string>();
  const keyValues = new Map<string, string>();
  let pos = text.indexOf("\n") + 1;
  if (pos === 0) return atEnd ? { fields, keyValues, dataOffset: text.length } : null;
  for (;;) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0 && !atEnd) return null;
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end).replace(/\r$/, "");
    pos = nl < 0 ? text.length : nl + 1;
    if (line === "") return { fields, keyValues, dataOffset: pos };
    if (!line.startsWith("#")) {
      const kv = line.indexOf(":=");
      const colon = line.indexOf(": ");
      if (kv >= 0 && (colon < 0 || kv < colon)) {
        keyValues.set(line.slice(0, kv), line.slice(kv + 2));
      } else if (colon > 0) {
        let key = line.slice(0, colon).trim().toLowerCase().replace(/\s+/g, " ");
        key = ALIASES[key.replace(/ /g, "")] ?? key;
        fields.set(key, line.slice(colon + 2).trim());
      } else {
        throw new ValueError(
          `${name}: NRRD header line ${JSON.stringify(line)} is neither "field: value" nor "key:=value"`,
        );
      }
    }
    if (pos >= text.length) return atEnd ? { fields, keyValues, dataOffset: pos } : null;
  }
}

/** Space-separated words, or quoted strings when the field uses quotes ("mm" "mm"). */
function words(value: string): string[] {
  const quoted = value.match(/"[^"]*"/g);
  if (quoted) return quoted.map((q) => q.slice(1, -1));
  return value.split(/\s+/).filter((w) => w !== "");
}

/** "(1,0,0) none (0,0,2.5)" → [[1,0,0], null, [0,0,2.5]]. */
function vectors(value: string, name: string): Array<number[] | null> {
  const out: Array<number[] | null> = [];
  for (const m of value.matchAll(/\(([^)]*)\)|none/gi)) {
    if (m[1] === undefined) out.push(null);
    else {
      const v = m[1].split(",").map((s) => Number(s.trim()));
      if (v.some((x) => !Number.isFinite(x))) throw new ValueError(`${name}: bad NRRD vector (${m[1]})`);
      out.push(v);
    }
  }
  return out;
}

async function readHeader(path: string, bytes: FileBytes): Promise<NrrdHeader> {
  const size = await bytes.size();
  for (let want = 64 * 1024; ; want *= 4) {
    const n = Math.min(size, want);
    const header = parseNrrdHeader(await bytes.read(0, n), path, n === size);
    if (header) return header;
    if (n === size) throw new ValueError(`${path}: NRRD header does not end`);
  }
}

/** Byte offset after skipping `lines` lines from `start`. */
async function skipLines(bytes: ByteSource, start: number, lines: number): Promise<number> {
  let pos = start;
  const size = await bytes.size();
  while (lines > 0) {
    if (pos >= size) throw new ValueError(`${bytes.description}: "line skip" goes past the end of the file`);
    const chunk = await bytes.read(pos, Math.min(64 * 1024, size - pos));
    for (let i = 0; i < chunk.length && lines > 0; i++) {
      if (chunk[i] === 0x0a) {
        lines--;
        if (lines === 0) return pos + i + 1;
      }
    }
    pos += chunk.length;
  }
  return pos;
}

interface AxisInfo {
  name: string;
  size: number;
  scale: number;
  unit: string | undefined;
  origin: number;
}

export async function openNrrd(path: string): Promise<Source> {
  const headerFile = await FileBytes.open(path);
  let header: NrrdHeader;
  try {
    header = await readHeader(path, headerFile);
  } catch (e) {
    await headerFile.close();
    throw e;
  }
  const { fields } = header;
  const need = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined) throw new ValueError(`${path}: NRRD header has no "${key}" field`);
    return v;
  };
  let dataFileHandle: FileBytes | undefined;
  try {
    const typeName = need("type").toLowerCase().replace(/\s+/g, " ");
    const dtype = TYPE_NAMES.get(typeName);
    if (!dtype) throw new UnsupportedError(`${path}: NRRD type "${typeName}" is not supported`);
    const dimension = Number(need("dimension"));
    const sizes = words(need("sizes")).map(Number);
    if (!(Number.isInteger(dimension) && dimension >= 1) || sizes.length !== dimension) {
      throw new ValueError(
        `${path}: NRRD "sizes" (${fields.get("sizes")}) does not have "dimension" (${dimension}) entries`,
      );
    }
    if (sizes.some((s) => !(Number.isInteger(s) && s >= 1))) {
      throw new ValueError(`${path}: NRRD sizes ${fields.get("sizes")} must be positive integers`);
    }
    const encoding = need("encoding").toLowerCase();
    const gzip = encoding === "gzip" || encoding === "gz";
    if (!gzip && encoding !== "raw") {
      throw new UnsupportedError(`${path}: NRRD encoding "${encoding}" is not supported (raw and gzip are)`);
    }
    const endianField = fields.get("endian")?.toLowerCase();
    if (itemSize(dtype) > 1 && endianField !== "little" && endianField !== "big") {
      throw new ValueError(`${path}: NRRD of ${typeName} needs "endian: little" or "endian: big"`);
    }
    const endian = endianField === "big" ? "big" : "little";

    const axes = nameAxes(path, fields, sizes);
    // NRRD lists axes fastest first; storage C order is the reverse.
    const storage = [...axes].reverse();
    const order = "tczyx";
    const presented = [...storage].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));

    // Data location.
    const dataFile = fields.get("data file");
    let dataPath = path;
    let start = header.dataOffset;
    if (dataFile !== undefined) {
      if (/^LIST\b/.test(dataFile) || /%/.test(dataFile)) {
        throw new UnsupportedError(
          `${path}: NRRD data split over several files ("data file: ${dataFile}") is not supported`,
        );
      }
      dataPath = isAbsolute(dataFile) ? dataFile : resolve(dirname(path), dataFile);
      start = 0;
    } else if (/\.nhdr$/i.test(path)) {
      throw new ValueError(`${path}: a detached NRRD header (.nhdr) needs a "data file" field`);
    }
    const lineSkip = Number(fields.get("line skip") ?? 0);
    const byteSkip = Number(fields.get("byte skip") ?? 0);
    if (!(Number.isInteger(lineSkip) && lineSkip >= 0) || !(Number.isInteger(byteSkip) && byteSkip >= -1)) {
      throw new ValueError(`${path}: bad NRRD "line skip"/"byte skip"`);
    }
    if (dataPath !== path) {
      await headerFile.close();
      dataFileHandle = await FileBytes.open(dataPath);
    }
    const file = dataFileHandle ?? headerFile;
    start = await skipLines(file, start, lineSkip);

    let bytes: ByteSource = file;
    const stored: StoredArray = {
      bytes,
      offset: 0,
      shape: storage.map((a) => a.size),
      dtype,
      endian,
      perm: presented.map((a) => storage.indexOf(a)),
    };
    const dataLength = storedByteLength(stored);
    if (gzip) {
      if (byteSkip < 0) throw new ValueError(`${path}: "byte skip: -1" is only allowed with raw encoding`);
      await file.close();
      bytes = await openGunzip(dataPath, {
        start,
        size: byteSkip + dataLength,
        rule: "its NRRD header describes (byte skip + data)",
      });
      stored.bytes = bytes;
      stored.offset = byteSkip; // byte skip counts decompressed bytes
    } else {
      const size = await file.size();
      stored.offset = byteSkip === -1 ? size - dataLength : start + byteSkip;
      if (stored.offset < 0 || size < stored.offset + dataLength) {
        await file.close();
        throw new ValueError(
          `${dataPath} has ${size} bytes but the NRRD header describes ${dataLength} bytes of data from byte ${stored.offset}: the file is truncated`,
        );
      }
    }

    const shape = presented.map((a) => a.size);
    const units = presented.map((a) => a.unit);
    const scale = presented.map((a) => a.scale);
    const origins = presented.map((a) => a.origin);
    const aligned = axes.every((a) => Number.isFinite(a.origin));
    const description = `NRRD${gzip ? " (gzip)" : ""}, ${sizes.join("x")} ${dtype}`;
    return {
      shape,
      dtype,
      axes: presented.map((a) => a.name),
      scale,
      units: units.some((u) => u !== undefined) ? units : undefined,
      translation: aligned && fields.has("space origin") ? origins : undefined,
      description,
      async read(region) {
        checkRegion(region, shape, description);
        return readStoredRegion(stored, region);
      },
      forwardOnly: forwardOnlyReads(stored),
      close: () => bytes.close(),
    };
  } catch (e) {
    await headerFile.close();
    await dataFileHandle?.close();
    throw e;
  }
}

/**
 * Names each NRRD axis (fastest first) t, c, z, y or x from its kind and space direction, and
 * finds its voxel size, unit and origin.
 */
function nameAxes(path: string, fields: Map<string, string>, sizes: number[]): AxisInfo[] {
  const n = sizes.length;
  const perAxis = (key: string): string[] | undefined => {
    const v = fields.get(key);
    if (v === undefined) return undefined;
    const w = words(v);
    if (w.length !== n) throw new ValueError(`${path}: NRRD "${key}" has ${w.length} entries for ${n} axes`);
    return w;
  };
  const kinds = perAxis("kinds")?.map((k) => k.toLowerCase());
  const spacings = perAxis("spacings")?.map(Number);
  const axisUnits = perAxis("units");
  const directionsText = fields.get("space directions");
  const directions = directionsText === undefined ? undefined : vectors(directionsText, path);
  if (directions && directions.length !== n) {
    throw new ValueError(`${path}: NRRD "space directions" has ${directions.length} entries for ${n} axes`);
  }
  const spaceUnits = fields.has("space units") ? words(fields.get("space units")!) : undefined;
  const originText = fields.get("space origin");
  const origin = originText === undefined ? undefined : vectors(originText, path)[0];

  const roles = sizes.map((_, i): "space" | "t" | "c" => {
    const kind = kinds?.[i];
    if (kind === "time") return "t";
    if (kind === "domain" || kind === "space") return "space";
    if (kind && CHANNEL_KINDS.has(kind)) return "c";
    if (directions) return directions[i] ? "space" : "c";
    return "space";
  });
  // With nothing to go on, the first three axes are x, y, z and a slower fourth one is time.
  let spatial = 0;
  const names = roles.map((role) => {
    if (role !== "space") return role;
    spatial++;
    if (spatial <= 3) return ["x", "y", "z"][spatial - 1];
    return kinds || directions ? "" : "t";
  });
  names.forEach((name, i) => {
    if (name === "" || names.indexOf(name) !== i) {
      throw new UnsupportedError(
        `${path}: cannot map NRRD axes (sizes ${sizes.join(" ")}${kinds ? `, kinds ${kinds.join(" ")}` : ""}) to t, c, z, y, x: more than one ${name === "" ? "spatial axis beyond 3" : `"${name}" axis`}`,
      );
    }
  });

  return sizes.map((size, i) => {
    const dir = directions?.[i] ?? null;
    let scale = spacings && Number.isFinite(spacings[i]) ? Math.abs(spacings[i]) : Number.NaN;
    if (!Number.isFinite(scale) && dir) scale = Math.hypot(...dir);
    let unit = unitName(axisUnits?.[i]);
    let axisOrigin = names[i] === "c" || names[i] === "t" ? 0 : Number.NaN;
    if (dir) {
      // Axis-aligned directions map this axis to one world coordinate; others have no simple offset.
      const nonzero = dir.flatMap((v, k) => (v !== 0 ? [k] : []));
      const world = nonzero.length === 1 && dir[nonzero[0]] > 0 ? nonzero[0] : -1;
      const main = dir.reduce((best, v, k) => (Math.abs(v) > Math.abs(dir[best]) ? k : best), 0);
      unit ??= unitName(spaceUnits?.[main]);
      if (world >= 0 && origin) axisOrigin = origin[world] ?? Number.NaN;
    } else if (names[i] !== "c" && names[i] !== "t" && !origin) {
      axisOrigin = 0;
    }
    return {
      name: names[i],
      size,
      scale: Number.isFinite(scale) && scale > 0 ? scale : 1,
      unit,
      origin: axisOrigin,
    };
  });
}
