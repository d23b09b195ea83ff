/**
 * SLURM job arrays: one array job whose element I runs `zarrsmith run-task OUT` (the index from
 * SLURM_ARRAY_TASK_ID), and a finalize job that starts only when every element succeeded
 * (`--dependency=afterok:<array job>`). zarrsmith only writes the two batch scripts and calls
 * `sbatch`; SLURM does the scheduling, retries are the user's `--requeue`/resubmission.
 */
import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { finalizeCommand, runTaskCommand, shellQuote } from "./task-command.js";

export interface SlurmOptions {
  output: string;
  tasks: number;
  /** Extra sbatch options for both jobs, e.g. ["-p", "gpu", "--time=02:00:00"]. */
  sbatchArgs?: string[];
  /** The command prefix that runs zarrsmith (default: this node and this CLI, absolute paths). */
  command?: string[];
  /** CLI words appended to both jobs' commands, e.g. ["--endpoint", "http://minio:9000"] (see runTaskCommand). */
  globalArgs?: string[];
  /** Job name (default "zarrsmith"). */
  name?: string;
  env?: NodeJS.ProcessEnv;
}

export interface SlurmScripts {
  /** The array job's script (its #SBATCH lines carry --array=0-(tasks-1)). */
  tasks: string;
  /** The finalize job's script; submitted with --dependency=afterok:<array job id>. */
  finalize: string;
}

/** The user's sbatch options go on the sbatch command line (parsed by sbatch as always), not here. */
function script(directives: string[], command: string[]): string {
  return [
    "#!/bin/sh",
    ...directives.map((d) => `#SBATCH ${d}`),
    `exec ${command.map(shellQuote).join(" ")}`,
    "",
  ].join("\n");
}

export function slurmScripts(o: SlurmOptions): SlurmScripts {
  if (!Number.isInteger(o.tasks) || o.tasks < 1)
    throw new Error(`tasks must be a positive integer, got ${o.tasks}`);
  const name = o.name ?? "zarrsmith";
  return {
    tasks: script(
      [`--job-name=${name}-tasks`, `--array=0-${o.tasks - 1}`],
      runTaskCommand(o.output, undefined, o.command, o.globalArgs),
    ),
    finalize: script([`--job-name=${name}-finalize`], finalizeCommand(o.output, o.command, o.globalArgs)),
  };
}

function sbatch(args: string[], stdin: string, env: NodeJS.ProcessEnv | undefined): string {
  const r = spawnSync("sbatch", ["--parsable", ...args], { input: stdin, encoding: "utf8", env });
  if (r.error) throw new Error(`sbatch could not be run (${r.error.message}); is SLURM installed here?`);
  if (r.status !== 0) throw new Error(`sbatch ${args.join(" ")} failed: ${r.stderr.trim()}`);
  // --parsable prints "jobid" or "jobid;cluster"
  const id = r.stdout.trim().split(";")[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed "${r.stdout.trim()}", not a job id`);
  return id;
}

export interface SlurmSubmission {
  arrayJobId: string;
  finalizeJobId: string;
}

/** Submits the array job, then the finalize job depending on it; returns both job ids. */
export function submitSlurm(o: SlurmOptions): SlurmSubmission {
  const scripts = slurmScripts(o);
  const extra = o.sbatchArgs ?? [];
  const arrayJobId = sbatch(extra, scripts.tasks, o.env);
  const finalizeJobId = sbatch([...extra, `--dependency=afterok:${arrayJobId}`], scripts.finalize, o.env);
  return { arrayJobId, finalizeJobId };
}

/** `scontrol show job -o ID` as key=value pairs (of the first line: an array shows one per element). */
function jobFields(id: string, env: NodeJS.ProcessEnv | undefined): Map<string, string>[] {
  const r = spawnSync("scontrol", ["show", "job", "-o", id], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`scontrol show job ${id} failed: ${r.stderr.trim()}`);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map(
      (line) =>
        new Map(line.split(" ").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])),
    );
}

/**
 * Waits for the finalize job: resolves when it completed, throws when it failed or can never run
 * (an array element failed: the afterok dependency is then never satisfied, and the finalize job
 * is cancelled so it does not stay queued). `onProgress` gets the finished array elements.
 */
export async function waitSlurm(
  s: SlurmSubmission,
  tasks: number,
  o: { env?: NodeJS.ProcessEnv; pollMs?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<void> {
  for (;;) {
    const fin = jobFields(s.finalizeJobId, o.env)[0];
    const state = fin?.get("JobState");
    if (o.onProgress) {
      const elements = jobFields(s.arrayJobId, o.env);
      const running = elements
        .filter((e) => /PENDING|RUNNING|CONFIGURING|COMPLETING/.test(e.get("JobState") ?? ""))
        .reduce(
          // a pending remainder shows as one line "ArrayTaskId=3-7"
          (n, e) => n + rangeSize(e.get("ArrayTaskId") ?? ""),
          0,
        );
      o.onProgress(state === "COMPLETED" ? tasks : Math.max(0, tasks - running), tasks);
    }
    if (state === "COMPLETED") return;
    if (state === "PENDING" && fin?.get("Reason") === "DependencyNeverSatisfied") {
      spawnSync("scancel", [s.finalizeJobId], { env: o.env });
      const failed = jobFields(s.arrayJobId, o.env)
        .filter((e) => e.get("JobState") !== "COMPLETED")
        .map((e) => e.get("ArrayTaskId"));
      throw new Error(
        `SLURM array job ${s.arrayJobId}: task(s) ${failed.join(", ")} failed, so finalize job ${s.finalizeJobId} was cancelled; see their logs, then re-run the failed tasks (zarrsmith run-task OUT --task I) and zarrsmith finalize OUT`,
      );
    }
    if (state && !/PENDING|RUNNING|CONFIGURING|COMPLETING/.test(state))
      throw new Error(
        `SLURM finalize job ${s.finalizeJobId} ended ${state} (exit ${fin?.get("ExitCode")}); see its log`,
      );
    await sleep(o.pollMs ?? 1000);
  }
}

function rangeSize(ids: string): number {
  // "3", "3-7", "3-7%2", "1,4-5"
  return ids
    .replace(/%\d+$/, "")
    .split(",")
    .filter(Boolean)
    .reduce((n, part) => {
      const [a, b] = part.split("-").map(Number);
      return n + (b === undefined ? 1 : b - a + 1);
    }, 0);
}
