/** Rules for `axes` (same in 0.4 and 0.5). */
import { childPath, isObject } from "../common/json.js";
import { normalizeUnit, unitKind } from "../common/units.js";
import type { Context } from "./report.js";

type Rank = 0 | 1 | 2;
const RANK_NAME = ["time", "channel or custom", "space"] as const;

// Order rule: time first, then channel or custom (including untyped) axes, then space axes.
function rankOf(type: unknown): Rank {
  if (type === "time") return 0;
  if (type === "space") return 2;
  return 1;
}

function describeAxis(axis: Record<string, unknown>, index: number): string {
  const name = typeof axis.name === "string" ? JSON.stringify(axis.name) : `#${index}`;
  const type = typeof axis.type === "string" ? axis.type : "untyped";
  return `axis ${name} (${type})`;
}

/** Checks a unit against the specification's lists for the axis type; every finding is a warning (SHOULD). */
export function checkUnit(unit: string, axisType: unknown, path: string, ctx: Context): void {
  const kind = unitKind(unit);
  const expected = axisType === "space" || axisType === "time" ? axisType : undefined;
  if (kind) {
    if (expected && kind !== expected) {
      ctx.out.warn(
        path,
        `"${unit}" is a ${kind} unit but the axis is of type "${expected}"; it SHOULD be a ${expected} unit`,
      );
    }
    return;
  }
  const suggestion = normalizeUnit(unit);
  if (suggestion) {
    ctx.out.warn(path, `"${unit}" is not a unit of the specification; use "${suggestion}"`);
  } else if (expected) {
    const example = expected === "space" ? "micrometer" : "second";
    ctx.out.warn(
      path,
      `"${unit}" is not one of the specification's ${expected} units (such as "${example}"); it SHOULD be`,
    );
  }
}

/** Checks the axes of a multiscale; returns the number of axes when `axes` is a list. */
export function checkAxes(axes: unknown, path: string, ctx: Context): number | undefined {
  if (!Array.isArray(axes)) return undefined;
  const { out } = ctx;
  const n = axes.length;
  if (n < 2 || n > 5)
    out.error(path, `has ${n} ${n === 1 ? "axis" : "axes"}; an image MUST have between 2 and 5 axes`);

  const seen = new Map<string, number>();
  let space = 0;
  const time: number[] = [];
  const other: number[] = [];
  let highest: { rank: Rank; index: number } | undefined;

  axes.forEach((axis, i) => {
    if (!isObject(axis)) return;
    const p = childPath(path, i);
    if (typeof axis.name === "string") {
      const first = seen.get(axis.name);
      if (first !== undefined) {
        out.error(
          childPath(p, "name"),
          `"${axis.name}" is also the name of axes[${first}]; axis names MUST be unique`,
        );
      } else seen.set(axis.name, i);
    }
    const type = axis.type;
    if (type === undefined)
      out.warn(p, `has no "type"; axes SHOULD have a type ("space", "time" or "channel")`);
    if (type === "space") space++;
    else if (type === "time") time.push(i);
    else other.push(i);

    if (typeof axis.unit === "string") checkUnit(axis.unit, type, childPath(p, "unit"), ctx);
    else if (type === "space" || type === "time") {
      out.warn(
        p,
        `has no "unit"; ${type} axes SHOULD give their physical unit (such as "${type === "space" ? "micrometer" : "second"}")`,
      );
    }

    const rank = rankOf(type);
    if (highest && rank < highest.rank) {
      const before = axes[highest.index] as Record<string, unknown>;
      out.error(
        p,
        `${describeAxis(axis, i)} comes after ${describeAxis(before, highest.index)}; axes MUST be ordered by type: ` +
          `time first, then channel or custom, then space (a ${RANK_NAME[rank]} axis cannot follow a ${RANK_NAME[highest.rank]} axis)`,
      );
    } else if (!highest || rank > highest.rank) highest = { rank, index: i };
  });

  if (space < 2 || space > 3) {
    out.error(
      path,
      `has ${space} ${space === 1 ? "axis" : "axes"} of type "space"; an image MUST have 2 or 3 space axes`,
    );
  }
  if (time.length > 1)
    out.error(childPath(path, time[1]), `is a second "time" axis; an image MAY have at most one time axis`);
  if (other.length > 1) {
    out.error(
      childPath(path, other[1]),
      `is a second axis of type channel or custom; an image MAY have at most one such axis besides time and space axes`,
    );
  }

  // SHOULD: three space axes with an anisotropic stacking axis are ordered z, y, x.
  if (space === 3) {
    const names = axes
      .filter((a) => isObject(a) && a.type === "space")
      .map((a) => String((a as { name: unknown }).name));
    const lower = names.map((s) => s.toLowerCase());
    if ([...lower].sort().join() === "x,y,z" && lower.join() !== "z,y,x") {
      out.warn(path, `space axes are ordered ${names.join(", ")}; they SHOULD be ordered z, y, x`);
    }
  }
  return n;
}
