/**
 * The scale-out contract on the command line (pyramid.plan / runTask / finalize / status):
 * `zarrsmith convert IN OUT ... --plan-only [--tasks N | --task-size 8GiB]` plans (see convert.ts),
 * `zarrsmith run-task OUT [--task I]` writes one task (I also from the schedulers' array index
 * variables), `zarrsmith finalize OUT` completes the image, `zarrsmith status OUT [--json]`.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { pyramid } from "../../index.js";
import { type InputOptions, openInput } from "../inputs.js";
import { finishOutput, openOutputStore } from "../locations.js";
import { CliError, type GlobalOptions, printResult, reportError } from "../output.js";
import { parseInteger } from "../parse.js";
import { createProgress } from "../progress.js";

/** Array-job index variables of SLURM, LSF, PBS, Kubernetes Indexed Jobs and AWS Batch, in that order. */
export const TASK_INDEX_VARIABLES = [
  "SLURM_ARRAY_TASK_ID",
  "LSB_JOBINDEX",
  "PBS_ARRAY_INDEX",
  "JOB_COMPLETION_INDEX",
  "AWS_BATCH_JOB_ARRAY_INDEX",
] as const;

/** The task index: --task, else the first scheduler variable that is set. */
export function taskIndex(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return parseInteger("--task", flag, 0);
  for (const name of TASK_INDEX_VARIABLES) {
    const v = env[name];
    if (v !== undefined && v !== "") return parseInteger(name, v, 0);
  }
  throw new CliError(
    `no task index: pass --task I or run as an array job (${TASK_INDEX_VARIABLES.join(", ")})`,
  );
}

/** How a task process reopens the input: the convert command's input paths and flags. */
export interface PlannedInput extends InputOptions {
  inputs: string[];
}

const openPlanned = (input: Record<string, unknown>) => {
  const { inputs, ...options } = input as unknown as PlannedInput;
  return openInput(inputs, options);
};

/** `convert --plan-only`: the same options the single-process write would use, as a plan. */
export async function planOnly(
  input: PlannedInput,
  source: Parameters<typeof pyramid.plan>[0],
  output: string,
  options: pyramid.PyramidOptions,
  split: { tasks?: number; taskSize?: number },
  globals: GlobalOptions,
  print = true,
): Promise<number> {
  const { workers: _w, ...rest } = options;
  const plan = await pyramid.plan(source, openOutputStore(output), {
    ...rest,
    // absolute, so that a task process started in another directory finds the input
    input: {
      ...input,
      inputs: input.inputs.map((p) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : resolve(p))),
    } as unknown as Record<string, unknown>,
    ...split,
  });
  const n = plan.tasks.length;
  if (!print) return n; // an executor prints its own result
  printResult(globals, { output, tasks: n, taskLevel: plan.schedule.taskLevel }, () =>
    [
      `Planned ${output}: ${n} task(s) (level ${plan.schedule.taskLevel} chunks each)`,
      `  run      zarrsmith run-task ${output} --task I   (I = 0..${n - 1})`,
      `  then     zarrsmith finalize ${output}`,
    ].join("\n"),
  );
  return n;
}

export function registerTaskCommands(program: Command): void {
  program
    .command("run-task")
    .description("write one task of a planned conversion (convert --plan-only); idempotent")
    .argument("<output>", "the planned output")
    .option(
      "--task <i>",
      "task index (default: SLURM_ARRAY_TASK_ID, LSB_JOBINDEX, PBS_ARRAY_INDEX, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX)",
    )
    .option("--workers <n>", "worker threads")
    .action(async (output: string, flags: { task?: string; workers?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const plan = await pyramid.readPlan(openOutputStore(output));
      const i = taskIndex(flags.task);
      const workers =
        flags.workers === undefined ? undefined : parseInteger("--workers", flags.workers, 0, 256);
      // a bar per level, with the task's own chunks as totals; none with --json or -q
      const progress = createProgress(globals);
      let record: Awaited<ReturnType<typeof pyramid.runTask>>;
      try {
        record = await pyramid.runTask(plan, i, {
          open: openPlanned,
          workers,
          onProgress: ({ level, done, total }) => progress.update(`task ${i} level ${level}`, done, total),
        });
      } finally {
        progress.stop();
      }
      printResult(globals, { output, ...record }, () => {
        const above = record.above.built.reduce((a, b) => a + b, 0);
        return `Task ${i} of ${plan.tasks.length} done (${record.chunksWritten} chunks${above ? `; ${above} above the task level, which it was the last one under` : ""})`;
      });
    });
  program
    .command("finalize")
    .description(
      "check every task's record, write what the tasks left of the levels above them, and the OME metadata (last)",
    )
    .argument("<output>", "the planned output")
    .option("--workers <n>", "worker threads")
    .action(async (output: string, flags: { workers?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const store = openOutputStore(output);
      const plan = await pyramid.readPlan(store);
      const workers =
        flags.workers === undefined ? undefined : parseInteger("--workers", flags.workers, 0, 256);
      try {
        const result = await pyramid.finalize(plan, { open: openPlanned, workers });
        // the single-process convert's last step too (consolidated metadata on object storage),
        // so that both give the same objects
        await finishOutput(output, store);
        printResult(
          globals,
          { output, levels: result.levels },
          () => `Finalized ${output}: ${result.levels.length} levels`,
        );
      } catch (e) {
        if (!(e instanceof pyramid.MissingTasksError)) throw e;
        // exit 1, as for an invalid image: the output is not done yet (usage errors exit 2)
        reportError(e, globals);
        process.exitCode = 1;
      }
    });
  program
    .command("status")
    .description("done and missing tasks of a planned conversion")
    .argument("<output>", "the planned output")
    .option("--json", "print JSON")
    .action(async (output: string, flags: { json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const plan = await pyramid.readPlan(openOutputStore(output));
      const s = await pyramid.status(plan);
      printResult({ ...globals, json: flags.json || globals.json }, s, () =>
        [
          `${output}: ${s.done.length}/${s.tasks} tasks done${s.finalized ? ", finalized" : ""}`,
          ...(s.missing.length ? [`  missing  ${s.missing.join(", ")}`] : []),
        ].join("\n"),
      );
    });
}
