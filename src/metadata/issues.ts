/** Turning schema-library errors into zarrsmith Issues with JSON paths like `codecs[1].configuration.level`. */
import type { z } from "zod";
import type { Issue } from "../errors.js";

export function formatPath(path: ReadonlyArray<PropertyKey>, base = ""): string {
  let out = base;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

export function zodIssues(error: z.ZodError, base = ""): Issue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path, base), message: i.message }));
}
