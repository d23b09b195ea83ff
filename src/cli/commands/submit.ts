/**
 * `zarrsmith submit OUT --executor E` — runs an already planned output (`convert --plan-only`)
 * on an executor: the same as `convert --executor E` without planning again.
 */
import type { Command } from "commander";
import { scale } from "../../index.js";
import {
  addExecutorOptions,
  checkExecutorFlags,
  type ExecutorFlags,
  runExecutor,
} from "../executor-flags.js";
import { CliError, type GlobalOptions } from "../output.js";

export function registerSubmit(program: Command): void {
  addExecutorOptions(
    program
      .command("submit")
      .description(
        "run a planned output's tasks and finalize on SLURM or BullMQ (or print a k8s / AWS Batch submission)",
      )
      .argument("<output>", "an output planned with convert --plan-only"),
  ).action(async (out: string, flags: ExecutorFlags, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    const executor = checkExecutorFlags(flags, cmd);
    if (!executor) throw new CliError("submit needs --executor slurm|bullmq|k8s|aws-batch");
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(out))
      throw new CliError(
        `submit reads a local output's plan; for ${out} use convert --executor (it plans first)`,
      );
    const output = scale.absoluteOutput(out);
    let tasks: number;
    try {
      tasks = scale.plannedTasks(output);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    await runExecutor(executor, output, tasks, flags, globals);
  });
}
