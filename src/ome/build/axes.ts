/** `Axis(...)`: axes for the builders, from a name (+ type, unit) or an object; extra keys are kept. */
import type { Axis as AxisModel } from "../common/models.js";

export type AxisType = "space" | "time" | "channel" | (string & {});

export interface AxisInput {
  name: string;
  type?: AxisType;
  unit?: string | null;
  [key: string]: unknown;
}

/**
 * An axis object: `Axis("z", "space", "micrometer")` or `Axis({ name: "z", type: "space", unit: "micrometer" })`.
 * Only the fields given are set, so the JSON holds no `undefined` keys. The unit is kept as given
 * (validation warns about abbreviations such as "um"; see `normalizeUnit`).
 */
export function Axis(name: string, type?: AxisType, unit?: string): AxisModel;
export function Axis(axis: AxisInput): AxisModel;
export function Axis(nameOrAxis: string | AxisInput, type?: AxisType, unit?: string): AxisModel {
  const input: AxisInput = typeof nameOrAxis === "string" ? { name: nameOrAxis, type, unit } : nameOrAxis;
  const axis: AxisModel = { ...input, name: input.name };
  for (const key of ["type", "unit"] as const) if (axis[key] === undefined) delete axis[key];
  return axis;
}
