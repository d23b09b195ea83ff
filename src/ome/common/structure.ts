/**
 * Structural checks with the zod models, reported as Issues whose messages say what the field must
 * be ("must be a string", "missing required field \"datasets\"") and whose paths are JSON paths.
 */
import type { z } from "zod";
import { type Issue, SpecError } from "../../errors.js";
import { childPath, isObject, jsonTypeOf } from "./json.js";

function pathOf(base: string, path: ReadonlyArray<PropertyKey>): string {
  let out = base;
  for (const p of path) out = childPath(out, typeof p === "number" ? p : String(p));
  return out;
}

function article(expected: string): string {
  if (expected === "array" || expected === "object" || expected === "integer") return `an ${expected}`;
  return `a ${expected}`;
}

function describe(issue: z.core.$ZodIssue & { input?: unknown }, hasInput: boolean): string {
  switch (issue.code) {
    case "invalid_type": {
      if (!hasInput || issue.input === undefined) {
        const key = issue.path[issue.path.length - 1];
        return `missing required field ${JSON.stringify(String(key))}`;
      }
      return `must be ${article(issue.expected)}, not ${jsonTypeOf(issue.input)}`;
    }
    case "invalid_union": {
      const u = issue as typeof issue & { discriminator?: string; options?: unknown[] };
      if (u.discriminator) {
        const options = (u.options ?? []).map((o) => JSON.stringify(o)).join(", ");
        const got = isObject(issue.input) ? issue.input[u.discriminator] : undefined;
        if (got === undefined)
          return `missing required field ${JSON.stringify(u.discriminator)} (one of ${options})`;
        return `must be one of ${options}, not ${JSON.stringify(got)}`;
      }
      return "does not match any allowed form";
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

/** Structural issues of `value` against `schema`, with paths below `base`. Empty when it parses. */
export function structureIssues(schema: z.ZodType, value: unknown, base: string): Issue[] {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: pathOf(base, issue.path),
    message: describe(issue as z.core.$ZodIssue & { input?: unknown }, "input" in issue),
  }));
}

/** Parses `value` with `schema` (unknown keys kept); throws SpecError listing every structural problem, `what` naming the document. */
export function parseStructure<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new SpecError(what, structureIssues(schema, value, ""));
  return result.data;
}
