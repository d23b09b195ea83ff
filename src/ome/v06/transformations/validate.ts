/**
 * Checks for 0.6 coordinate systems and transformations. Two tiers:
 * - structure (what the official JSON schemas express: required fields, JSON types, enums, value
 *   ranges), always checked;
 * - the MUST rules of the specification text that no schema expresses (dimensionality of each
 *   transformation against its input and output, matrix shapes, orthonormal rotations, sequences
 *   whose steps compose, byDimension axes, unique names), skipped in `schemaOnly` mode.
 * Every finding carries the JSON path of the field.
 */
import { childPath, isInteger, isObject, jsonEqual, jsonTypeOf } from "../../common/json.js";
import type { Findings } from "../../validate/report.js";
import { INTERPOLATIONS, TRANSFORMATION_TYPES } from "./models.js";

/** What the 0.6 checkers receive. */
export interface V06Context {
  out: Findings;
  /** Only what the official JSON schemas check. */
  schemaOnly: boolean;
  /** Where rule findings go when they should be kept apart from structure findings (default `out`). */
  ruleOut?: Findings;
}

/** Reports a broken MUST rule of the text (not expressible in JSON schema); silent in schema-only mode. */
export function rule(ctx: V06Context, path: string, message: string): void {
  if (!ctx.schemaOnly) (ctx.ruleOut ?? ctx.out).error(path, message);
}

/** The input and output dimensionality of a transformation where known. */
export interface Dims {
  input?: number;
  output?: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === "number");
}

function isMatrix(x: unknown): x is number[][] {
  return Array.isArray(x) && x.every(isNumberArray);
}

/** Structure of an `input`/`output` reference: an object with string `name`/`path` (0.6 no longer allows a plain string). */
export function checkReferenceShape(ref: unknown, path: string, ctx: V06Context): boolean {
  if (ref === undefined) return false;
  if (!isObject(ref)) {
    const hint =
      typeof ref === "string"
        ? ` (write {"name": ${JSON.stringify(ref)}} or {"path": ${JSON.stringify(ref)}})`
        : "";
    ctx.out.error(path, `must be an object with "name" and/or "path", not ${jsonTypeOf(ref)}${hint}`);
    return false;
  }
  for (const key of ["name", "path"] as const) {
    if (ref[key] !== undefined && typeof ref[key] !== "string") {
      ctx.out.error(childPath(path, key), `must be a string, not ${jsonTypeOf(ref[key])}`);
    }
  }
  return true;
}

/** Checks a list of axis indices (mapAxis, droppedInputs, createdOutputs): integers 0..4, unique, within the length bounds. */
function checkIndexList(
  value: unknown,
  path: string,
  ctx: V06Context,
  bounds: { min: number; max: number },
): value is number[] {
  if (!Array.isArray(value)) {
    ctx.out.error(path, `must be an array of axis indices, not ${jsonTypeOf(value)}`);
    return false;
  }
  let ok = true;
  value.forEach((v, i) => {
    if (!isInteger(v) || v < 0 || v > 4) {
      ctx.out.error(childPath(path, i), `${JSON.stringify(v)} is not an axis index (an integer from 0 to 4)`);
      ok = false;
    }
  });
  if (value.length < bounds.min || value.length > bounds.max) {
    ctx.out.error(path, `has ${plural(value.length, "entry")}; it must have ${bounds.min} to ${bounds.max}`);
    ok = false;
  }
  const dup = value.findIndex((v, i) => value.indexOf(v) !== i);
  if (dup >= 0) {
    ctx.out.error(childPath(path, dup), `${value[dup]} appears twice; axis indices must be unique`);
    ok = false;
  }
  return ok;
}

function checkVectorField(
  t: Record<string, unknown>,
  key: "scale" | "translation",
  path: string,
  ctx: V06Context,
): number[] | undefined {
  const v = t[key];
  const p = childPath(path, key);
  if (v === undefined) {
    ctx.out.error(
      path,
      `missing required field "${key}" (a "${key}" transformation gives its vector inline)`,
    );
    return undefined;
  }
  if (!isNumberArray(v)) {
    ctx.out.error(p, `must be an array of numbers, not ${jsonTypeOf(v)}`);
    return undefined;
  }
  if (key === "scale") {
    v.forEach((s, i) => {
      if (!(s > 0))
        ctx.out.error(childPath(p, i), `${s} is not a positive scale factor; scale values must be > 0`);
    });
  }
  return v;
}

