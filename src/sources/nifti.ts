/**
 * NIfTI-1/NIfTI-2 volumes (.nii, .nii.gz, .hdr/.img pairs). nifti-reader-js parses the header;
 * voxels are read by byte range (for .nii.gz straight from the gzip stream, see gzip.ts).
 *
 * NIfTI stores x fastest, so the C-order shape is the reverse of `dim[1..]`: [t, z, y, x].
 */
import * as nifti from "nifti-reader-js";
import { allocate, type DataType } from "../dtype/index.js";
import { UnsupportedError, ValueError } from "../errors.js";
import type { NDArray } from "../ndarray.js";
import type { ByteSource } from "../store/types.js";
import { FileBytes, fileSize } from "./byte-source.js";
import { gunzipHead, openGunzip } from "./gzip.js";
import { checkRegion } from "./region.js";
import { forwardOnlyReads, readStoredRegion, type StoredArray, storedByteLength } from "./stored-array.js";
import type { Source } from "./types.js";

/** A NIfTI source also reports the header's intensity scaling and spatial transform. */
export interface NiftiSource extends Source {
  /** `scl_slope`/`scl_inter` as stored; `applied` says whether reads return scaled values. */
  readonly scaling: { slope: number; inter: number; applied: boolean };
  /** The 4x4 voxel→world affine the header selects (sform, else qform), or undefined if neither is set. */
  readonly affine?: number[][];
}

/** Per NIfTI datatype code: our data type, channels per voxel, and the bitpix the standard requires. */
const DATATYPES: Record<number, { dtype: DataType; components?: number; bitpix: number }> = {
  2: { dtype: "uint8", bitpix: 8 },
  4: { dtype: "int16", bitpix: 16 },
  8: { dtype: "int32", bitpix: 32 },
  16: { dtype: "float32", bitpix: 32 },
  32: { dtype: "complex64", bitpix: 64 },
  64: { dtype: "float64", bitpix: 64 },
  128: { dtype: "uint8", components: 3, bitpix: 24 }, // RGB24
  256: { dtype: "int8", bitpix: 8 },
  512: { dtype: "uint16", bitpix: 16 },
  768: { dtype: "uint32", bitpix: 32 },
  1024: { dtype: "int64", bitpix: 64 },
  1280: { dtype: "uint64", bitpix: 64 },
  1792: { dtype: "complex128", bitpix: 128 },
  2304: { dtype: "uint8", components: 4, bitpix: 32 }, // RGBA32
};

const SPACE_UNITS: Record<number, string> = { 1: "meter", 2: "millimeter", 3: "micrometer" };
const TIME_UNITS: Record<number, string> = { 8: "second", 16: "millisecond", 24: "microsecond" };
/** Axis named by NIfTI dim index 1..5; dims 6 and 7 have no image meaning. */
const DIM_AXES = ["", "x", "y", "z", "t", "c"];
const ORDER = "tczyx";

function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

async function readHead(path: string): Promise<{ head: Uint8Array; gzip: boolean }> {
  const bytes = await FileBytes.open(path);
  try {
    const size = await bytes.size();
    const head = await bytes.read(0, Math.min(size, 544));
    if (isGzip(head)) return { head: await gunzipHead(path, 544), gzip: true };
    return { head, gzip: false };
  } finally {
    await bytes.close();
  }
}

