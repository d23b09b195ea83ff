/**
 * Axis units. The specification (0.4 and 0.5 alike) says the unit of a space or time axis SHOULD be
 * one of the UDUNITS-2 names below; people commonly write abbreviations ("um", "µm", "ms") instead.
 * `normalizeUnit` maps those to the specification's names so that tools can suggest (never silently
 * apply) the fix.
 */

export const SPACE_UNITS = [
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
] as const;

export const TIME_UNITS = [
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
] as const;

export type SpaceUnit = (typeof SPACE_UNITS)[number];
export type TimeUnit = (typeof TIME_UNITS)[number];
export type Unit = SpaceUnit | TimeUnit;

const SPACE = new Set<string>(SPACE_UNITS);
const TIME = new Set<string>(TIME_UNITS);

// Abbreviations and spellings seen in the wild. "µ" is the micro sign U+00B5, "μ" the Greek mu U+03BC.
const ALIASES: Record<string, Unit> = {
  Å: "angstrom",
  Å: "angstrom",
  am: "attometer",
  cm: "centimeter",
  dm: "decimeter",
  Em: "exameter",
  fm: "femtometer",
  ft: "foot",
  Gm: "gigameter",
  hm: "hectometer",
  in: "inch",
  km: "kilometer",
  Mm: "megameter",
  m: "meter",
  um: "micrometer",
  µm: "micrometer",
  μm: "micrometer",
  micron: "micrometer",
  microns: "micrometer",
  mi: "mile",
  mm: "millimeter",
  nm: "nanometer",
  pc: "parsec",
  Pm: "petameter",
  pm: "picometer",
  Tm: "terameter",
  yd: "yard",
  ym: "yoctometer",
  Ym: "yottameter",
  zm: "zeptometer",
  Zm: "zettameter",
  as: "attosecond",
  cs: "centisecond",
  d: "day",
  ds: "decisecond",
  Es: "exasecond",
  fs: "femtosecond",
  Gs: "gigasecond",
  hs: "hectosecond",
  h: "hour",
  hr: "hour",
  ks: "kilosecond",
  Ms: "megasecond",
  us: "microsecond",
  µs: "microsecond",
  μs: "microsecond",
  ms: "millisecond",
  msec: "millisecond",
  usec: "microsecond",
  min: "minute",
  ns: "nanosecond",
  Ps: "petasecond",
  ps: "picosecond",
  s: "second",
  sec: "second",
  Ts: "terasecond",
  ys: "yoctosecond",
  Ys: "yottasecond",
  zs: "zeptosecond",
  Zs: "zettasecond",
};

/** Whether `unit` is one of the specification's units, and of which axis type. */
export function unitKind(unit: string): "space" | "time" | undefined {
  if (SPACE.has(unit)) return "space";
  if (TIME.has(unit)) return "time";
  return undefined;
}

/**
 * The specification's name for a unit: itself when it already is one, the full name for a known
 * abbreviation or spelling ("um" → "micrometer", "Micrometers" → "micrometer", "ms" → "millisecond"),
 * undefined when unknown. Abbreviations are case-sensitive ("Mm" is megameter, "mm" millimeter).
 */
export function normalizeUnit(unit: string): Unit | undefined {
  if (unitKind(unit)) return unit as Unit;
  const alias = ALIASES[unit.trim()];
  if (alias) return alias;
  // Full names in another case or in the plural: "Micrometer", "nanometers", "seconds".
  const lower = unit.trim().toLowerCase();
  for (const candidate of [lower, lower.replace(/s$/, ""), lower.replace(/metre(s?)$/, "meter")]) {
    if (unitKind(candidate)) return candidate as Unit;
  }
  return undefined;
}

const SI_PREFIXES: Record<string, number> = {
  yocto: 1e-24,
  zepto: 1e-21,
  atto: 1e-18,
  femto: 1e-15,
  pico: 1e-12,
  nano: 1e-9,
  micro: 1e-6,
  milli: 1e-3,
  centi: 1e-2,
  deci: 1e-1,
  "": 1,
  hecto: 1e2,
  kilo: 1e3,
  mega: 1e6,
  giga: 1e9,
  tera: 1e12,
  peta: 1e15,
  exa: 1e18,
  zetta: 1e21,
  yotta: 1e24,
};
const NON_SI: Record<string, [number, "m" | "s"]> = {
  angstrom: [1e-10, "m"],
  foot: [0.3048, "m"],
  inch: [0.0254, "m"],
  yard: [0.9144, "m"],
  mile: [1609.344, "m"],
  parsec: [3.085677581491367e16, "m"],
  minute: [60, "s"],
  hour: [3600, "s"],
  day: [86400, "s"],
};

/** A specification unit as a multiple of the SI base unit ("micrometer" → [1e-6, "m"]); undefined if unknown. */
export function siUnit(unit: string): [number, "m" | "s"] | undefined {
  const fixed = NON_SI[unit];
  if (fixed) return fixed;
  const m = /^(.*)(meter|second)$/.exec(unit);
  if (!m || !(m[1] in SI_PREFIXES)) return undefined;
  return [SI_PREFIXES[m[1]], m[2] === "meter" ? "m" : "s"];
}