function checkMatrixField(
  t: Record<string, unknown>,
  key: "affine" | "rotation",
  path: string,
  ctx: V06Context,
): number[][] | undefined {
  const hasPath = t.path !== undefined;
  const hasMatrix = t[key] !== undefined;
  if (hasPath && hasMatrix) {
    ctx.out.error(path, `has both "${key}" and "path"; give the matrix inline or by path, not both`);
    return undefined;
  }
  if (!hasPath && !hasMatrix) {
    ctx.out.error(path, `missing required field "${key}" (or "path" to a stored matrix)`);
    return undefined;
  }
  if (hasPath) {
    if (typeof t.path !== "string")
      ctx.out.error(childPath(path, "path"), `must be a string, not ${jsonTypeOf(t.path)}`);
    return undefined;
  }
  const m = t[key];
  const p = childPath(path, key);
  if (!isMatrix(m)) {
    ctx.out.error(p, `must be an array of rows (arrays of numbers), not ${jsonTypeOf(m)}`);
    return undefined;
  }
  if (key === "rotation") {
    const n = m.length;
    if (n < 2 || n > 5 || m.some((row) => row.length !== n)) {
      ctx.out.error(
        p,
        `is ${n}×${m[0]?.length ?? 0}${m.some((row) => row.length !== m[0]?.length) ? " (rows of different lengths)" : ""}; a rotation matrix must be square, 2×2 to 5×5`,
      );
      return undefined;
    }
  }
  return m;
}

function determinant(m: number[][]): number {
  const n = m.length;
  const a = m.map((row) => [...row]);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    if (a[pivot][c] === 0) return 0;
    if (pivot !== c) {
      [a[pivot], a[c]] = [a[c], a[pivot]];
      det = -det;
    }
    det *= a[c][c];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return det;
}

/** Tolerance for orthonormality: matrices are usually written with a few decimals (0.7071). */
const ORTHO_TOLERANCE = 1e-3;

function checkRotationValues(m: number[][], path: string, ctx: V06Context): void {
  const n = m.length;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += m[i][k] * m[j][k];
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  if (worst > ORTHO_TOLERANCE) {
    rule(
      ctx,
      path,
      `is not orthonormal (R·Rᵀ differs from the identity by up to ${worst.toPrecision(3)}); a rotation MUST have orthonormal rows and columns`,
    );
    return;
  }
  const det = determinant(m);
  if (Math.abs(det - 1) > ORTHO_TOLERANCE) {
    rule(
      ctx,
      path,
      `has determinant ${det.toPrecision(3)}; a rotation MUST have determinant 1 (a reflection is not a rotation)`,
    );
  }
}

/** "its input has 3 dimensions" style fragments for messages. */
function dimMismatch(what: string, got: number, expected: number, side: "input" | "output"): string {
  return `${what} has ${got} values but the ${side} coordinate system has ${plural(expected, "axis").replace("axiss", "axes")}`;
}

function axesWord(n: number): string {
  return `${n} ${n === 1 ? "axis" : "axes"}`;
}

/**
 * Checks one transformation: structure always, rules unless schema-only. `dims` gives the
 * dimensionality of its input and output where known (from the coordinate systems or arrays its
 * `input`/`output` name, or from the enclosing wrapper). Returns the output dimensionality it
 * implies for the given input (used to check that the steps of a sequence compose).
 */
