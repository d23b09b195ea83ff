/**
 * Turning schema-library errors into zarrsmith Issues with JSON paths like `codecs[1].configuration.level`
 * and messages in the README's wording (`chunks[0]: must be a positive integer (got 0)`), never the
 * schema library's own text, which changes between its versions and names its internals.
 */
import type { z } from "zod";
import type { Issue } from "../errors.js";
import { describeJSON as show } from "./shared.js";

export function formatPath(path: ReadonlyArray<PropertyKey>, base = ""): string {
  let out = base;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** The value at `path` inside `input` (what the rule was checked against). */
function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

const KINDS: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
  null: "null",
};

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  const got = ` (got ${show(value)})`;
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return "is required";
      return `must be ${KINDS[issue.expected] ?? issue.expected}${got}`;
    case "too_small":
      if (issue.origin === "number" && Number(issue.minimum) === 0)
        return `${issue.inclusive ? "must be a non-negative integer" : "must be a positive integer"}${got}`;
      if (issue.origin === "array") return `must have at least ${issue.minimum} entries`;
      return `must be at least ${issue.minimum}${got}`;
    case "too_big":
      return `must be at most ${issue.maximum}${got}`;
    case "invalid_value": {
      const allowed = issue.values.map((x) => JSON.stringify(x));
      return allowed.length === 1
        ? `must be ${allowed[0]}${got}`
        : `must be one of ${allowed.join(", ")}${got}`;
    }
    case "invalid_union":
      // a schema's own wording (its `error` option) is kept; zod's default is "Invalid input"
      return issue.message && issue.message !== "Invalid input"
        ? `${issue.message}${got}`
        : `has an unsupported type${got}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    default:
      return issue.message;
  }
}

/** The issues of a failed parse of `input`, paths prefixed with `base`. */
export function zodIssues(error: z.ZodError, input: unknown, base = ""): Issue[] {
  return error.issues.map((i) => ({
    path: formatPath(i.path, base),
    message: describe(i, valueAt(input, i.path)),
  }));
}

/**
 * Parses each top-level field of `input` on its own, so one broken field does not hide the rules
 * the others break: returns the fields that parsed (with defaults filled), the names of those that
 * did not, and pushes an issue for every broken rule. Later checks that need a field run only when
 * it parsed.
 */
export function parseFields<S extends z.ZodObject>(
  schema: S,
  input: Record<string, unknown>,
  issues: Issue[],
): { data: Partial<z.output<S>>; failed: Set<string> } {
  const data: Record<string, unknown> = {};
  const failed = new Set<string>();
  for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const r = field.safeParse(input[key]);
    if (r.success) data[key] = r.data;
    else {
      failed.add(key);
      issues.push(...zodIssues(r.error, input[key], key));
    }
  }
  return { data: data as Partial<z.output<S>>, failed };
}
