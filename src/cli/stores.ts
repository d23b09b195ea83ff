/**
 * Where the CLI reads Zarr data from: a local directory, a .zip of a store, or an http(s) URL; and
 * the bits of OME metadata the commands summarise (first multiscale: axes, levels, physical scale).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ZarrArray } from "../array/zarr-array.js";
import type { Group } from "../hierarchy/group.js";
import { HttpStore } from "../store/http.js";
import { LocalStore, TEMP_PREFIX } from "../store/local.js";
import { isOzxPath, openOzx } from "../store/ozx.js";
import type { Store } from "../store/types.js";
import { ZipStore } from "../store/zip.js";
import { CliError } from "./output.js";

const URL_RE = /^https?:\/\//i;

/** Opens a store for reading; a missing local path is a usage error naming it. */
export async function openReadStore(path: string): Promise<Store> {
  if (URL_RE.test(path)) {
    if (isOzxPath(path)) return openOzx(path);
    return /\.zip$/i.test(path) ? ZipStore.open(path) : new HttpStore(path);
  }
  if (!existsSync(path)) throw new CliError(`${path}: no such file or directory`);
  if (statSync(path).isFile()) {
    if (isOzxPath(path)) return openOzx(path);
    if (/\.zip$/i.test(path)) return ZipStore.open(path);
    throw new CliError(`${path} is a file, not a Zarr store (a directory, a .zip, an .ozx or a URL)`);
  }
  return new LocalStore(path);
}

/** Whether `path` names Zarr data (a store directory with root metadata, a .zip store, a URL) rather than an image file. */
export function looksLikeZarr(path: string): boolean {
  if (URL_RE.test(path)) return true;
  if (/\.zarr\.zip$/i.test(path) || /\.zip$/i.test(path) || isOzxPath(path)) return true;
  if (!existsSync(path) || !statSync(path).isDirectory()) return false;
  return [".zgroup", ".zarray", "zarr.json"].some((m) => existsSync(`${path}/${m}`));
}

export interface OmeAxis {
  name: string;
  type?: string;
  unit?: string;
}

export interface OmeLevel {
  path: string;
  scale?: number[];
  translation?: number[];
}

export interface OmeImageInfo {
  version: string | undefined;
  name?: string;
  axes: OmeAxis[];
  levels: OmeLevel[];
  /** omero channel windows and labels, when present. */
  channels?: Array<{ label?: string; window?: { start?: number; end?: number; min?: number; max?: number } }>;
  labels: boolean;
}

interface Transform {
  type: string;
  scale?: number[];
  translation?: number[];
}

/** The OME namespace of a group's attributes: `ome` in 0.5, the attributes themselves in 0.4. */
function omeNamespace(attrs: Record<string, unknown>): { ns: Record<string, unknown>; version?: string } {
  const ome = attrs.ome as Record<string, unknown> | undefined;
  if (ome && typeof ome === "object") return { ns: ome, version: ome.version as string | undefined };
  return { ns: attrs };
}

/** Combines a dataset's transforms with the multiscale-wide ones (scale multiplies, translation = s·t_d + t_g). */
function physical(
  own: Transform[] | undefined,
  global: Transform[] | undefined,
): { scale?: number[]; translation?: number[] } {
  const pick = (list: Transform[] | undefined, type: string) => list?.find((t) => t.type === type);
  let scale = pick(own, "scale")?.scale;
  let translation = pick(own, "translation")?.translation;
  const gs = pick(global, "scale")?.scale;
  const gt = pick(global, "translation")?.translation;
  if (gs) {
    scale = scale ? scale.map((s, i) => s * gs[i]) : gs;
    translation = translation?.map((t, i) => t * gs[i]);
  }
  if (gt) translation = translation ? translation.map((t, i) => t + gt[i]) : gt;
  return { scale, translation };
}

/** The first multiscale image described by a group's attributes, or undefined when there is none. */
export function omeImage(attrs: Record<string, unknown>): OmeImageInfo | undefined {
  const { ns, version: nsVersion } = omeNamespace(attrs);
  const multiscales = ns.multiscales as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(multiscales) || multiscales.length === 0) return undefined;
  const ms = multiscales[0];
  const axes = ((ms.axes as unknown[]) ?? []).map((a) =>
    typeof a === "string" ? { name: a } : (a as OmeAxis),
  );
  const global = ms.coordinateTransformations as Transform[] | undefined;
  const datasets = (ms.datasets as Array<{ path: string; coordinateTransformations?: Transform[] }>) ?? [];
  const omero = ns.omero as { channels?: OmeImageInfo["channels"] } | undefined;
  return {
    version: nsVersion ?? (ms.version as string | undefined),
    name: ms.name as string | undefined,
    axes,
    levels: datasets.map((d) => ({ path: d.path, ...physical(d.coordinateTransformations, global) })),
    channels: omero?.channels,
    labels: ns["image-label"] !== undefined,
  };
}

/** Axis names of a plain array: v3 dimension_names, xarray's _ARRAY_DIMENSIONS, else the last N of t,c,z,y,x. */
export function arrayAxes(array: ZarrArray): string[] {
  const named = array.dimensionNames ?? (array.attrs._ARRAY_DIMENSIONS as (string | null)[] | undefined);
  const fallback = ["t", "c", "z", "y", "x"].slice(Math.max(0, 5 - array.ndim));
  if (named && named.length === array.ndim && named.every((n) => typeof n === "string" && n !== "")) {
    return named as string[];
  }
  if (array.ndim <= 5) return fallback;
  return array.shape.map((_, i) => `dim_${i}`);
}

/** Opens the level `level` array of an OME image group (the group's first multiscale). */
export async function openLevel(group: Group, image: OmeImageInfo, level: number): Promise<ZarrArray> {
  if (level < 0 || level >= image.levels.length) {
    throw new CliError(
      `--level ${level} does not exist: the image has levels 0 to ${image.levels.length - 1}`,
    );
  }
  return group.array(image.levels[level].path);
}

/** Bytes and files under a local directory (temporary files of unfinished writes excluded). */
export function directoryUsage(path: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !e.name.startsWith(TEMP_PREFIX)) {
        bytes += statSync(p).size;
        files++;
      }
    }
  };
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) walk(path);
    else return { bytes: statSync(path).size, files: 1 };
  }
  return { bytes, files };
}
