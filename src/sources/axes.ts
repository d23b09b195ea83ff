/** Axis names and physical units: defaults, user overrides, and unit spellings → OME-NGFF names. */
import { ValueError } from "../errors.js";

const AXIS_LETTERS = new Set(["t", "c", "z", "y", "x"]);

/** Names for an N-D array whose file does not name its axes: the last N of t,c,z,y,x. */
export function defaultAxes(ndim: number, what: string): string[] {
  if (ndim < 1 || ndim > 5) {
    throw new ValueError(
      `${what} has ${ndim} dimensions; give 1 to 5 axes (a subset of t,c,z,y,x) with \`axes\``,
    );
  }
  return ["t", "c", "z", "y", "x"].slice(5 - ndim);
}

/** Parses a user's axes string like "tczyx": one known letter per axis, no repeats, `ndim` long. */
export function parseAxes(text: string, ndim: number, what: string): string[] {
  const axes = [...text.toLowerCase()];
  if (axes.length !== ndim) {
    throw new ValueError(`axes "${text}" names ${axes.length} axes but ${what} has ${ndim}`);
  }
  for (const a of axes) {
    if (!AXIS_LETTERS.has(a)) throw new ValueError(`axes "${text}": "${a}" is not one of t, c, z, y, x`);
  }
  if (new Set(axes).size !== axes.length) throw new ValueError(`axes "${text}" names an axis twice`);
  return axes;
}

const UNIT_SYMBOLS: Record<string, string> = {
  m: "meter",
  km: "kilometer",
  cm: "centimeter",
  dm: "decimeter",
  mm: "millimeter",
  um: "micrometer",
  "\u00b5m": "micrometer", // micro sign
  "\u03bcm": "micrometer", // Greek mu
  micron: "micrometer",
  microns: "micrometer",
  nm: "nanometer",
  pm: "picometer",
  "\u00c5": "angstrom",
  "\u212b": "angstrom",
  a: "angstrom",
  in: "inch",
  ft: "foot",
  s: "second",
  sec: "second",
  ms: "millisecond",
  msec: "millisecond",
  us: "microsecond",
  "\u00b5s": "microsecond",
  "\u03bcs": "microsecond",
  usec: "microsecond",
  ns: "nanosecond",
  ps: "picosecond",
  min: "minute",
  h: "hour",
  d: "day",
};

const NGFF_UNITS = new Set([
  "angstrom",
  "attometer",
  "centimeter",
  "decimeter",
  "exameter",
  "femtometer",
  "foot",
  "gigameter",
  "hectometer",
  "inch",
  "kilometer",
  "megameter",
  "meter",
  "micrometer",
  "mile",
  "millimeter",
  "nanometer",
  "parsec",
  "petameter",
  "picometer",
  "terameter",
  "yard",
  "yoctometer",
  "yottameter",
  "zeptometer",
  "zettameter",
  "attosecond",
  "centisecond",
  "day",
  "decisecond",
  "exasecond",
  "femtosecond",
  "gigasecond",
  "hectosecond",
  "hour",
  "kilosecond",
  "megasecond",
  "microsecond",
  "millisecond",
  "minute",
  "nanosecond",
  "petasecond",
  "picosecond",
  "second",
  "terasecond",
  "yoctosecond",
  "yottasecond",
  "zeptosecond",
  "zettasecond",
]);

/** An OME-NGFF unit name for a unit as files spell it ("µm", "mm", "micron", "s"); undefined if unknown. */
export function unitName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === "") return undefined;
  const lower = t.toLowerCase();
  if (NGFF_UNITS.has(lower)) return lower;
  if (lower.endsWith("s") && NGFF_UNITS.has(lower.slice(0, -1))) return lower.slice(0, -1); // "microns", "seconds"
  return UNIT_SYMBOLS[t] ?? UNIT_SYMBOLS[lower];
}
