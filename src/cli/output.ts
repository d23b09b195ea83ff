/**
 * How every command talks to the user: results on stdout (human text, or one JSON document with
 * --json), progress and messages on stderr, one-line errors with a documented exit code.
 */

import { CorruptChunkError, SpecError, stringifyJSON, ZarrsmithError } from "../index.js";

export const EXIT = {
  ok: 0,
  /** The command ran but the answer is "no" (validate found errors) or the work failed. */
  failed: 1,
  /** Bad flags or arguments, a missing or unreadable input, an output that exists without --overwrite. */
  usage: 2,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** An error the CLI reports as one line with a chosen exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Exit code for an error thrown by the library or the CLI. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ZarrsmithError) {
    return [
      "invalid_spec",
      "invalid_key",
      "invalid_selection",
      "invalid_value",
      "not_found",
      "exists",
      "unsupported",
    ].includes(error.code)
      ? EXIT.usage
      : EXIT.failed;
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "ENOTDIR") return EXIT.usage;
  return EXIT.failed;
}

/** An error as one line: a SpecError's list of broken rules is joined with "; ". */
export function oneLine(error: unknown): string {
  if (error instanceof SpecError) {
    const head = error.message.split("\n")[0].replace(/:$/, "");
    return `${head}: ${error.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ");
}

/**
 * Prints an error as one line on stderr (plus the stack with --debug); with --json also one JSON
 * document on stdout, `{"ok": false, "error": {...}}`, so a script reading stdout always gets one.
 */
export function reportError(error: unknown, options: GlobalOptions): void {
  process.stderr.write(`zarrsmith: ${oneLine(error)}\n`);
  if (options.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  if (options.json) printJSONError(error, exitCodeFor(error));
}

/** The `{"ok": false, "error": {...}}` document of --json. */
export function printJSONError(error: unknown, exitCode: number): void {
  const code = error instanceof ZarrsmithError ? error.code : (error as { code?: unknown })?.code;
  const body = {
    ok: false,
    error: {
      message: oneLine(error),
      exitCode,
      ...(typeof code === "string" && { code }),
      ...(error instanceof SpecError && { issues: error.issues }),
      ...(error instanceof CorruptChunkError && { key: error.key }),
    },
  };
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
}

/** Prints the command's result: JSON with --json, else the human text (nothing extra with -q). */
export function printResult(options: GlobalOptions, json: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${stringifyJSON(json, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** Human-readable byte sizes. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
