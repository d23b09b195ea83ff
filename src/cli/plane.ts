/**
 * One 2-D plane of an array (the textbook's plot_slice): fix the sliced axis, time and channel,
 * keep the two remaining axes; render it as PNG (through the library's renderer) or as .npy.
 */
import type { ZarrArray } from "../array/zarr-array.js";
import { numpyDTypeString } from "../codecs/numpy-dtype.js";
import { toBytes } from "../dtype/index.js";
import { type AxisSelection, slice } from "../indexing/selection.js";
import type { NDArray } from "../ndarray.js";
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

/**
 * The plane as a NumPy .npy file (format 1.0). Written here rather than through a library because
 * the format is a magic string, a Python-dict header padded to 64 bytes, and the raw C-order data.
 */
export function encodeNpy(plane: NDArray): Uint8Array {
  const descr = numpyDTypeString(plane.dtype, "little");
  const shape = plane.shape.length === 1 ? `(${plane.shape[0]},)` : `(${plane.shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1; // magic(6) + version(2) + length(2) + header + "\n"
  header += `${" ".repeat((64 - (unpadded % 64)) % 64)}\n`;
  const body = toBytes(plane.data, plane.dtype, "little");
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}