/** The header's voxel→world affine: sform when its code is set, else qform (as nibabel chooses). */
function selectAffine(h: nifti.NIFTI1 | nifti.NIFTI2, raw: DataView, version: 1 | 2): number[][] | undefined {
  if (h.sform_code > 0) {
    const rows: number[][] = [];
    for (let r = 0; r < 3; r++) {
      const row: number[] = [];
      for (let c = 0; c < 4; c++) {
        row.push(
          version === 1
            ? raw.getFloat32(280 + (r * 4 + c) * 4, h.littleEndian)
            : raw.getFloat64(400 + (r * 4 + c) * 8, h.littleEndian),
        );
      }
      rows.push(row);
    }
    rows.push([0, 0, 0, 1]);
    return rows;
  }
  if (h.qform_code > 0) {
    const b = h.quatern_b;
    const c = h.quatern_c;
    const d = h.quatern_d;
    const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
    const qfac = h.pixDims[0] < 0 ? -1 : 1;
    const R = [
      [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
      [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
      [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
    ];
    const scale = [h.pixDims[1], h.pixDims[2], h.pixDims[3] * qfac];
    const offset = [h.qoffset_x, h.qoffset_y, h.qoffset_z];
    return [...R.map((row, r) => [...row.map((v, k) => v * scale[k]), offset[r]]), [0, 0, 0, 1]];
  }
  return undefined;
}

/** Translation of (x, y, z) if the affine only scales and shifts (no rotation, no flip). */
function axisAlignedOffset(affine: number[][] | undefined): number[] | undefined {
  if (!affine) return undefined;
  const eps = 1e-6;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const v = affine[r][c];
      if (r === c ? !(v > 0) : Math.abs(v) > eps * Math.abs(affine[c][c] || 1)) return undefined;
    }
  }
  return [affine[0][3], affine[1][3], affine[2][3]];
}

/**
 * Opens a NIfTI file. `memoryLimit` (the convert memory target) sizes the window of decompressed
 * bytes a .nii.gz keeps: a quarter of it, since the reader's regions and the writer's blocks share it.
 */
export async function openNifti(path: string, options: { memoryLimit?: number } = {}): Promise<NiftiSource> {
  const { head, gzip } = await readHead(path);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const sizeof = head.length >= 4 ? [view.getInt32(0, true), view.getInt32(0, false)] : [];
  const version = sizeof.includes(348) ? 1 : sizeof.includes(540) ? 2 : 0;
  const headerLength = version === 1 ? 348 : 540;
  if (version === 0 || head.length < headerLength) {
    throw new ValueError(`${path} is not a NIfTI file (sizeof_hdr is neither 348 nor 540)`);
  }
  // Exactly the header bytes: nifti-reader-js then does not try to parse extensions we did not read.
  const headerBytes = head.slice(0, headerLength).buffer;
  const pair = /\.hdr$/i.test(path);
  let h: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    h = nifti.readHeader(headerBytes, pair);
  } catch (e) {
    throw new ValueError(`${path}: not a valid NIfTI-${version} header (${(e as Error).message})`);
  }
  const info = DATATYPES[h.datatypeCode];
  if (!info) {
    throw new UnsupportedError(
      `${path}: NIfTI datatype ${h.datatypeCode} (${h.getDatatypeCodeString(h.datatypeCode)}) is not supported`,
    );
  }
  if (h.numBitsPerVoxel !== info.bitpix) {
    throw new ValueError(
      `${path}: NIfTI bitpix ${h.numBitsPerVoxel} does not match datatype ${h.datatypeCode} (${info.components ? (info.components === 3 ? "RGB24" : "RGBA32") : info.dtype}) has ${info.bitpix} bits per voxel`,
    );
  }
  const ndim = h.dims[0];
  if (!(ndim >= 1 && ndim <= 7)) throw new ValueError(`${path}: NIfTI dim[0] = ${ndim} must be 1..7`);
  const dims = h.dims.slice(1, ndim + 1);
  if (dims.some((d) => !(d >= 1)))
    throw new ValueError(`${path}: NIfTI dims [${dims.join(", ")}] must be positive`);

  // Storage axes in C order (slowest first); size-1 axes other than x/y/z are dropped, which
  // leaves the byte layout unchanged.
  const storage: Array<{ name: string; size: number; dim: number }> = [];
  for (let k = ndim; k >= 1; k--) {
    const size = dims[k - 1];
    const name = DIM_AXES[k] ?? "";
    if (k <= 3 || size > 1) storage.push({ name, size, dim: k });
  }
  if (info.components) {
    if (storage.some((a) => a.name === "c")) {
      throw new UnsupportedError(`${path}: an RGB NIfTI with a 5th (vector) dimension is not supported`);
    }
    storage.push({ name: "c", size: info.components, dim: 0 });
  }
  const extra = storage.find((a) => a.name === "");
  if (extra) {
    throw new UnsupportedError(
      `${path}: NIfTI dimension ${extra.dim} has size ${extra.size}; only x, y, z, t and one vector dimension are supported`,
    );
  }
  const presented = [...storage].sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  const perm = presented.map((a) => storage.indexOf(a));
  const shape = presented.map((a) => a.size);
  const axes = presented.map((a) => a.name);

  const pixdim = (k: number) => Math.abs(h.pixDims[k]) || 1;
  const scale = presented.map((a) => (a.dim >= 1 && a.dim <= 4 ? pixdim(a.dim) : 1));
  const spaceUnit = SPACE_UNITS[h.xyzt_units & 0x07];
  const timeUnit = TIME_UNITS[h.xyzt_units & 0x38];
  const units = presented.map((a) => (a.name === "t" ? timeUnit : a.name === "c" ? undefined : spaceUnit));
  const affine = selectAffine(h, new DataView(headerBytes), version);
  const xyz = axisAlignedOffset(affine);
  const translation = xyz
    ? presented.map((a) => (a.dim >= 1 && a.dim <= 3 ? xyz[a.dim - 1] : a.name === "t" ? h.toffset || 0 : 0))
    : undefined;

  const slope = h.scl_slope;
  const inter = h.scl_inter;
  const scalable = !info.components && !info.dtype.startsWith("complex");
  const applied = scalable && Number.isFinite(slope) && slope !== 0 && (slope !== 1 || inter !== 0);
  const dtype: DataType = applied ? (info.dtype === "float64" ? "float64" : "float32") : info.dtype;

  // Where the voxels are.
  let dataPath = path;
  const offset = Number(h.vox_offset);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ValueError(`${path}: NIfTI vox_offset ${offset} must be a non-negative whole number of bytes`);
  }
  if (pair) {
    dataPath = path.replace(/\.hdr$/i, (m) => (m === ".HDR" ? ".IMG" : ".img"));
  } else if (offset < headerLength) {
    throw new ValueError(`${path}: vox_offset ${offset} points inside the header`);
  }
  const layout = { shape: storage.map((a) => a.size), dtype: info.dtype };
  // a .nii.gz must inflate to exactly what the header says the voxels reach, and never further
  const bytes: ByteSource = gzip
    ? await openGunzip(dataPath, {
        size: offset + storedByteLength(layout),
        window: options.memoryLimit === undefined ? undefined : Math.floor(options.memoryLimit / 4),
        rule: "its NIfTI header describes (vox_offset + voxels)",
      })
    : await FileBytes.open(dataPath);
  const stored: StoredArray = {
    bytes,
    offset,
    ...layout,
    endian: h.littleEndian ? "little" : "big",
    perm,
  };
  if (!gzip) {
    const need = offset + storedByteLength(stored);
    const size = await fileSize(dataPath);
    if (size < need) {
      await bytes.close();
      throw new ValueError(
        `${dataPath} has ${size} bytes but its NIfTI header describes ${need}: the file is truncated`,
      );
    }
  }

  const dimsText = dims.join("x");
  const description = `NIfTI-${version}${gzip ? " (gzip)" : ""}, ${dimsText} ${info.components ? (info.components === 3 ? "RGB" : "RGBA") : info.dtype}${applied ? ` scaled by ${slope}, ${inter} to ${dtype}` : ""}`;
  return {
    shape,
    dtype,
    axes,
    scale,
    units: units.some((u) => u !== undefined) ? units : undefined,
    translation,
    description,
    scaling: { slope, inter, applied },
    affine,
    async read(region) {
      checkRegion(region, shape, description);
      const raw = await readStoredRegion(stored, region);
      return applied ? rescale(raw, slope, inter, dtype) : raw;
    },
    forwardOnly: forwardOnlyReads(stored),
    close: () => bytes.close(),
  };
}

function rescale(a: NDArray, slope: number, inter: number, dtype: DataType): NDArray {
  const out = allocate(dtype, a.data.length) as Float32Array | Float64Array;
  const src = a.data;
  if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]) * slope + inter;
  } else {
    for (let i = 0; i < src.length; i++) out[i] = src[i] * slope + inter;
  }
  return { data: out, shape: a.shape, dtype };
}
