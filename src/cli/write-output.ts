/**
 * Writing an output directory from the CLI: claiming it (an existing output is an error unless
 * --overwrite, or an unfinished run is resumed), and running the pyramid writer with progress bars
 * and clean Ctrl-C handling.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { ExistsError } from "../errors.js";
import { type PyramidOptions, type PyramidResult, type RegionSource, write } from "../pyramid/writer.js";
import { isOzxPath, OzxWriter } from "../store/ozx.js";
import { isS3URL } from "../store/url.js";
import { guardStore, interruptible, interruptSignal, PROGRESS_FILE } from "./interrupt.js";
import { claimS3Output, finishOutput, openOutputStore } from "./locations.js";
import { CliError, type GlobalOptions } from "./output.js";
import { createProgress } from "./progress.js";

const ZARR_MARKERS = [".zgroup", ".zarray", "zarr.json", PROGRESS_FILE];

/**
 * Makes `path` ready to write. Returns "resume" when it holds an unfinished zarrsmith run (the
 * writer then checks the settings match). An existing output without `overwrite` is an error and
 * is not touched; with `overwrite` it is removed — but only when it is a Zarr store or empty, so a
 * mistyped path cannot delete unrelated files.
 */
export function claimOutput(path: string, overwrite: boolean | undefined): "fresh" | "resume" {
  if (!existsSync(path)) return "fresh";
  if (!statSync(path).isDirectory()) {
    throw new CliError(`output ${path} exists and is a file${overwrite ? "; remove it yourself" : ""}`);
  }
  const names = readdirSync(path);
  const isZarr = ZARR_MARKERS.some((m) => names.includes(m));
  if (overwrite) {
    if (names.length > 0 && !isZarr) {
      throw new CliError(
        `output ${path} is a non-empty directory that is not a Zarr store; refusing to replace it`,
      );
    }
    rmSync(path, { recursive: true, force: true });
    return "fresh";
  }
  if (names.includes(PROGRESS_FILE)) return "resume";
  if (names.length === 0) return "fresh";
  throw new CliError(`output ${path} already exists; pass --overwrite to replace it`);
}

/** Runs pyramid.write into the local directory `path`, with per-level progress and Ctrl-C handling. */
export async function writePyramid(
  source: RegionSource,
  path: string,
  options: PyramidOptions,
  globals: GlobalOptions,
  resumeHint: string,
): Promise<PyramidResult> {
  if (isOzxPath(path)) return writeOzxPyramid(source, path, options, globals);
  const state = isS3URL(path)
    ? await claimS3Output(path, options.overwrite)
    : claimOutput(path, options.overwrite);
  const store = guardStore(openOutputStore(path));
  const progress = createProgress(globals);
  try {
    return await interruptible(path, resumeHint, async () => {
      const result = await write(source, store, {
        ...options,
        overwrite: false, // claimOutput already removed what --overwrite replaces
        signal: interruptSignal,
        onProgress: ({ level, done, total }) => progress.update(`level ${level}`, done, total),
      });
      await finishOutput(path, store);
      return result;
    });
  } catch (e) {
    if (e instanceof ExistsError && state === "resume") {
      throw new CliError(
        `output ${path} holds an unfinished run with different settings; pass --overwrite to start again`,
      );
    }
    throw e;
  } finally {
    progress.stop();
  }
}

/**
 * Runs pyramid.write into a single-file OME-Zarr (`.ozx`): the archive is built aside and renamed
 * into place when complete, so an existing file is only replaced (with --overwrite) by a finished
 * one. There is no resume: an interrupted run leaves nothing behind.
 */
async function writeOzxPyramid(
  source: RegionSource,
  path: string,
  options: PyramidOptions,
  globals: GlobalOptions,
): Promise<PyramidResult> {
  if (existsSync(path) && !options.overwrite) {
    throw new CliError(`output ${path} already exists; pass --overwrite to replace it`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`output ${path} is a directory`);
  const writer = await OzxWriter.create(path, { overwrite: options.overwrite });
  const store = guardStore(writer);
  const progress = createProgress(globals);
  try {
    return await interruptible(path, "nothing was written; run the command again", async () => {
      try {
        const result = await write(source, store, {
          ...options,
          overwrite: false,
          onProgress: ({ level, done, total }) => progress.update(`level ${level}`, done, total),
        });
        await writer.close();
        return result;
      } catch (e) {
        await writer.abort();
        throw e;
      }
    });
  } finally {
    progress.stop();
  }
}