export function checkTransformation(
  t: unknown,
  path: string,
  ctx: V06Context,
  dims: Dims = {},
): number | undefined {
  if (!isObject(t)) {
    ctx.out.error(path, `must be a transformation object, not ${jsonTypeOf(t)}`);
    return undefined;
  }
  if (t.type === undefined) {
    ctx.out.error(path, `missing required field "type"`);
    return undefined;
  }
  if (typeof t.type !== "string") {
    ctx.out.error(childPath(path, "type"), `must be a string, not ${jsonTypeOf(t.type)}`);
    return undefined;
  }
  if (t.name !== undefined && typeof t.name !== "string")
    ctx.out.error(childPath(path, "name"), `must be a string, not ${jsonTypeOf(t.name)}`);
  checkReferenceShape(t.input, childPath(path, "input"), ctx);
  checkReferenceShape(t.output, childPath(path, "output"), ctx);
  const { input: nIn, output: nOut } = dims;
  const same = (n: number | undefined) => n ?? (nIn !== undefined && nOut === undefined ? nIn : nOut);

  switch (t.type) {
    case "identity": {
      if (nIn !== undefined && nOut !== undefined && nIn !== nOut) {
        rule(
          ctx,
          path,
          `an identity maps ${axesWord(nIn)} to ${axesWord(nOut)}; its input and output MUST have the same dimensionality`,
        );
      }
      return nIn;
    }
    case "scale":
    case "translation": {
      const key = t.type;
      if (t.path !== undefined) {
        rule(
          ctx,
          childPath(path, "path"),
          `a "${key}" transformation MUST give its vector inline as "${key}"; storing it in a Zarr array ("path") is not allowed in 0.6`,
        );
      }
      const v = checkVectorField(t, key, path, ctx);
      if (!v) return same(undefined);
      const p = childPath(path, key);
      if (nIn !== undefined && v.length !== nIn)
        rule(ctx, p, `${dimMismatch(`"${key}"`, v.length, nIn, "input")}; its length MUST equal it`);
      else if (nOut !== undefined && v.length !== nOut)
        rule(ctx, p, `${dimMismatch(`"${key}"`, v.length, nOut, "output")}; its length MUST equal it`);
      if (nIn !== undefined && nOut !== undefined && nIn !== nOut) {
        rule(
          ctx,
          path,
          `maps ${axesWord(nIn)} to ${axesWord(nOut)}; a ${key} MUST have equal input and output dimensionality`,
        );
      }
      return v.length;
    }
    case "mapAxis": {
      const p = childPath(path, "mapAxis");
      if (t.mapAxis === undefined) {
        ctx.out.error(path, `missing required field "mapAxis"`);
        return same(undefined);
      }
      if (!checkIndexList(t.mapAxis, p, ctx, { min: 2, max: 5 })) return same(undefined);
      const m = t.mapAxis as number[];
      const n = m.length;
      if (nIn !== undefined && n !== nIn)
        rule(
          ctx,
          p,
          `${dimMismatch("mapAxis", n, nIn, "input")}; its length MUST equal the input and output dimensionality`,
        );
      else if (nOut !== undefined && n !== nOut)
        rule(
          ctx,
          p,
          `${dimMismatch("mapAxis", n, nOut, "output")}; its length MUST equal the input and output dimensionality`,
        );
      const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !m.includes(i));
      if (missing.length > 0) {
        rule(
          ctx,
          p,
          `[${m.join(", ")}] is not a permutation of 0..${n - 1} (missing ${missing.join(", ")}); each input axis index MUST appear exactly once`,
        );
      }
      return n;
    }
    case "projectAxis": {
      const dropped = t.droppedInputs;
      const created = t.createdOutputs;
      if (dropped === undefined && created === undefined) {
        ctx.out.error(path, `needs "droppedInputs" or "createdOutputs" (or both)`);
        return undefined;
      }
      const okD =
        dropped === undefined ||
        checkIndexList(dropped, childPath(path, "droppedInputs"), ctx, { min: 1, max: 3 });
      const okC =
        created === undefined ||
        checkIndexList(created, childPath(path, "createdOutputs"), ctx, { min: 1, max: 3 });
      if (!okD || !okC) return undefined;
      const d = (dropped as number[] | undefined) ?? [];
      const c = (created as number[] | undefined) ?? [];
      if (nIn !== undefined) {
        const bad = d.filter((i) => i >= nIn);
        if (bad.length > 0)
          rule(
            ctx,
            childPath(path, "droppedInputs"),
            `drops axis ${bad.join(", ")} but the input has ${axesWord(nIn)}; indices MUST be below ${nIn}`,
          );
      }
      if (nOut !== undefined) {
        const bad = c.filter((i) => i >= nOut);
        if (bad.length > 0)
          rule(
            ctx,
            childPath(path, "createdOutputs"),
            `creates axis ${bad.join(", ")} but the output has ${axesWord(nOut)}; indices MUST be below ${nOut}`,
          );
      }
      if (nIn === undefined) return undefined;
      const implied = nIn - d.length + c.length;
      if (nOut !== undefined && implied !== nOut) {
        rule(
          ctx,
          path,
          `maps ${axesWord(nIn)} to ${axesWord(implied)} (${d.length} dropped, ${c.length} created) but the output has ${axesWord(nOut)}; they MUST agree`,
        );
      }
      return implied;
    }
    case "affine": {
      const m = checkMatrixField(t, "affine", path, ctx);
      if (!m) return nOut;
      const p = childPath(path, "affine");
      const rows = m.length;
      const cols = m[0]?.length ?? 0;
      if (rows === 0 || m.some((r) => r.length !== cols)) {
        rule(ctx, p, `has rows of different lengths (or none); an affine MUST be a 2D M×(N+1) matrix`);
        return nOut;
      }
      if (nIn !== undefined && cols !== nIn + 1) {
        rule(
          ctx,
          p,
          `is ${rows}×${cols} but the input has ${axesWord(nIn)}; an affine MUST have N+1 = ${nIn + 1} columns`,
        );
      }
      if (nOut !== undefined && rows !== nOut) {
        rule(
          ctx,
          p,
          `is ${rows}×${cols} but the output has ${axesWord(nOut)}; an affine MUST have M = ${nOut} rows`,
        );
      }
      return rows;
    }
    case "rotation": {
      const m = checkMatrixField(t, "rotation", path, ctx);
      if (!m) return same(undefined);
      const p = childPath(path, "rotation");
      const n = m.length;
      if (nIn !== undefined && n !== nIn)
        rule(
          ctx,
          p,
          `is ${n}×${n} but the input has ${axesWord(nIn)}; a rotation MUST be N×N for N input axes`,
        );
      if (nOut !== undefined && n !== nOut)
        rule(
          ctx,
          p,
          `is ${n}×${n} but the output has ${axesWord(nOut)}; a rotation MUST have equal input and output dimensionality`,
        );
      checkRotationValues(m, p, ctx);
      return n;
    }
    case "sequence":
      return checkSequence(t, path, ctx, dims);
    case "byDimension":
      return checkByDimension(t, path, ctx, dims);
    case "bijection": {
      for (const key of ["forward", "inverse"] as const) {
        if (t[key] === undefined) ctx.out.error(path, `missing required field "${key}"`);
      }
      if (nIn !== undefined && nOut !== undefined && nIn !== nOut) {
        rule(
          ctx,
          path,
          `maps ${axesWord(nIn)} to ${axesWord(nOut)}; a bijection's input and output MUST have equal dimensionality`,
        );
      }
      let result: number | undefined;
      if (t.forward !== undefined)
        result = checkTransformation(t.forward, childPath(path, "forward"), ctx, dims);
      if (t.inverse !== undefined)
        checkTransformation(t.inverse, childPath(path, "inverse"), ctx, { input: nOut, output: nIn });
      return nOut ?? result;
    }
    case "displacements":
    case "coordinates": {
      if (t.path === undefined)
        ctx.out.error(
          path,
          `missing required field "path" (the multiscale group holding the ${t.type} field)`,
        );
      else if (typeof t.path !== "string")
        ctx.out.error(childPath(path, "path"), `must be a string, not ${jsonTypeOf(t.path)}`);
      if (
        t.interpolation !== undefined &&
        !(INTERPOLATIONS as readonly unknown[]).includes(t.interpolation)
      ) {
        ctx.out.error(
          childPath(path, "interpolation"),
          `must be one of ${INTERPOLATIONS.map((s) => JSON.stringify(s)).join(", ")}, not ${JSON.stringify(t.interpolation)}`,
        );
      }
      if (t.type === "displacements" && nIn !== undefined && nOut !== undefined && nIn !== nOut) {
        rule(
          ctx,
          path,
          `maps ${axesWord(nIn)} to ${axesWord(nOut)}; a displacement field's input and output MUST have equal dimensionality`,
        );
      }
      return t.type === "displacements" ? (nOut ?? nIn) : nOut;
    }
    default:
      ctx.out.error(
        childPath(path, "type"),
        `${JSON.stringify(t.type)} is not a transformation type; it must be one of ${TRANSFORMATION_TYPES.map((s) => JSON.stringify(s)).join(", ")}`,
      );
      return undefined;
  }
}

