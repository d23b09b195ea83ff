/**
 * A stack of 2-D TIFF or PNG files, one z slice per file, in the order given (callers sort).
 * Every slice must have the same size, channels and data type; this is checked when the stack is
 * opened, from the file headers only.
 */
import { fromFile } from "geotiff";
import { allocate, fromBytes, itemSize } from "../dtype/index.js";
import { StoreError, UnsupportedError, ValueError } from "../errors.js";
import { copyStrided } from "../indexing/copy.js";
import { type NDArray, product } from "../ndarray.js";
import { FileBytes } from "./byte-source.js";
import { formatSize } from "./format.js";
import { mapLimited, runLimited } from "./limit.js";
import {
  type DecodedSlice,
  decodePng,
  PNG_SIGNATURE,
  type PngHeader,
  readPngInfo,
  type SliceInfo,
} from "./png.js";
import { decodedRowBytes, pngRowStream } from "./png-rows.js";
import { checkRegion, regionShape } from "./region.js";
import { readRegionBytes } from "./stored-array.js";
import { StreamedBytes } from "./streamed-bytes.js";
import { openCheckedTiff, pageDataType, readTiffWindow } from "./tiff.js";
import { checkTiffPage, DEFAULT_BLOCK_LIMIT } from "./tiff-check.js";
import type { Region, Source } from "./types.js";

/** Files whose headers are read at once while opening. */
const OPEN_CONCURRENCY = 8;
/** Slices decoded at once during a read. */
const READ_CONCURRENCY = 4;
/** Decoded interlaced PNG slices kept, since those cannot be decoded in part and regions often share a slice. */
const PNG_CACHE_SLICES = 4;
/**
 * PNG slices decoded by rows (see png-rows.ts) whose streams stay open, each keeping a window of
 * its last decoded rows: a region covers the same rows of many slices, and the next region (the
 * next x tile) wants those rows again. Together the windows take a quarter of the memory target.
 */
const PNG_OPEN_SLICES = 64;
const DEFAULT_PNG_WINDOWS = 64 * 2 ** 20;

type Kind = "tiff" | "png";

async function sniff(path: string): Promise<Kind> {
  const bytes = await FileBytes.open(path);
  let head: Uint8Array;
  try {
    head = await bytes.read(0, Math.min(await bytes.size(), 8));
  } finally {
    await bytes.close();
  }
  if (PNG_SIGNATURE.every((b, i) => head[i] === b)) return "png";
  const tiff =
    (head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0) ||
    (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43));
  if (tiff) return "tiff";
  throw new ValueError(`${path} is neither a TIFF nor a PNG file; a stack holds 2-D TIFF or PNG slices`);
}

async function tiffInfo(path: string, blockLimit: number): Promise<SliceInfo> {
  const { tiff, pages, size } = await openCheckedTiff(path);
  try {
    const image = await tiff.getImage(0);
    await checkTiffPage(image, path, 0, size, blockLimit);
    if (pages > 1) {
      throw new UnsupportedError(`${path} has ${pages} pages; a stack needs one 2-D image per file`);
    }
    return {
      width: image.getWidth(),
      height: image.getHeight(),
      channels: image.getSamplesPerPixel(),
      dtype: pageDataType(image, path, 0),
    };
  } finally {
    await tiff.close();
  }
}

function describe(info: SliceInfo): string {
  return `${info.width}x${info.height} ${info.dtype}${info.channels > 1 ? ` with ${info.channels} channels` : ""}`;
}

/**
 * Peak bytes while one interlaced PNG slice is decoded whole, per byte of decoded samples: the
 * inflated rows and the unfiltered output are both alive, plus the file bytes (measured with fast-png: ~2x).
 */
const PNG_DECODE_OVERHEAD = 2;

