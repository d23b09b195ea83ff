/**
 * Small checks for codec configuration fields. Each returns the issues it finds (with the field's
 * JSON path) instead of throwing, so a document is validated in one pass and every problem reported.
 */
import { type Issue, SpecError } from "../errors.js";

export type Config = Record<string, unknown>;

import { isObject } from "../dtype/json.js";

export { isObject };

export interface IntRule {
  min?: number;
  max?: number;
  required?: boolean;
}

/** `config[key]` must be an integer in [min, max]; absent is fine unless required. */
export function checkInt(config: Config, key: string, path: string, rule: IntRule = {}): Issue[] {
  const v = config[key];
  const at = `${path}.${key}`;
  if (v === undefined) return rule.required ? [{ path: at, message: "is required" }] : [];
  if (typeof v !== "number" || !Number.isInteger(v)) {
    return [{ path: at, message: `must be an integer, got ${JSON.stringify(v)}` }];
  }
  if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) {
    const range =
      rule.max === undefined
        ? `>= ${rule.min}`
        : rule.min === undefined
          ? `<= ${rule.max}`
          : `${rule.min}-${rule.max}`;
    return [{ path: at, message: `must be an integer ${range}, got ${v}` }];
  }
  return [];
}

export function checkNumber(config: Config, key: string, path: string, required = false): Issue[] {
  const v = config[key];
  const at = `${path}.${key}`;
  if (v === undefined) return required ? [{ path: at, message: "is required" }] : [];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    return [{ path: at, message: `must be a finite number, got ${JSON.stringify(v)}` }];
  }
  return [];
}

export function checkBool(config: Config, key: string, path: string): Issue[] {
  const v = config[key];
  if (v === undefined || typeof v === "boolean") return [];
  return [{ path: `${path}.${key}`, message: `must be true or false, got ${JSON.stringify(v)}` }];
}

export function checkEnum(
  config: Config,
  key: string,
  path: string,
  allowed: readonly unknown[],
  required = false,
): Issue[] {
  const v = config[key];
  const at = `${path}.${key}`;
  if (v === undefined)
    return required ? [{ path: at, message: `is required (one of ${show(allowed)})` }] : [];
  if (!allowed.includes(v))
    return [{ path: at, message: `must be one of ${show(allowed)}, got ${JSON.stringify(v)}` }];
  return [];
}

function show(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/** Throws a SpecError when `issues` is non-empty; used by codec constructors. */
export function assertValid(what: string, issues: Issue[]): void {
  if (issues.length > 0) throw new SpecError(what, issues);
}