/** A sequence: a list of transformations; each step's output MUST be the next step's input (dimensionality), the first starts at the sequence's input, the last ends at its output. */
function checkSequence(
  t: Record<string, unknown>,
  path: string,
  ctx: V06Context,
  dims: Dims,
): number | undefined {
  const list = t.transformations;
  const p = childPath(path, "transformations");
  if (list === undefined) {
    ctx.out.error(path, `missing required field "transformations"`);
    return undefined;
  }
  if (!Array.isArray(list)) {
    ctx.out.error(p, `must be an array of transformations, not ${jsonTypeOf(list)}`);
    return undefined;
  }
  if (list.length === 0) rule(ctx, p, "is empty; a sequence MUST list at least one transformation");
  let d = dims.input;
  list.forEach((step, i) => {
    const last = i === list.length - 1;
    const out = checkTransformation(step, childPath(p, i), ctx, {
      input: d,
      output: last ? dims.output : undefined,
    });
    if (out !== undefined && d !== undefined && last && dims.output !== undefined && out !== dims.output) {
      // checkTransformation reported the mismatch against the output already when it could
    }
    d = out;
  });
  checkUniqueNames(list, p, ctx);
  return dims.output ?? d;
}

/** byDimension: lower-dimensional transformations on subsets of the axes; every output axis exactly once. */
function checkByDimension(
  t: Record<string, unknown>,
  path: string,
  ctx: V06Context,
  dims: Dims,
): number | undefined {
  const list = t.transformations;
  const p = childPath(path, "transformations");
  if (list === undefined) {
    ctx.out.error(path, `missing required field "transformations"`);
    return undefined;
  }
  if (!Array.isArray(list)) {
    ctx.out.error(
      p,
      `must be an array of {transformation, inputAxes, outputAxes} objects, not ${jsonTypeOf(list)}`,
    );
    return undefined;
  }
  const outputSeen = new Map<number, number>();
  list.forEach((item, i) => {
    const ip = childPath(p, i);
    if (!isObject(item)) {
      ctx.out.error(
        ip,
        `must be an object with "transformation", "inputAxes" and "outputAxes", not ${jsonTypeOf(item)}`,
      );
      return;
    }
    let ok = true;
    for (const key of ["transformation", "inputAxes", "outputAxes"] as const) {
      if (item[key] === undefined) {
        ctx.out.error(ip, `missing required field "${key}"`);
        ok = false;
      }
    }
    for (const key of ["inputAxes", "outputAxes"] as const) {
      if (item[key] !== undefined && !isNumberArray(item[key])) {
        ctx.out.error(
          childPath(ip, key),
          `must be an array of axis indices (numbers), not ${jsonTypeOf(item[key])}`,
        );
        ok = false;
      }
    }
    const inAxes = isNumberArray(item.inputAxes) ? item.inputAxes : undefined;
    const outAxes = isNumberArray(item.outputAxes) ? item.outputAxes : undefined;
    if (inAxes && dims.input !== undefined) {
      const bad = inAxes.filter((a) => !isInteger(a) || a < 0 || a >= dims.input!);
      if (bad.length > 0)
        rule(
          ctx,
          childPath(ip, "inputAxes"),
          `refers to axis ${bad.join(", ")} but the input has ${axesWord(dims.input)} (indices 0 to ${dims.input - 1}); each index MUST name an input axis`,
        );
    }
    if (outAxes) {
      if (dims.output !== undefined) {
        const bad = outAxes.filter((a) => !isInteger(a) || a < 0 || a >= dims.output!);
        if (bad.length > 0)
          rule(
            ctx,
            childPath(ip, "outputAxes"),
            `refers to axis ${bad.join(", ")} but the output has ${axesWord(dims.output)} (indices 0 to ${dims.output - 1}); each index MUST name an output axis`,
          );
      }
      for (const a of outAxes) {
        const first = outputSeen.get(a);
        if (first !== undefined && first !== i) {
          rule(
            ctx,
            childPath(ip, "outputAxes"),
            `output axis ${a} is also produced by transformations[${first}]; every output axis MUST appear in exactly one outputAxes`,
          );
        } else outputSeen.set(a, i);
      }
    }
    if (item.transformation !== undefined) {
      checkTransformation(item.transformation, childPath(ip, "transformation"), ctx, {
        input: ok ? inAxes?.length : undefined,
        output: ok ? outAxes?.length : undefined,
      });
    }
  });
  if (dims.output !== undefined) {
    const missing = Array.from({ length: dims.output }, (_, a) => a).filter((a) => !outputSeen.has(a));
    if (missing.length > 0 && list.length > 0) {
      rule(
        ctx,
        p,
        `no transformation produces output axis ${missing.join(", ")}; every output axis MUST appear in exactly one outputAxes`,
      );
    }
  }
  return dims.output;
}

