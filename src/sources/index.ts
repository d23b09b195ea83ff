/**
 * Input readers: `openSource` presents an image file, or a stack of 2-D files, as a region-readable
 * N-D array for streaming conversion into Zarr.
 */
import { ValueError } from "../errors.js";
import { tidyNumbers } from "../tidy-number.js";
import { type AxisMetadata, parseAxes, renameAxisMetadata } from "./axes.js";
import { detectFormat } from "./detect.js";
import { expandGlob, imageFilesIn, isDirectory, isGlob, naturalSort } from "./files.js";
import { openNifti } from "./nifti.js";
import { openNpy } from "./npy.js";
import { openNrrd } from "./nrrd.js";
import { openRaw } from "./raw.js";
import { openStack } from "./stack.js";
import { openTiff } from "./tiff.js";
import type { OpenSourceOptions, Source, SourceFormat } from "./types.js";

export { type AxisMetadata, parseAxes, renameAxisMetadata } from "./axes.js";
export { detectFormat } from "./detect.js";
export { expandGlob, isGlob, naturalCompare, naturalSort } from "./files.js";
export { type NiftiSource, openNifti } from "./nifti.js";
export { encodeNpy, openNpy, parseNpyHeader } from "./npy.js";
export { openNrrd, parseNrrdHeader } from "./nrrd.js";
export { type OmePixels, parseOmeXml } from "./ome-xml.js";
export { openRaw, type RawOptions } from "./raw.js";
export { openStack } from "./stack.js";
export { openTiff } from "./tiff.js";
export type { AxisName, OpenSourceOptions, Region, Source, SourceFormat } from "./types.js";

const STACK_FORMATS = new Set<SourceFormat | undefined>([undefined, "stack", "png", "tiff"]);

/**
 * Opens `inputs` as one Source:
 * - one file: its format from `options.format`, else its magic bytes, else its extension
 *   (a file nothing recognises is read as raw binary when `shape` and `dtype` are given);
 * - a folder, a pattern with `*`/`?` in the file name, or several files: a z stack of 2-D
 *   TIFF/PNG slices in natural order ("img2" before "img10").
 */
export async function openSource(
  inputs: string | string[],
  options: OpenSourceOptions = {},
): Promise<Source> {
  const source = await openAny(inputs, options);
  // every reader's physical metadata as a person would write it (0.9, not float32's 0.8999999761581421)
  return { ...source, scale: tidyNumbers(source.scale), translation: tidyNumbers(source.translation) };
}

async function openAny(inputs: string | string[], options: OpenSourceOptions): Promise<Source> {
  const list = typeof inputs === "string" ? [inputs] : inputs;
  if (list.length === 0) throw new ValueError("no input files given");
  let files: string[] = [];
  let stack = list.length > 1 || options.format === "stack";
  for (const input of list) {
    if (isGlob(input)) {
      files.push(...(await expandGlob(input)));
      stack = true;
    } else if (await isDirectory(input)) {
      files.push(...(await imageFilesIn(input)));
      stack = true;
    } else {
      files.push(input);
    }
  }
  if (stack) {
    if (!STACK_FORMATS.has(options.format)) {
      throw new ValueError(
        `format "${options.format}" reads one file, but ${list.join(", ")} names ${files.length}`,
      );
    }
    files = naturalSort(files);
    return renameAxes(await openStack(files, { memoryLimit: options.memoryLimit }), options.axes);
  }
  const path = files[0];
  const format =
    options.format ?? (await detectFormat(path)) ?? (options.shape && options.dtype ? "raw" : undefined);
  switch (format) {
    case "tiff":
      return renameAxes(await openTiff(path, { blockLimit: options.memoryLimit }), options.axes);
    case "ome-tiff":
      return renameAxes(
        await openTiff(path, { requireOme: true, blockLimit: options.memoryLimit }),
        options.axes,
      );
    case "nifti":
      return renameAxes(await openNifti(path, { memoryLimit: options.memoryLimit }), options.axes);
    case "nrrd":
      return renameAxes(await openNrrd(path), options.axes);
    case "npy":
      return openNpy(path, { axes: options.axes });
    case "raw":
      return openRaw(path, options);
    case "png":
    case "stack":
      return renameAxes(await openStack([path], { memoryLimit: options.memoryLimit }), options.axes);
    default:
      throw new ValueError(
        `cannot tell the format of ${path}: give \`format\` (tiff, ome-tiff, nifti, nrrd, npy, png, raw), or \`shape\` and \`dtype\` for raw binary`,
      );
  }
}

/** Replaces the axis names a reader chose with the user's; physical metadata follows the names. */
function renameAxes(source: Source, axes: string | undefined): Source {
  if (axes === undefined) return source;
  let names: string[];
  let meta: AxisMetadata;
  try {
    names = parseAxes(axes, source.shape.length, source.description);
    meta = renameAxisMetadata(source.axes, names, source, source.description);
  } catch (e) {
    void source.close();
    throw e;
  }
  // Readers return plain objects whose methods close over their state, so a spread copy works.
  return { ...source, axes: names, ...meta };
}
