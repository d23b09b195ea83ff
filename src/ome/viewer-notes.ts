/**
 * Per-viewer compatibility notes for an OME-Zarr image: what a known viewer or reader will not show
 * of it, and how to write it so that it does. Every note rests on a test of this project or a
 * documented fact (named in `source`); where nothing supports a claim, no note is given.
 */
import type { ZarrArray } from "../array/zarr-array.js";
import { openGroup } from "../hierarchy/group.js";
import type { Store } from "../store/types.js";
import { omeImage } from "./image-info.js";

export type ViewerNoteTopic = "z-downsampled" | "codec" | "zarr-v3";

export interface ViewerNote {
  topic: ViewerNoteTopic;
  /** The viewers or readers the note is about. */
  viewers: string[];
  /** One sentence: what happens there, and what to do about it. */
  message: string;
  /** Where the fact comes from: a test of this project or a public document. */
  source: string;
}

/** Compressor names of one array's codec list (v2 filters + compressor, v3 codecs, inside shards too). */
function compressors(codecs: unknown[]): string[] {
  const names: string[] = [];
  for (const c of codecs) {
    if (!c || typeof c !== "object") continue;
    const o = c as { id?: unknown; name?: unknown; configuration?: { codecs?: unknown } };
    const name = typeof o.id === "string" ? o.id : typeof o.name === "string" ? o.name : undefined;
    if (name === "sharding_indexed" && Array.isArray(o.configuration?.codecs)) {
      names.push(...compressors(o.configuration.codecs));
    } else if (name && !["bytes", "transpose", "crc32c"].includes(name)) names.push(name);
  }
  return names;
}

/**
 * The notes for the OME-Zarr image at `path` of `store` (an empty list for an image every viewer
 * named here reads, and for a group that is not an image). Reads the group and its levels' metadata.
 */
export async function viewerNotes(store: Store, path = ""): Promise<ViewerNote[]> {
  const group = await openGroup(store, path);
  const image = omeImage(group.attrs as Record<string, unknown>);
  if (!image || image.levels.length === 0) return [];
  const arrays = await Promise.all(image.levels.map((l) => group.array(l.path)));
  const notes: ViewerNote[] = [];

  // Viv (and vizarr, built on it) index every level with the same z: test/view/viv.test.ts runs Viv
  // 0.21's loader on a pyramid that halves z and gets "IndexError: index out of bounds" on the coarse
  // levels, while one that keeps z reads at every level.
  const z = image.axes.findIndex((a) => a.name.toLowerCase() === "z" && (a.type ?? "space") === "space");
  if (z >= 0) {
    const sizes = arrays.map((a) => a.shape[z]);
    const first = sizes.findIndex((s) => s !== sizes[0]);
    if (first > 0) {
      notes.push({
        topic: "z-downsampled",
        viewers: ["Viv", "vizarr"],
        message: `z is downsampled across levels (${sizes.join(", ")} planes): Viv and vizarr apply the same z index to every level and fail on the coarse levels (from level ${first}); write with --downsample-axes xy (downsampleAxes: "xy") to keep z on every level`,
        source: "test/view/viv.test.ts (Viv 0.21's loader in headless Chromium)",
      });
    }
  }

  // itk-vtk-viewer decodes every chunk as Blosc: zarrsmith's zstd output opened in it in headless
  // Chromium showed nothing (measured for issue 14 of this project).
  const used = [...new Set(arrays.flatMap((a) => compressors(codecsOf(a.spec))))];
  const other = used.filter((n) => n !== "blosc");
  if (other.length > 0) {
    notes.push({
      topic: "codec",
      viewers: ["itk-vtk-viewer"],
      message: `${other.join(", ")} codec: itk-vtk-viewer decodes every chunk as Blosc and shows nothing of this image; write with --codec blosc for it`,
      source: "issue 14 of this project: zstd output opened in itk-vtk-viewer in headless Chromium",
    });
  }

  // OME-Zarr 0.5 support came with ome-zarr-py 0.12.0, which napari-ome-zarr reads through:
  // https://github.com/ome/ome-zarr-py/issues/470 (maintainer's answer, with the v0.12.0 release link).
  if (group.zarrFormat === 3) {
    notes.push({
      topic: "zarr-v3",
      viewers: ["ome-zarr-py", "napari-ome-zarr"],
      message: `Zarr v3 / OME-Zarr ${image.version ?? "0.5"}: ome-zarr-py before 0.12.0, and napari-ome-zarr with such an ome-zarr-py, cannot read it; update ome-zarr, or write OME-Zarr 0.4 (--ome-zarr-version 0.4)`,
      source: "https://github.com/ome/ome-zarr-py/issues/470",
    });
  }
  return notes;
}

function codecsOf(spec: ZarrArray["spec"]): unknown[] {
  if (spec.zarr_format === 3) return spec.codecs ?? [];
  return [...(spec.filters ?? []), ...(spec.compressor ? [spec.compressor] : [])];
}
