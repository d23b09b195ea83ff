/** Small helpers for raw JSON documents: type guards, JSON paths, structural equality. */

export type JSONObject = Record<string, unknown>;

import { isObject } from "../../dtype/json.js";

export { isObject };

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * Appends a key or index to a JSON path: `multiscales` + 0 → `multiscales[0]`, + "axes" →
 * `multiscales[0].axes`. Keys that are not identifiers (e.g. `bioformats2raw.layout`) are quoted.
 */
export function childPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** Joins a whole path below a base: ("ome", "plate.rows[0]") → "ome.plate.rows[0]". */
export function joinPath(base: string, rest: string): string {
  if (base === "") return rest;
  if (rest === "") return base;
  return rest.startsWith("[") ? `${base}${rest}` : `${base}.${rest}`;
}

/** JSON value equality (object key order ignored), as JSON Schema's `uniqueItems` compares items. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A short description of a JSON value's type for messages: "a string", "null", "an array". */
export function jsonTypeOf(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "number") return Number.isInteger(x) ? "an integer" : "a number";
  if (typeof x === "object") return "an object";
  return `a ${typeof x}`;
}

export function isInteger(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x);
}

/** A deep copy of a JSON value (documents handed to builders are never shared with the caller). */
export function cloneJSON<T>(x: T): T {
  return x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T);
}

/**
 * Whether `path` is a relative path inside a group: non-empty "/"-separated segments, no leading
 * "/", no "." or ".." segments. Dataset, label, well and series paths all have to be.
 */
export function isRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\")) return false;
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}
