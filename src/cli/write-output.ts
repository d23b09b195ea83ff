/**
 * Writing an output directory from the CLI: claiming it (an existing output is an error unless
 * --overwrite, or an unfinished run is resumed), and running the pyramid writer with progress bars
 * and clean Ctrl-C handling.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { ExistsError } from "../errors.js";
import { type PyramidOptions, type PyramidResult, type RegionSource, write } from "../pyramid/writer.js";
import { LocalStore } from "../store/local.js";
import { guardStore, interruptible, interruptSignal, PROGRESS_FILE } from "./interrupt.js";
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
  const state = claimOutput(path, options.overwrite);
  const store = guardStore(new LocalStore(path));
  const progress = createProgress(globals);
  try {
    return await interruptible(path, resumeHint, () =>
      write(source, store, {
        ...options,
        overwrite: false, // claimOutput already removed what --overwrite replaces
        signal: interruptSignal,
        onProgress: ({ level, done, total }) => progress.update(`level ${level}`, done, total),
      }),
    );
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
