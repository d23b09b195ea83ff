/**
 * The one contract every executor runs: `zarrsmith run-task OUT` (the task index from the
 * scheduler's own variable, or `--task I`) on every task, then `zarrsmith finalize OUT` once.
 * Schedulers start jobs in a fresh shell, so the commands name this very node and zarrsmith by
 * absolute path.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PLAN_FILE } from "../pyramid/reserved.js";

/** Where a conversion's plan lives in its output (written by `convert --plan-only`). */
export { PLAN_FILE };

/** `node /abs/dist/cli/main.js`: this process's node and the CLI beside this module. */
export function zarrsmithCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL("../cli/main.js", import.meta.url))];
}

/** An output location as jobs on other machines must see it: URLs as given, paths made absolute. */
export function absoluteOutput(output: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(output) || isAbsolute(output) ? output : resolve(output);
}

/**
 * `zarrsmith run-task OUT [--task I] ...globalArgs`. `globalArgs` are CLI words every job needs to
 * reach the data as the submitting command did, e.g. the S3 flags `["--endpoint", URL]` (never
 * credentials: jobs take those from their environment or profile). They are data here; the CLI
 * builds them from its own flags.
 */
export function runTaskCommand(
  output: string,
  task?: number,
  base: readonly string[] = zarrsmithCommand(),
  globalArgs: readonly string[] = [],
): string[] {
  return [
    ...base,
    "run-task",
    output,
    ...(task === undefined ? [] : ["--task", String(task)]),
    ...globalArgs,
  ];
}

/** `zarrsmith finalize OUT ...globalArgs` (see runTaskCommand). */
export function finalizeCommand(
  output: string,
  base: readonly string[] = zarrsmithCommand(),
  globalArgs: readonly string[] = [],
): string[] {
  return [...base, "finalize", output, ...globalArgs];
}

/** The number of tasks in a local output's plan; the error names the file and what is wrong. */
export function plannedTasks(output: string): number {
  const file = join(output, PLAN_FILE);
  if (!existsSync(file))
    throw new Error(`${file} is missing: plan the conversion first (zarrsmith convert IN OUT --plan-only)`);
  let plan: { tasks?: unknown };
  try {
    plan = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(plan.tasks) || plan.tasks.length === 0)
    throw new Error(`${file}: "tasks" must be a non-empty list of tasks`);
  return plan.tasks.length;
}

/** A POSIX-shell word: left bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Splits a flag value such as `--slurm-args "-p gpu --time=01:00:00 --comment='a b'"` into words
 * as a shell would (single and double quotes, backslash escapes; no expansion).
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in "${text}"`);
  if (word !== undefined) words.push(word);
  return words;
}

/** `zarrsmith --quiet ARGS...` as a child process; rejects with the last lines of its stderr. */
export function runZarrsmith(args: string[]): Promise<void> {
  const [cmd, ...base] = zarrsmithCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...base, "--quiet", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => {
      err = (err + d).slice(-4000);
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `zarrsmith ${args.join(" ")} exited ${signal ?? code}: ${err.trim().split("\n").slice(-3).join(" ")}`,
          ),
        );
    });
  });
}

/**
 * `zarrsmith run-task OUT --task I ...globalArgs` in a child process: a task's memory ends with it.
 * `globalArgs`: see runTaskCommand (a worker passes its own S3 flags on).
 */
export function runTaskProcess(
  job: { output: string; task: number },
  globalArgs: readonly string[] = [],
): Promise<void> {
  return runZarrsmith(runTaskCommand(job.output, job.task, [], globalArgs));
}