/** Transformation names MUST be unique within one list. */
export function checkUniqueNames(list: unknown[], path: string, ctx: V06Context): void {
  const seen = new Map<string, number>();
  list.forEach((t, i) => {
    if (!isObject(t) || typeof t.name !== "string") return;
    const first = seen.get(t.name);
    if (first !== undefined) {
      rule(
        ctx,
        childPath(childPath(path, i), "name"),
        `"${t.name}" is also the name of ${path}[${first}]; transformation names MUST be unique within a list`,
      );
    } else seen.set(t.name, i);
  });
}

// ---- coordinate systems ----

const SPACE_ORDER_TYPES = new Set(["displacement", "coordinate"]);

/**
 * Structure of one axes list as the official axes schema has it: 1 to 5 unique axes, each with a
 * non-empty string name, and either 2-3 space axes or at least 2 array axes (not both).
 */
export function checkAxesShape(
  axes: unknown,
  path: string,
  ctx: V06Context,
): axes is Record<string, unknown>[] {
  if (!Array.isArray(axes)) {
    ctx.out.error(path, `must be an array of axes, not ${jsonTypeOf(axes)}`);
    return false;
  }
  let ok = true;
  axes.forEach((axis, i) => {
    const p = childPath(path, i);
    if (!isObject(axis)) {
      ctx.out.error(p, `must be an axis object, not ${jsonTypeOf(axis)}`);
      ok = false;
      return;
    }
    if (axis.name === undefined) {
      ctx.out.error(p, `missing required field "name"`);
      ok = false;
    } else if (typeof axis.name !== "string" || axis.name === "") {
      ctx.out.error(childPath(p, "name"), `must be a non-empty string`);
      ok = false;
    }
    for (const key of ["type", "unit", "longName"] as const) {
      if (axis[key] !== undefined && typeof axis[key] !== "string")
        ctx.out.error(childPath(p, key), `must be a string, not ${jsonTypeOf(axis[key])}`);
    }
    if (axis.discrete !== undefined && typeof axis.discrete !== "boolean")
      ctx.out.error(childPath(p, "discrete"), `must be a boolean, not ${jsonTypeOf(axis.discrete)}`);
  });
  if (axes.length < 1 || axes.length > 5) {
    ctx.out.error(path, `has ${axes.length} axes; a coordinate system must have 1 to 5 axes`);
  }
  const dup = axes.findIndex((a, i) => axes.findIndex((b) => jsonEqual(a, b)) !== i);
  if (dup >= 0) ctx.out.error(childPath(path, dup), `is identical to an earlier axis; axes must be unique`);
  const count = (type: string) => axes.filter((a) => isObject(a) && a.type === type).length;
  const space = count("space");
  const array = count("array");
  const spaceOk = space >= 2 && space <= 3;
  const arrayOk = array >= 2;
  if (spaceOk === arrayOk) {
    ctx.out.error(
      path,
      spaceOk
        ? `mixes ${space} space axes with ${array} array axes; a coordinate system has either 2 or 3 space axes or only array axes`
        : `has ${plural(space, "space axis").replace("axiss", "axes")}; a coordinate system must have 2 or 3 axes of type "space" (or at least 2 of type "array")`,
    );
  }
  return ok;
}

