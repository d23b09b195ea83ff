/**
 * Writing an output directory from the CLI: deciding where the run writes (in place, or — for
 * --overwrite of an existing output — aside, swapped in at the end), and running the pyramid writer
 * with progress bars and clean Ctrl-C handling.
 *
 * Why aside: deleting the old output first means a failure part way (a full disk, an undeletable
 * file, a kill) leaves neither the old output nor a new one. Instead the new output is built in a
 * hidden sibling directory (`.NAME.zarrsmith-new`, same file system, so the swap is two renames), and
 * the old one is deleted only once the new one is complete. A re-run finds the sibling and resumes it.
 * Who may write is decided by the run record (see checkpoint/): a live run's output is never touched.
 */

import { randomUUID } from "node:crypto";
import { accessSync, constants, existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  CorruptRecordError,
  describeRun,
  ExistsError,
  isOzxPath,
  isS3URL,
  isZarrOutput,
  LocalStore,
  liveRun,
  OutputBusyError,
  OzxWriter,
  PROGRESS_FILE,
  pyramid,
  RunMismatchError,
} from "../index.js";
import { guardStore, interruptible, interruptSignal } from "./interrupt.js";
import { claimS3Output, finishOutput, openOutputStore } from "./locations.js";
import { CliError, type GlobalOptions } from "./output.js";
import { createProgress } from "./progress.js";
import { s3Options } from "./s3-flags.js";

/**
 * Where a run writes: `dir` (a directory or an s3:// URL); when `replaces` is set, `dir` is swapped in
 * for it at the end. `overwrite`: the writer replaces what is at `dir` itself (S3, where nothing can be
 * renamed: its claim refuses a live run, then clears the prefix).
 */
export interface OutputTarget {
  dir: string;
  replaces?: string;
  overwrite?: boolean;
}

function asidePath(path: string): string {
  return join(dirname(path), `.${basename(path)}.zarrsmith-new`);
}

function oldPrefix(path: string): string {
  return `.${basename(path)}.zarrsmith-old-`;
}

/** Refuses when a live run holds the record in `dir` (the writer's rule: checkpoint liveRun). */
async function refuseIfBusy(dir: string): Promise<void> {
  const run = await liveRun(new LocalStore(dir), "");
  if (run) throw new OutputBusyError(dir, run);
}

/** The output, or the nearest folder above it that exists, must be writable (said before any mkdir fails). */
function checkWritable(path: string): void {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "EROFS" ? "a read-only file system" : "permission denied";
    throw new CliError(`cannot create output ${path}: ${dir} is not writable (${err.code}: ${why})`);
  }
}

/**
 * Every directory under `path` must let us delete its entries, checked before anything is changed:
 * --overwrite must not stop half way with a half-deleted output.
 */