export async function openStack(files: string[], options: { memoryLimit?: number } = {}): Promise<Source> {
  if (files.length === 0) throw new ValueError("an image stack needs at least one file");
  const kinds = await mapLimited(files, OPEN_CONCURRENCY, sniff);
  const infos = await mapLimited(files, OPEN_CONCURRENCY, (f, i) =>
    kinds[i] === "png" ? readPngInfo(f) : tiffInfo(f, options.memoryLimit ?? DEFAULT_BLOCK_LIMIT),
  );
  const first = infos[0];
  infos.forEach((info, i) => {
    const same =
      info.width === first.width &&
      info.height === first.height &&
      info.channels === first.channels &&
      info.dtype === first.dtype;
    if (!same) {
      throw new ValueError(
        `${files[i]} is ${describe(info)} but ${files[0]} is ${describe(first)}: all slices of a stack must match`,
      );
    }
  });
  const { width, height, channels, dtype } = first;
  const Z = files.length;
  const full = [channels, Z, height, width];
  const keep = full.map((s, i) => s > 1 || i >= 2);
  const shape = full.filter((_, i) => keep[i]);
  const axes = ["c", "z", "y", "x"].filter((_, i) => keep[i]);
  const format = kinds.every((k) => k === "png")
    ? "PNG"
    : kinds.every((k) => k === "tiff")
      ? "TIFF"
      : "TIFF/PNG";
  const description =
    Z === 1 ? `${format}, ${describe(first)}` : `${format} stack, ${Z} slices of ${describe(first)}`;

  // interlaced PNG slices are decoded whole: refuse one that cannot fit the memory limit, and
  // cache only as many decoded slices as fit in it
  const sliceBytes = width * height * channels * itemSize(dtype);
  let cacheSlices = PNG_CACHE_SLICES;
  const limit = options.memoryLimit;
  const interlaced = (z: number) => kinds[z] === "png" && (infos[z] as PngHeader).interlaced;
  const firstInterlaced = files.findIndex((_, z) => interlaced(z));
  if (limit !== undefined && firstInterlaced >= 0) {
    const need = sliceBytes * PNG_DECODE_OVERHEAD;
    if (need > limit) {
      throw new UnsupportedError(
        `${files[firstInterlaced]} decodes to ${formatSize(sliceBytes)} (${describe(first)}) and an interlaced PNG cannot be decoded in part; decoding it needs about ${formatSize(need)}, more than the memory target of ${formatSize(limit)} (--memory-target / memoryLimit): raise it, or convert the slices to non-interlaced PNG or (tiled) TIFF`,
      );
    }
    cacheSlices = Math.max(1, Math.min(PNG_CACHE_SLICES, Math.floor(limit / need)));
  }

  // Non-interlaced PNG slices: one row stream per slice, most recently used last.
  const pngCount = kinds.filter((k) => k === "png").length;
  const windowBudget = limit === undefined ? DEFAULT_PNG_WINDOWS : Math.floor(limit / 4);
  const rowBytes = width * channels * itemSize(dtype);
  const sliceWindow = Math.max(
    2 * rowBytes,
    Math.floor(windowBudget / Math.max(1, Math.min(pngCount, PNG_OPEN_SLICES))),
  );
  const rowStreams = new Map<number, StreamedBytes>();
  const rowStream = (z: number): StreamedBytes => {
    let s = rowStreams.get(z);
    if (s) {
      rowStreams.delete(z);
    } else {
      const header = infos[z] as PngHeader;
      s = new StreamedBytes({
        name: files[z],
        open: () => pngRowStream(files[z], header),
        size: decodedRowBytes(header) * height,
        window: sliceWindow,
        rule: `its ${width}x${height} IHDR describes`,
      });
    }
    rowStreams.set(z, s);
    if (rowStreams.size > PNG_OPEN_SLICES) {
      for (const [k, old] of rowStreams) {
        if (old.busy) continue;
        rowStreams.delete(k);
        void old.close();
        break;
      }
    }
    return s;
  };

  // Decoded PNG slices, most recently used last.
  const pngCache = new Map<number, Promise<DecodedSlice>>();
  const pngSlice = (z: number): Promise<DecodedSlice> => {
    let p = pngCache.get(z);
    if (p) {
      pngCache.delete(z);
    } else {
      p = (async () => {
        const bytes = await FileBytes.open(files[z]);
        try {
          const slice = decodePng(await bytes.read(0, await bytes.size()), files[z]);
          if (slice.width !== width || slice.height !== height) {
            throw new ValueError(
              `${files[z]} decodes to ${slice.width}x${slice.height}, not ${width}x${height}`,
            );
          }
          return slice;
        } finally {
          await bytes.close();
        }
      })();
      p.catch(() => pngCache.delete(z));
    }
    pngCache.set(z, p);
    while (pngCache.size > cacheSlices) pngCache.delete(pngCache.keys().next().value!);
    return p;
  };

  let closed = false;
  return {
    shape,
    dtype,
    axes,
    description,
    async read(region: Region): Promise<NDArray> {
      checkRegion(region, shape, description);
      if (closed) throw new StoreError(`the stack of ${files[0]}... was already closed`, { store: files[0] });
      const r4: Array<readonly [number, number]> = [];
      let k = 0;
      for (let i = 0; i < 4; i++) r4.push(keep[i] ? region[k++] : [0, 1]);
      const counts = regionShape(r4);
      const out = allocate(dtype, product(counts)) as Uint8Array | Uint16Array | Float32Array;
      const [[c0, c1], [z0], [y0, y1], [x0, x1]] = r4;
      const planeSize = counts[2] * counts[3];
      const jobs = Array.from({ length: out.length === 0 ? 0 : counts[1] }, (_, zi) => async () => {
        const z = z0 + zi;
        if (kinds[z] === "png" && !interlaced(z)) {
          // the region's rows and columns of the slice, all channels, C order [y, x, c]
          const bytes = await readRegionBytes(rowStream(z), 0, [height, width, channels], itemSize(dtype), [
            [y0, y1],
            [x0, x1],
            [0, channels],
          ]);
          const part = fromBytes(bytes, dtype, "big") as Uint8Array | Uint16Array;
          copyStrided(
            { data: part, offset: c0, strides: [1, counts[3] * channels, channels] },
            { data: out, offset: zi * planeSize, strides: [counts[1] * planeSize, counts[3], 1] },
            [counts[0], counts[2], counts[3]],
          );
          return;
        }
        if (kinds[z] === "png") {
          const slice = await pngSlice(z);
          copyStrided(
            {
              data: slice.data,
              offset: (y0 * width + x0) * channels + c0,
              strides: [1, width * channels, channels],
            },
            { data: out, offset: zi * planeSize, strides: [counts[1] * planeSize, counts[3], 1] },
            [counts[0], counts[2], counts[3]],
          );
          return;
        }
        // the file was checked when the stack was opened; geotiff re-parses only its IFD
        const tiff = await fromFile(files[z]);
        try {
          const image = await tiff.getImage(0);
          const samples = Array.from({ length: c1 - c0 }, (_, i) => c0 + i);
          const rasters = await readTiffWindow(image, files[z], 0, [x0, y0, x1, y1], samples);
          samples.forEach((_, ci) => {
            (out as Uint8Array).set(rasters[ci] as Uint8Array, (ci * counts[1] + zi) * planeSize);
          });
        } finally {
          await tiff.close();
        }
      });
      await runLimited(jobs, READ_CONCURRENCY);
      return { data: out, shape: regionShape(region), dtype };
    },
    async close() {
      closed = true;
      pngCache.clear();
      await Promise.all([...rowStreams.values()].map((s) => s.close()));
      rowStreams.clear();
    },
  };
}
