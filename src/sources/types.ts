/**
 * A Source presents an input file (or a set of files) as an N-D array that can be read region by
 * region, so a converter can stream data far larger than memory into Zarr.
 */
import type { DataType, Endian } from "../dtype/index.js";
import type { ForwardOnlyReads, Region } from "../indexing/region.js";
import type { NDArray } from "../ndarray.js";

/** Axis names a source may use, in the order OME-NGFF wants them. */
export type AxisName = "t" | "c" | "z" | "y" | "x";

/** The regions a source reads are in its own axis order. */
export type { Region };

export interface Source {
  /** C order, slowest axis first, e.g. [z, y, x] or [t, c, z, y, x]. */
  readonly shape: number[];
  readonly dtype: DataType;
  /** One name per axis, from "t", "c", "z", "y", "x". */
  readonly axes: string[];
  /** Physical size of one voxel step per axis, when the file says. */
  readonly scale?: number[];
  /** Per axis, as OME-NGFF unit names ("micrometer", "millimeter", "second", ...). */
  readonly units?: (string | undefined)[];
  /** Physical position of the first voxel per axis, when the file says. */
  readonly translation?: number[];
  readonly channelNames?: string[];
  /** A short phrase for messages, e.g. "TIFF, 120 pages of 512x512 uint16". */
  readonly description: string;
  /** Reads a region (per axis `[start, stop)`) as a C-order array of exactly that shape. */
  read(region: Region): Promise<NDArray>;
  /** Present when the input can only be decoded front to back (a gzip stream): see ForwardOnlyReads. */
  readonly forwardOnly?: ForwardOnlyReads;
  /** Releases file handles and temporary files. Safe to call twice. */
  close(): Promise<void>;
}

export type SourceFormat = "tiff" | "ome-tiff" | "nifti" | "nrrd" | "npy" | "raw" | "png" | "stack";

export interface OpenSourceOptions {
  /** Skip detection and read the input as this format. */
  format?: SourceFormat;
  /** Raw binary only (required there): the array shape, C order. */
  shape?: number[];
  /** Raw binary only (required there): the element type. */
  dtype?: DataType;
  /** Raw binary only: byte order of the elements (default little). */
  endian?: Endian;
  /**
   * Axis names, one letter per axis, slowest first (e.g. "tczyx"). Names the axes of raw and .npy
   * inputs, whose files do not; for other formats it renames the axes the reader found.
   */
  axes?: string;
  /** Raw binary only: bytes to skip before the data (a header). */
  offset?: number;
  /**
   * Bytes a reader may hold to decode one piece of the input (a TIFF strip or tile, an interlaced PNG slice,
   * which cannot be decoded in part). Inputs needing more are refused before decoding, naming the
   * limit. Default: 1 GiB per TIFF block, no limit for PNG.
   */
  memoryLimit?: number;
}
