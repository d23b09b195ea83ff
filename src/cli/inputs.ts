/**
 * Opening a convert input: image files through `openSource`, Zarr / OME-Zarr through `open` (an
 * OME-Zarr image gives its level 0 plus its axes, units, scale and channel names as defaults).
 */
import { accessSync, constants, existsSync } from "node:fs";
import {
  arraySource,
  type DataType,
  type Endian,
  isGlob,
  isRemote,
  ome,
  open,
  openSource,
  parseAxes,
  type pyramid,
  renameAxisMetadata,
  type SourceFormat,
  ZarrArray,
} from "../index.js";
import { interruptSignal } from "./interrupt.js";
import { CliError } from "./output.js";
import { arrayAxes, looksLikeZarr, openLevel, openReadStore } from "./stores.js";

export interface InputOptions {
  format?: SourceFormat | "zarr";
  shape?: number[];
  dtype?: DataType;
  endian?: Endian;
  axes?: string;
  offset?: number;
  /** Bytes a reader may hold to decode one piece of the input (see OpenSourceOptions.memoryLimit). */
  memoryLimit?: number;
}

/** A region-readable input with the physical metadata it carries. */
export interface Input extends pyramid.RegionSource {
  axes: string[];
  scale?: number[];
  units?: (string | undefined)[];
  translation?: number[];
  channelNames?: string[];
  /** The image's own name (an OME-Zarr input's multiscale name), kept by default. */
  name?: string;
  description: string;
  close(): Promise<void>;
}

function zarrSource(array: ZarrArray): Pick<pyramid.RegionSource, "shape" | "dtype" | "read"> {
  return arraySource(array, { signal: interruptSignal });
}

async function openZarrInput(path: string, options: InputOptions): Promise<Input> {
  const store = await openReadStore(path);
  const node = await open(store, "");
  const rename = (axes: string[], what: string) =>
    options.axes === undefined ? axes : parseAxes(options.axes, axes.length, what);
  const close = async () => {
    await (store as { close?: () => Promise<void> }).close?.();
  };
  if (node instanceof ZarrArray) {
    const description = `Zarr v${node.zarrFormat} array ${node.shape.join("x")} ${node.dtype}`;
    return { ...zarrSource(node), axes: rename(arrayAxes(node), description), description, close };
  }
  const image = ome.omeImage(node.attrs);
  if (!image) {
    throw new CliError(
      `${path} is a Zarr group without OME multiscales; give the path of an array or image inside it`,
    );
  }
  const level0 = await openLevel(node, image, 0);
  const description =
    `OME-Zarr ${image.version ?? ""} image ${level0.shape.join("x")} ${level0.dtype}`.replace("  ", " ");
  const labels = image.channels?.map((c) => c.label);
  const native = image.axes.map((a) => a.name);
  const axes = rename(native, description);
  const meta = renameAxisMetadata(
    native,
    axes,
    {
      scale: image.levels[0].scale,
      translation: image.levels[0].translation,
      units: image.axes.map((a) => a.unit),
    },
    description,
  );
  return {
    ...zarrSource(level0),
    axes,
    ...meta,
    name: image.name,
    channelNames: labels?.every((l) => typeof l === "string") ? (labels as string[]) : undefined,
    description,
    close,
  };
}

/** Opens the inputs of `convert`; a missing input is a usage error naming it. */
export async function openInput(inputs: string[], options: InputOptions): Promise<Input> {
  for (const input of inputs) {
    if (isGlob(input) || isRemote(input)) continue;
    if (!existsSync(input)) throw new CliError(`input ${input}: no such file or directory`);
    try {
      accessSync(input, constants.R_OK);
    } catch (e) {
      throw new CliError(`input ${input} is not readable (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  if (options.format === "zarr" || (inputs.length === 1 && looksLikeZarr(inputs[0]))) {
    if (inputs.length !== 1) throw new CliError("a Zarr input must be the only input");
    return openZarrInput(inputs[0], options);
  }
  const source = await openSource(inputs, { ...options, format: options.format as SourceFormat | undefined });
  return {
    shape: source.shape,
    dtype: source.dtype,
    read: (region) => source.read(region),
    axes: source.axes,
    scale: source.scale,
    units: source.units,
    translation: source.translation,
    channelNames: source.channelNames,
    description: source.description,
    close: () => source.close(),
  };
}
