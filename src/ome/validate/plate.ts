/** Rules for `plate` (high-content screening) metadata, 0.4 and 0.5. */
import { childPath, isInteger, isObject, jsonEqual } from "../common/json.js";
import type { Context } from "./report.js";

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** Checks `rows` or `columns`: non-empty, alphanumeric unique names. Returns the names by index. */
function checkNames(
  list: unknown,
  path: string,
  what: "row" | "column",
  ctx: Context,
): (string | undefined)[] {
  if (!Array.isArray(list)) return [];
  const { out } = ctx;
  if (list.length === 0) out.error(path, `is empty; every ${what} of the physical plate MUST be defined`);
  const seen = new Map<string, number>();
  const lower = new Map<string, number>();
  return list.map((entry, i) => {
    if (!isObject(entry) || typeof entry.name !== "string") return undefined;
    const name = entry.name;
    const p = childPath(childPath(path, i), "name");
    if (!ALPHANUMERIC.test(name)) {
      out.error(
        p,
        `${JSON.stringify(name)} is not alphanumeric; ${what} names MUST contain only letters and digits`,
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      out.error(p, `"${name}" is also the name of ${what}s[${first}]; ${what} names MUST be unique`);
    } else {
      seen.set(name, i);
      const clash = lower.get(name.toLowerCase());
      if (clash !== undefined) {
        out.warn(
          p,
          `"${name}" differs from ${what}s[${clash}] only in case; such names SHOULD be avoided (case-insensitive filesystems)`,
        );
      }
      lower.set(name.toLowerCase(), i);
    }
    return name;
  });
}

function checkAcquisitions(list: unknown, path: string, ctx: Context): void {
  if (!Array.isArray(list)) return;
  const { out } = ctx;
  const ids = new Map<number, number>();
  list.forEach((acq, i) => {
    if (!isObject(acq)) return;
    const p = childPath(path, i);
    if (typeof acq.id === "number") {
      if (!isInteger(acq.id) || acq.id < 0) {
        out.error(childPath(p, "id"), `${acq.id} is not an integer >= 0; acquisition ids MUST be`);
      } else if (ids.has(acq.id)) {
        out.error(
          childPath(p, "id"),
          `${acq.id} is also the id of acquisitions[${ids.get(acq.id)}]; acquisition ids MUST be unique`,
        );
      } else ids.set(acq.id, i);
    }
    if (acq.name === undefined) out.recommend(p, `has no "name"; each acquisition SHOULD have a name`);
    if (acq.maximumfieldcount === undefined) {
      out.recommend(
        p,
        `has no "maximumfieldcount"; each acquisition SHOULD give its maximum number of fields of view`,
      );
    } else if (
      typeof acq.maximumfieldcount === "number" &&
      (!isInteger(acq.maximumfieldcount) || acq.maximumfieldcount < 1)
    ) {
      out.error(
        childPath(p, "maximumfieldcount"),
        `${acq.maximumfieldcount} is not a positive integer; it MUST be`,
      );
    }
    for (const key of ["starttime", "endtime"] as const) {
      const t = acq[key];
      if (typeof t === "number" && (!isInteger(t) || t < 0)) {
        out.error(childPath(p, key), `${t} is not an integer epoch timestamp (>= 0); it MUST be`);
      }
    }
  });
}

/** Checks the wells: `row/column` paths made of listed names, indices that point at the same pair. */
function checkWells(
  list: unknown,
  path: string,
  rows: (string | undefined)[],
  columns: (string | undefined)[],
  ctx: Context,
): void {
  if (!Array.isArray(list)) return;
  const { out } = ctx;
  if (list.length === 0) {
    out.error(path, "is empty; a plate MUST list its wells");
    return;
  }
  const paths = new Map<string, number>();
  list.forEach((well, i) => {
    if (!isObject(well)) return;
    const p = childPath(path, i);
    const duplicate = list.findIndex((other) => jsonEqual(other, well));
    if (duplicate < i) out.error(p, `is identical to wells[${duplicate}]; wells MUST be unique`);
    for (const key of ["rowIndex", "columnIndex"] as const) {
      const v = well[key];
      if (typeof v === "number" && (!isInteger(v) || v < 0)) {
        out.error(childPath(p, key), `${v} is not a 0-based index; "${key}" MUST be an integer >= 0`);
      }
    }
    if (typeof well.path !== "string") return;
    const pp = childPath(p, "path");
    const parts = well.path.split("/");
    if (parts.length !== 2 || !parts.every((s) => ALPHANUMERIC.test(s))) {
      out.error(
        pp,
        `${JSON.stringify(well.path)} is not "<row>/<column>"; a well path MUST be a row name, "/" and a column name, with no other directories`,
      );
      return;
    }
    // 0.6's schema-only mode checks only what its JSON schemas express; what follows relates wells to
    // each other and to rows/columns. (0.4/0.5 schema-only mode reproduces the suites, which check it.)
    if (ctx.schemaOnly && ctx.version === "0.6") return;
    const first = paths.get(well.path);
    if (first !== undefined && duplicate >= i) {
      out.error(pp, `"${well.path}" is also the path of wells[${first}]; each well MUST be listed once`);
    } else paths.set(well.path, i);
    const [first0, second] = parts;
    const rowIndex = isInteger(well.rowIndex) ? well.rowIndex : undefined;
    const columnIndex = isInteger(well.columnIndex) ? well.columnIndex : undefined;
    const rowOk = rows.includes(first0);
    const columnOk = columns.includes(second);
    if (!rowOk || !columnOk) {
      // 0.4's own conformance suite writes "column/row" (rows ["1"], columns ["A"], path "A/1") and
      // calls it valid; the text says MUST "<row>/<column>". Schema-only mode follows the suite
      // (a warning, as long as the indices agree with that order); the default is an error below.
      const swapped =
        ctx.schemaOnly && ctx.version === "0.4" && columns.includes(first0) && rows.includes(second);
      if (swapped) {
        out.warn(
          pp,
          `"${well.path}" names the column before the row; the specification says a well path MUST be "<row>/<column>" (a warning in schema-only mode, as the official 0.4 suite accepts it)`,
        );
        if (rowIndex !== undefined && rows[rowIndex] !== second) {
          out.error(
            childPath(p, "rowIndex"),
            `${rowIndex} does not point at row "${second}" of path "${well.path}"; they MUST refer to the same row`,
          );
        }
        if (columnIndex !== undefined && columns[columnIndex] !== first0) {
          out.error(
            childPath(p, "columnIndex"),
            `${columnIndex} does not point at column "${first0}" of path "${well.path}"; they MUST refer to the same column`,
          );
        }
        return;
      }
      if (!rowOk) {
        const hint =
          columns.includes(first0) && rows.includes(second)
            ? ` (the path names the column before the row)`
            : "";
        out.error(
          pp,
          `row "${first0}" of well path "${well.path}" is not in "rows"; a well path MUST be "<row>/<column>" with listed names${hint}`,
        );
      }
      if (!columnOk) {
        out.error(
          pp,
          `column "${second}" of well path "${well.path}" is not in "columns"; a well path MUST be "<row>/<column>" with listed names`,
        );
      }
    }
    if (rowIndex !== undefined) {
      if (rowIndex >= rows.length) {
        out.error(childPath(p, "rowIndex"), `${rowIndex} is out of range: the plate has ${rows.length} rows`);
      } else if (rowOk && rows[rowIndex] !== first0) {
        out.error(
          childPath(p, "rowIndex"),
          `${rowIndex} points at row "${rows[rowIndex]}" but the path names row "${first0}"; they MUST refer to the same row`,
        );
      }
    }
    if (columnIndex !== undefined) {
      if (columnIndex >= columns.length) {
        out.error(
          childPath(p, "columnIndex"),
          `${columnIndex} is out of range: the plate has ${columns.length} columns`,
        );
      } else if (columnOk && columns[columnIndex] !== second) {
        out.error(
          childPath(p, "columnIndex"),
          `${columnIndex} points at column "${columns[columnIndex]}" but the path names column "${second}"; they MUST refer to the same column`,
        );
      }
    }
  });
}

/** Checks the value of `plate`. */
export function checkPlate(value: unknown, path: string, ctx: Context): void {
  if (!isObject(value)) return;
  const { out } = ctx;
  checkAcquisitions(value.acquisitions, childPath(path, "acquisitions"), ctx);
  const rows = checkNames(value.rows, childPath(path, "rows"), "row", ctx);
  const columns = checkNames(value.columns, childPath(path, "columns"), "column", ctx);
  checkWells(value.wells, childPath(path, "wells"), rows, columns, ctx);
  if (value.field_count === undefined)
    out.warn(path, `has no "field_count"; a plate SHOULD give the maximum number of fields per well`);
  else if (
    typeof value.field_count === "number" &&
    (!isInteger(value.field_count) || value.field_count < 1)
  ) {
    out.error(childPath(path, "field_count"), `${value.field_count} is not a positive integer; it MUST be`);
  }
  if (value.name === undefined) out.recommend(path, `has no "name"; a plate SHOULD have a name`);
  if (ctx.version === "0.4") {
    if (value.version === undefined)
      out.recommend(path, `has no "version"; 0.4 plate metadata SHOULD give "version": "0.4"`);
    else if (typeof value.version === "string" && value.version !== "0.4") {
      out.error(
        childPath(path, "version"),
        `is ${JSON.stringify(value.version)}; this is OME-Zarr 0.4 metadata, so it MUST be "0.4"`,
      );
    }
  }
}
