/**
 * One 2-D plane of an array (the textbook's plot_slice): fix the sliced axis, time and channel,
 * keep the two remaining axes; the slice command renders it
 * as PNG (render.renderPlanePNG) or .npy (encodeNpy).
 */
import { type AxisSelection, type NDArray, slice, type ZarrArray } from "../index.js";
import { CliError } from "./output.js";

export interface PlaneRequest {
  /** The axis held fixed (e.g. "z"). */
  axis: string;
  /** Index along it; default the middle. */
  index?: number;
  channel?: number;
  time?: number;
}

export interface Plane {
  data: NDArray;
  /** Names of the plane's two axes (rows, columns). */
  axes: [string, string];
  index: number;
}

/** Reads the plane `request` names from `array` whose axes are `axes`. */
export async function readPlane(array: ZarrArray, axes: string[], request: PlaneRequest): Promise<Plane> {
  if (!array.isNumeric())
    throw new CliError(`${array.path || "/"} holds strings; a plane is read from numbers`);
  const at = axes.indexOf(request.axis);
  if (at < 0) throw new CliError(`--axis ${request.axis}: the array's axes are ${axes.join(", ")}`);
  const index = request.index ?? Math.floor(array.shape[at] / 2);
  const pick = (name: string, flag: string, value: number | undefined, i: number): number => {
    const v = value ?? 0;
    if (v < 0 || v >= array.shape[i]) {
      throw new CliError(
        `${flag} ${v} is out of range: ${name} has ${array.shape[i]} entries (0 to ${array.shape[i] - 1})`,
      );
    }
    return v;
  };
  const selection: AxisSelection[] = [];
  const kept: string[] = [];
  axes.forEach((name, i) => {
    if (i === at) selection.push(pick(name, "--index", index, i));
    else if (name === "t") selection.push(pick(name, "--time", request.time, i));
    else if (name === "c") selection.push(pick(name, "--channel", request.channel, i));
    else {
      selection.push(slice(null));
      kept.push(name);
    }
  });
  if (kept.length !== 2) {
    throw new CliError(
      `slicing ${axes.join("")} at ${request.axis} leaves ${kept.length} axes (${kept.join(", ") || "none"}); a plane needs 2`,
    );
  }
  const data = await array.get(selection);
  return { data, axes: kept as [string, string], index };
}