/**
 * The MUST rules for the axes of a coordinate system of a multiscale image: unique names; 2 to 5
 * axes; either only array axes, or 2-3 space axes plus at most one time axis and at most one
 * channel/custom axis, ordered time, channel/custom, space. (Axes of type "displacement" or
 * "coordinate" — the vector axis of a field group — are exempt from the order, since the
 * specification asks for them to be last.)
 */
export function checkAxesRules(axes: Record<string, unknown>[], path: string, ctx: V06Context): void {
  const seen = new Map<string, number>();
  axes.forEach((axis, i) => {
    if (typeof axis.name !== "string") return;
    const first = seen.get(axis.name);
    if (first !== undefined)
      rule(
        ctx,
        childPath(childPath(path, i), "name"),
        `"${axis.name}" is also the name of axes[${first}]; axis names MUST be unique within a coordinate system`,
      );
    else seen.set(axis.name, i);
  });
  if (axes.length < 2)
    rule(ctx, path, `has ${axes.length} axis; an image coordinate system MUST have 2 to 5 axes`);
  if (axes.every((a) => a.type === "array")) return;
  const rank = (type: unknown) => (type === "time" ? 0 : type === "space" ? 2 : 1);
  let highest = -1;
  let highestIndex = -1;
  const time: number[] = [];
  const other: number[] = [];
  axes.forEach((axis, i) => {
    if (SPACE_ORDER_TYPES.has(axis.type as string)) return;
    if (axis.type === "array") {
      rule(
        ctx,
        childPath(childPath(path, i), "type"),
        `an "array" axis in a coordinate system with space axes; a coordinate system MUST have either only array axes or 2-3 space axes`,
      );
      return;
    }
    if (axis.type === "time") time.push(i);
    else if (axis.type !== "space") other.push(i);
    const r = rank(axis.type);
    if (r < highest) {
      const names = ["time", "channel or custom", "space"];
      rule(
        ctx,
        childPath(path, i),
        `axis "${String(axis.name)}" (${String(axis.type ?? "untyped")}) comes after axis "${String(axes[highestIndex].name)}" (${String(axes[highestIndex].type)}); axes MUST be ordered time, then channel or custom, then space (a ${names[r]} axis cannot follow a ${names[highest]} axis)`,
      );
    } else if (r > highest) {
      highest = r;
      highestIndex = i;
    }
  });
  if (time.length > 1)
    rule(ctx, childPath(path, time[1]), `is a second "time" axis; a coordinate system MAY have at most one`);
  if (other.length > 1)
    rule(
      ctx,
      childPath(path, other[1]),
      `is a second channel or custom axis; a coordinate system MAY have at most one besides time and space axes`,
    );
}

