/** Axis names and physical units: defaults, user overrides, and unit spellings → OME-NGFF names. */
import { ValueError } from "../errors.js";
import { normalizeUnit } from "../ome/common/units.js";

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

/**
 * An OME-NGFF unit name for a unit as files spell it ("µm", "mm", "micron", "s"); undefined if
 * unknown. The tables live with the OME models (normalizeUnit); files also write units in capitals.
 */
export function unitName(text: string | undefined): string | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  return normalizeUnit(t) ?? normalizeUnit(t.toLowerCase());
}

/** The per-axis physical metadata a source carries. */
export interface AxisMetadata {
  scale?: number[];
  units?: (string | undefined)[];
  translation?: number[];
}

/**
 * Renames axes `native` to `names` (the user's), carrying the physical metadata by axis name: a
 * file whose z pixel size is 2 and whose axes the user calls "xyz" gets that size on "z", wherever
 * z now is. An axis renamed to a name the file does not use may not carry physical metadata (it
 * would silently move to another meaning); that is an error naming both.
 */
export function renameAxisMetadata(
  native: readonly string[],
  names: readonly string[],
  meta: AxisMetadata,
  what: string,
): AxisMetadata {
  const physical = (i: number) =>
    (meta.scale !== undefined && meta.scale[i] !== 1) ||
    meta.units?.[i] !== undefined ||
    (meta.translation !== undefined && meta.translation[i] !== 0);
  const from = names.map((name, i) => {
    const j = native.indexOf(name);
    if (j >= 0) return j;
    if (!names.includes(native[i]) && physical(i)) {
      throw new ValueError(
        `axes "${names.join("")}" renames axis ${native[i]} of ${what} to ${name}, but the file gives ${native[i]} a physical size or unit; name the axes the file uses (${native.join("")}) in any order, or keep ${native[i]}`,
      );
    }
    return -1;
  });
  const pick = <T>(values: T[] | undefined, fill: T): T[] | undefined =>
    values && from.map((j) => (j >= 0 ? values[j] : fill));
  return {
    scale: pick(meta.scale, 1),
    units: pick<string | undefined>(meta.units, undefined),
    translation: pick(meta.translation, 0),
  };
}
