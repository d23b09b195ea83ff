/**
 * `zarrsmith slice PATH --axis z --index 70 -o out.png` — the textbook's plot_slice: one plane of
 * an OME-Zarr level (or a plain array) as a greyscale/colormapped PNG, or as .npy.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { encodeNpy, ome, open, render, type Store, ZarrArray } from "../../index.js";
import { CliError, type GlobalOptions, printResult } from "../output.js";
import { oneOf, parseInteger, parseNumberList } from "../parse.js";
import { type PlaneRequest, readPlane } from "../plane.js";
import { arrayAxes, openLevel, openReadStore } from "../stores.js";

export interface SliceRequest extends PlaneRequest {
  level?: number;
  window?: [number, number];
  colormap?: render.Colormap;
  zoom?: number;
}

export interface RenderedSlice {
  png: Uint8Array;
  plane: Awaited<ReturnType<typeof readPlane>>;
  index: number;
  width: number;
  height: number;
  window: [number, number];
  windowFrom: "flag" | "omero" | "percentiles";
  array: string;
}

/** Opens the array a slice is taken from (an OME level or a plain array) and its axis names. */
async function sliceTarget(
  store: Store,
  request: SliceRequest,
): Promise<{ array: ZarrArray; axes: string[]; omeroWindow?: [number, number] }> {
  const node = await open(store, "");
  if (node instanceof ZarrArray) {
    if (request.level !== undefined && request.level !== 0) {
      throw new CliError(`--level ${request.level}: this is a single array, not a multiscale image`);
    }
    return { array: node, axes: arrayAxes(node) };
  }
  const image = ome.omeImage(node.attrs);
  if (!image)
    throw new CliError(
      `${store.description ?? "the store"} is a group without OME multiscales; give the array's path`,
    );
  const array = await openLevel(node, image, request.level ?? 0);
  const axes = image.axes.map((a) => a.name);
  const channel = image.channels?.[request.channel ?? 0]?.window;
  const start = channel?.start ?? channel?.min;
  const end = channel?.end ?? channel?.max;
  return {
    array,
    axes,
    omeroWindow:
      typeof start === "number" && typeof end === "number" && end > start ? [start, end] : undefined,
  };
}

/** Reads the requested plane and renders it (window: the flag, else omero's, else percentiles). */
export async function renderSlicePNG(store: Store, request: SliceRequest): Promise<RenderedSlice> {
  const { array, axes, omeroWindow } = await sliceTarget(store, request);
  const plane = await readPlane(array, axes, request);
  const window = request.window ?? omeroWindow ?? render.percentileWindow(plane.data);
  const png = render.renderPlanePNG(plane.data, { window, colormap: request.colormap, zoom: request.zoom });
  return {
    png,
    plane,
    index: plane.index,
    height: plane.data.shape[0],
    width: plane.data.shape[1],
    window,
    windowFrom: request.window ? "flag" : omeroWindow ? "omero" : "percentiles",
    array: array.path,
  };
}

interface SliceOptions {
  axis: string;
  index?: string;
  level?: string;
  channel?: string;
  time?: string;
  output: string;
  colormap: string;
  window?: string;
  zoom?: string;
}

export function registerSlice(program: Command): void {
  program
    .command("slice")
    .description("write one plane of an OME-Zarr image or Zarr array as PNG (windowed) or .npy")
    .argument("<path>", "OME-Zarr image or Zarr array (directory, .zip or URL)")
    .requiredOption("-o, --output <file>", "output file: .png or .npy")
    .option("--axis <name>", "axis held fixed (z, y, x, ...)", "z")
    .option("--index <i>", "index along --axis (default: the middle)")
    .option("--level <n>", "pyramid level (0 = full resolution)", "0")
    .option("--channel <c>", "channel index (for images with a c axis)", "0")
    .option("--time <t>", "time point (for images with a t axis)", "0")
    .option("--colormap <name>", "grey, viridis, magma or fire", "grey")
    .option("--zoom <n>", "magnify the PNG n times (nearest neighbour), for small levels", "1")
    .option(
      "--window <min,max>",
      "values shown as black and white (default: omero window, else 0.5/99.5 percentiles)",
    )
    .action(async (path: string, opts: SliceOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = resolve(opts.output);
      const asNpy = /\.npy$/i.test(out);
      if (!asNpy && !/\.png$/i.test(out))
        throw new CliError(`--output ${opts.output}: give a .png or .npy file`);
      let window: [number, number] | undefined;
      if (opts.window !== undefined) {
        const w = parseNumberList("--window", opts.window);
        if (w.length !== 2 || !(w[1] > w[0]))
          throw new CliError(`--window must be min,max with min < max, got "${opts.window}"`);
        window = [w[0], w[1]];
      }
      const request: SliceRequest = {
        axis: opts.axis,
        index: opts.index === undefined ? undefined : parseInteger("--index", opts.index, 0),
        level: parseInteger("--level", opts.level ?? "0", 0),
        channel: parseInteger("--channel", opts.channel ?? "0", 0),
        time: parseInteger("--time", opts.time ?? "0", 0),
        window,
        colormap: oneOf("--colormap", opts.colormap, ["grey", "viridis", "magma", "fire"] as const),
        zoom: parseInteger("--zoom", opts.zoom ?? "1", 1, 64),
      };
      const store = await openReadStore(path);
      const rendered = await renderSlicePNG(store, request);
      writeFileSync(out, asNpy ? encodeNpy(rendered.plane.data) : rendered.png);
      const result = {
        output: out,
        format: asNpy ? "npy" : "png",
        array: rendered.array,
        axis: request.axis,
        index: rendered.index,
        planeAxes: rendered.plane.axes,
        shape: rendered.plane.data.shape,
        dtype: rendered.plane.data.dtype,
        ...(asNpy
          ? {}
          : { window: rendered.window, windowFrom: rendered.windowFrom, colormap: request.colormap }),
      };
      printResult(
        globals,
        result,
        () =>
          `Wrote ${out}: ${request.axis} = ${rendered.index} of ${rendered.array || "/"}, ${rendered.plane.data.shape.join("x")} (${rendered.plane.axes.join(",")})${asNpy ? `, ${rendered.plane.data.dtype}` : `, window ${rendered.window[0]}..${rendered.window[1]} (${rendered.windowFrom})`}`,
      );
    });
}
