/**
 * Where the CLI reads Zarr data from: a local directory, a .zip of a store, an http(s) or s3:// URL; and
 * the bits of OME metadata the commands summarise (first multiscale: axes, levels, physical scale).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type Group,
  HttpStore,
  isOzxPath,
  isRemote,
  isS3URL,
  LocalStore,
  type ome,
  openOzx,
  type Store,
  storeFromURL,
  TEMP_PREFIX,
  type ZarrArray,
  ZipStore,
} from "../index.js";
import { CliError } from "./output.js";
import { s3Options } from "./s3-flags.js";

const URL_RE = /^https?:\/\//i;

/** Opens a store for reading; a missing local path is a usage error naming it. */
export async function openReadStore(path: string): Promise<Store> {
  if (isS3URL(path)) return storeFromURL(path, { s3: s3Options() });
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
  if (isRemote(path)) return true;
  if (/\.zarr\.zip$/i.test(path) || /\.zip$/i.test(path) || isOzxPath(path)) return true;
  if (!existsSync(path) || !statSync(path).isDirectory()) return false;
  return [".zgroup", ".zarray", "zarr.json"].some((m) => existsSync(`${path}/${m}`));
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
export async function openLevel(group: Group, image: ome.OmeImageInfo, level: number): Promise<ZarrArray> {
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
