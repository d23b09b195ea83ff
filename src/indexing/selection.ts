/**
 * NumPy-style basic selections: integers, slices with start/stop/step (negative values count from
 * the end), an ellipsis, and `null` for a whole axis. Normalised once here into per-axis ranges that
 * the chunk projection and the copy loops understand.
 */
import { SelectionError } from "../errors.js";

export interface Slice {
  readonly kind: "slice";
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

/** The ellipsis of `a[..., 3]`. */
export const ellipsis = "..." as const;

export type AxisSelection = number | Slice | null;
export type Selection = null | undefined | ReadonlyArray<AxisSelection | typeof ellipsis>;

/**
 * `slice(stop)` or `slice(start, stop, step)` — Python's `slice`. `null` leaves a bound open:
 * `slice(null, null, 2)` is `::2`.
 */
export function slice(start: number | null, stop?: number | null, step?: number | null): Slice {
  if (stop === undefined) return { kind: "slice", start: null, stop: start, step: step ?? null };
  return { kind: "slice", start, stop, step: step ?? null };
}

/**
 * One axis of a normalised selection: `count` indices `start, start + step, ...` (step may be
 * negative). `squeeze` marks an integer index, whose axis is dropped from the result.
 */
export interface AxisRange {
  start: number;
  step: number;
  count: number;
  squeeze: boolean;
}

function isSlice(x: unknown): x is Slice {
  return typeof x === "object" && x !== null && (x as Slice).kind === "slice";
}

function checkInteger(value: number, what: string): void {
  if (!Number.isInteger(value)) throw new SelectionError(`${what} must be an integer, got ${value}`);
}

/** Python's slice.indices(length) followed by the element count. */
function sliceRange(s: Slice, length: number, axis: number): AxisRange {
  const step = s.step ?? 1;
  checkInteger(step, `step of axis ${axis}`);
  if (step === 0) throw new SelectionError(`step of axis ${axis} must not be zero`);
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const resolve = (v: number | null, dflt: number, lo: number, hi: number) => {
    if (v === null) return dflt;
    checkInteger(v, `slice bound of axis ${axis}`);
    return clamp(v < 0 ? v + length : v, lo, hi);
  };
  let start: number;
  let stop: number;
  if (step > 0) {
    start = resolve(s.start, 0, 0, length);
    stop = resolve(s.stop, length, 0, length);
  } else {
    start = resolve(s.start, length - 1, -1, length - 1);
    stop = resolve(s.stop, -1, -1, length - 1);
  }
  const count = Math.max(0, Math.ceil((stop - start) / step));
  return { start, step, count, squeeze: false };
}

/** Resolves a selection against a shape. Throws SelectionError naming the axis and the rule. */
export function normalizeSelection(selection: Selection, shape: readonly number[]): AxisRange[] {
  if (selection != null && !Array.isArray(selection)) {
    throw new SelectionError(
      "a selection is null (everything) or an array with one entry per axis (integer, slice, null, ellipsis)",
    );
  }
  const items: Array<AxisSelection | typeof ellipsis> = selection == null ? [] : [...selection];
  const ellipses = items.filter((x) => x === ellipsis).length;
  if (ellipses > 1) throw new SelectionError("a selection may contain at most one ellipsis");
  const explicit = items.length - ellipses;
  if (explicit > shape.length) {
    throw new SelectionError(`selection has ${explicit} axes but the array has ${shape.length}`);
  }
  const at = items.indexOf(ellipsis);
  const expanded: AxisSelection[] =
    at >= 0
      ? [
          ...(items.slice(0, at) as AxisSelection[]),
          ...new Array<AxisSelection>(shape.length - explicit).fill(null),
          ...(items.slice(at + 1) as AxisSelection[]),
        ]
      : [...(items as AxisSelection[]), ...new Array<AxisSelection>(shape.length - explicit).fill(null)];

  return expanded.map((sel, axis) => {
    const length = shape[axis];
    if (sel === null || sel === undefined) return { start: 0, step: 1, count: length, squeeze: false };
    if (typeof sel === "number") {
      checkInteger(sel, `index of axis ${axis}`);
      const i = sel < 0 ? sel + length : sel;
      if (i < 0 || i >= length) {
        throw new SelectionError(`index ${sel} is out of bounds for axis ${axis} with size ${length}`);
      }
      return { start: i, step: 1, count: 1, squeeze: true };
    }
    if (isSlice(sel)) return sliceRange(sel, length, axis);
    throw new SelectionError(
      `axis ${axis}: expected an integer, slice(...), null or "...", got ${JSON.stringify(sel)}`,
    );
  });
}

/** The shape of the result of a selection (integer-indexed axes dropped). */
export function selectionShape(ranges: readonly AxisRange[]): number[] {
  return ranges.filter((r) => !r.squeeze).map((r) => r.count);
}