/**
 * Checks a `coordinateSystems` list: structure of each entry (name, axes) and, as rules, unique
 * names. Returns the systems by name (for resolving references), first occurrence winning.
 */
export function checkCoordinateSystems(
  value: unknown,
  path: string,
  ctx: V06Context,
  o: { minItems: number; imageRules: boolean },
): Map<string, Record<string, unknown>[]> {
  const byName = new Map<string, Record<string, unknown>[]>();
  if (!Array.isArray(value)) {
    ctx.out.error(path, `must be an array of coordinate systems, not ${jsonTypeOf(value)}`);
    return byName;
  }
  if (value.length < o.minItems)
    ctx.out.error(path, `is empty; it must list at least ${o.minItems} coordinate system`);
  const firstIndex = new Map<string, number>();
  value.forEach((sys, i) => {
    const p = childPath(path, i);
    if (!isObject(sys)) {
      ctx.out.error(p, `must be a coordinate system object ({"name", "axes"}), not ${jsonTypeOf(sys)}`);
      return;
    }
    if (sys.name === undefined) ctx.out.error(p, `missing required field "name"`);
    else if (typeof sys.name !== "string" || sys.name === "")
      ctx.out.error(childPath(p, "name"), "must be a non-empty string");
    if (sys.axes === undefined) ctx.out.error(p, `missing required field "axes"`);
    else if (checkAxesShape(sys.axes, childPath(p, "axes"), ctx) && o.imageRules) {
      checkAxesRules(sys.axes, childPath(p, "axes"), ctx);
    }
    if (typeof sys.name === "string") {
      const first = firstIndex.get(sys.name);
      if (first !== undefined) {
        rule(
          ctx,
          childPath(p, "name"),
          `"${sys.name}" is also the name of ${path}[${first}]; coordinate system names MUST be unique`,
        );
      } else {
        firstIndex.set(sys.name, i);
        if (Array.isArray(sys.axes)) byName.set(sys.name, sys.axes.filter(isObject));
      }
    }
  });
  return byName;
}
