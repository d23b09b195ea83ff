/**
 * Ctrl-C. A command that writes registers its output with `interruptible`; the first Ctrl-C then
 * makes the output's store refuse new writes (except the resume manifest), lets writes already in
 * flight finish, removes temporary files and exits 130 with a note on how to resume. A second
 * Ctrl-C, or one while nothing is being written, exits at once after a synchronous clean-up.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ExistsError, LocalStore, PROGRESS_FILE, passThrough, type Store, TEMP_PREFIX } from "../index.js";
import { CliError, EXIT, exitCodeFor, formatBytes, oneLine } from "./output.js";
import { directoryUsage } from "./stores.js";

const controller = new AbortController();
const roots = new Set<string>();
let inFlight = 0;
let settled: (() => void) | undefined;

export const interruptSignal: AbortSignal = controller.signal;

export class Interrupted extends CliError {
  constructor(message: string) {
    super(message, EXIT.interrupted);
  }
}

/** Removes temporary files under `root` without yielding, so nothing else runs meanwhile. */
function cleanSync(root: string): void {
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.startsWith(TEMP_PREFIX)) rmSync(join(dir, e.name), { force: true });
    }
  };
  walk(root);
}

/** Installs the SIGINT handler (once, from main). */
export function installInterruptHandler(): void {
  process.on("SIGINT", () => {
    if (controller.signal.aborted || roots.size === 0) {
      for (const root of roots) cleanSync(root);
      process.stderr.write("\nzarrsmith: interrupted\n");
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(
      "\nzarrsmith: interrupting: finishing the writes in flight (Ctrl-C again to quit now)\n",
    );
    controller.abort();
  });
}

/**
 * A view of `store` whose writes stop after Ctrl-C (they throw Interrupted), counting the writes
 * in flight so `stopCleanly` can wait for them.
 */
export function guardStore<S extends Store>(store: S): S {
  const guard =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>, allowAfterAbort: (...args: A) => boolean) =>
    async (...args: A): Promise<void> => {
      if (controller.signal.aborted && !allowAfterAbort(...args)) throw new Interrupted("interrupted");
      inFlight++;
      try {
        await fn(...args);
      } finally {
        inFlight--;
        if (inFlight === 0) settled?.();
      }
    };
  // One function per property, so that `get` and `set` can be marked as passed through: worker
  // threads may read and write the store's chunks themselves (threadReadsOf / threadWritesOf). Safe
  // for writes: the writers guarded here stop on interruptSignal and await every chunk task they
  // started, so a worker's write is one in flight, finished before `interruptible` cleans up.
  const made = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "threadReads" || prop === "threadWrites") return Reflect.get(target, prop, target);
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (!made.has(prop)) {
        const bound = value.bind(target);
        if (prop === "set")
          made.set(prop, passThrough(guard(bound, (key: string) => key.endsWith(PROGRESS_FILE))));
        else if (prop === "delete" || prop === "deletePrefix")
          made.set(
            prop,
            guard(bound, () => false),
          );
        else made.set(prop, prop === "get" ? passThrough(bound) : bound);
      }
      return made.get(prop);
    },
  });
}

/**
 * Runs `work` writing into the local directory `root`. When Ctrl-C interrupts it, waits for writes
 * in flight, removes temporary files, and throws Interrupted with `resumeHint`. When it fails
 * otherwise (a corrupt input, a full disk) after the output became resumable, the error says what
 * was left behind and how to go on.
 */
export async function interruptible<T>(root: string, resumeHint: string, work: () => Promise<T>): Promise<T> {
  roots.add(root);
  try {
    return await work();
  } catch (e) {
    if (!controller.signal.aborted) throw leftBehind(e, root);
    if (inFlight > 0) await new Promise<void>((resolve) => (settled = resolve));
    await LocalStore.cleanTemporaryFiles(root);
    throw new Interrupted(`interrupted; ${resumeHint}`);
  } finally {
    roots.delete(root);
  }
}

/** `error` extended with what a failed run left in `root` (when it left a resumable output). */
function leftBehind(error: unknown, root: string): unknown {
  // ExistsError: the run refused to start (another run's settings); nothing of this run was left
  if (error instanceof ExistsError || !existsSync(join(root, PROGRESS_FILE))) return error;
  const { files, bytes } = directoryUsage(root);
  return new CliError(
    `${oneLine(error)}; ${root} is left incomplete (${files} files, ${formatBytes(bytes)}: the chunks written so far and the resume file ${PROGRESS_FILE}): fix the cause and re-run the same command to resume, or pass --overwrite to start again`,
    exitCodeFor(error),
  );
}

/** Throws Interrupted when Ctrl-C was pressed (for loops between writes). */
export function checkInterrupted(): void {
  if (controller.signal.aborted) throw new Interrupted("interrupted");
}