function checkDeletable(path: string): void {
  const walk = (dir: string) => {
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch (e) {
      throw new CliError(
        `cannot replace ${path}: ${dir} does not allow deleting its files (${(e as NodeJS.ErrnoException).code}); nothing was changed`,
      );
    }
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(path);
}

/**
 * Decides where a run writes `path`. Without `overwrite` an existing output is an error (and left
 * untouched) unless it holds an unfinished run, which the writer then resumes or refuses. With
 * `overwrite` an existing Zarr output (never an unrelated non-empty folder) is replaced by building
 * the new one aside; a live run's output is refused either way.
 */
export async function prepareOutput(path: string, overwrite: boolean | undefined): Promise<OutputTarget> {
  if (isS3URL(path)) return { dir: path, overwrite: (await claimS3Output(path, overwrite)) === "replace" };
  checkWritable(path);
  const aside = asidePath(path);
  if (!existsSync(path)) {
    // a swap that died between its two renames: the new output is complete, finish it
    const old = readdirSync(dirname(path)).find((n) => n.startsWith(oldPrefix(path)));
    if (old && existsSync(aside) && !existsSync(join(aside, PROGRESS_FILE))) {
      renameSync(aside, path);
      rmSync(join(dirname(path), old), { recursive: true, force: true });
    }
    if (!existsSync(path)) return { dir: path };
  }
  if (!statSync(path).isDirectory()) {
    throw new CliError(`output ${path} exists and is a file${overwrite ? "; remove it yourself" : ""}`);
  }
  const names = readdirSync(path);
  if (names.length === 0) return { dir: path };
  const isZarr = isZarrOutput(names);
  if (!overwrite) {
    if (names.includes(PROGRESS_FILE)) return { dir: path };
    throw new CliError(`output ${path} already exists; pass --overwrite to replace it`);
  }
  if (!isZarr) {
    throw new CliError(
      `output ${path} is a non-empty directory that is not a Zarr store; refusing to replace it`,
    );
  }
  await refuseIfBusy(path);
  if (existsSync(aside)) await refuseIfBusy(aside);
  checkDeletable(path);
  return { dir: aside, replaces: path };
}

/**
 * Runs `work` on `target.dir`; when it is built aside, a leftover from an earlier run with other
 * settings there is cleared first (it is ours: hidden, and no live run holds it).
 */
export async function writeTarget<T>(
  target: OutputTarget,
  work: (overwrite: boolean) => Promise<T>,
): Promise<T> {
  if (!target.replaces) return work(false);
  try {
    return await work(false); // resumes our own unfinished aside build
  } catch (e) {
    if (!(e instanceof ExistsError) || e instanceof OutputBusyError) throw e;
    rmSync(target.dir, { recursive: true, force: true });
    return work(false);
  }
}

/**
 * Puts a finished aside build in place: the old output is renamed away, the new one renamed in, then
 * the old one deleted. Returns a warning when the old one could not be deleted.
 */
export function commitOutput(target: OutputTarget): string | undefined {
  if (!target.replaces) return undefined;
  const old = join(dirname(target.replaces), `${oldPrefix(target.replaces)}${randomUUID().slice(0, 8)}`);
  renameSync(target.replaces, old);
  renameSync(target.dir, target.replaces);
  try {
    rmSync(old, { recursive: true, force: true });
    return undefined;
  } catch (e) {
    return `the new output is in place, but the old one (moved to ${old}) could not be deleted: ${(e as Error).message}`;
  }
}

/** Runs pyramid.write into the local directory `path`, with per-level progress and Ctrl-C handling. */
export async function writePyramid(
  source: pyramid.RegionSource,
  path: string,
  options: pyramid.PyramidOptions,
  globals: GlobalOptions,
  resumeHint: string,
  warn: (message: string) => void = () => {},
): Promise<pyramid.PyramidResult> {
  if (isOzxPath(path)) return writeOzxPyramid(source, path, options, globals);
  const target = await prepareOutput(path, options.overwrite);
  const progress = createProgress(globals);
  try {
    const result = await writeTarget(target, (overwrite) =>
      interruptible(target.dir, resumeHint, async () => {
        const store = guardStore(openOutputStore(target.dir));
        const written = await pyramid.write(source, store, {
          ...options,
          overwrite,
          signal: interruptSignal,
          onProgress: ({ level, done, total }) => progress.update(`level ${level}`, done, total),
        });
        await finishOutput(target.dir, store);
        return written;
      }),
    );
    progress.stop();
    const warning = commitOutput(target);
    if (warning) warn(warning);
    return result;
  } catch (e) {
    throw cliOutputError(path, e);
  } finally {
    progress.stop();
  }
}

/** The writer's claim errors in the CLI's words (flags, not option names). */
export function cliOutputError(path: string, e: unknown): unknown {
  if (e instanceof OutputBusyError) {
    return new CliError(
      `output ${path} is being written by another run (${describeRun(e.record)}); wait for it to finish or stop it — nothing was changed`,
    );
  }
  if (e instanceof RunMismatchError) {
    return new CliError(
      `output ${path} holds an unfinished run with different settings (${describeRun(e.record)}); re-run that command to resume it, or pass --overwrite to start again`,
    );
  }
  if (e instanceof CorruptRecordError) {
    return new CliError(
      `${e.message.replace(/; overwrite to start again$/, "")}; pass --overwrite to start again`,
    );
  }
  if (e instanceof ExistsError)
    return new CliError(`output ${path} already exists; pass --overwrite to replace it`);
  return e;
}

/**
 * Runs pyramid.write into a single-file OME-Zarr (`.ozx`): the archive is built aside and renamed
 * into place when complete, so an existing file is only replaced (with --overwrite) by a finished
 * one. There is no resume: an interrupted run leaves nothing behind.
 */
async function writeOzxPyramid(
  source: pyramid.RegionSource,
  path: string,
  options: pyramid.PyramidOptions,
  globals: GlobalOptions,
): Promise<pyramid.PyramidResult> {
  if (existsSync(path) && !options.overwrite) {
    throw new CliError(`output ${path} already exists; pass --overwrite to replace it`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`output ${path} is a directory`);
  const writer = await OzxWriter.create(path, {
    overwrite: options.overwrite,
    s3: isS3URL(path) ? s3Options() : undefined,
  }).catch((e: unknown) => {
    // an s3:// object is only found to exist here (the check above is for local files)
    if (e instanceof ExistsError)
      throw new CliError(`output ${path} already exists; pass --overwrite to replace it`);
    throw e;
  });
  const store = guardStore(writer);
  const progress = createProgress(globals);
  try {
    return await interruptible(path, "nothing was written; run the command again", async () => {
      try {
        const result = await pyramid.write(source, store, {
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
