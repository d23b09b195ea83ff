/**
 * The scale-out flags shared by `convert --executor` and `submit`: parsed here, run by
 * scale/submitTasks (the library), printed as the result.
 */
import { type Command, Option } from "commander";
import { scale, stringifyJSON } from "../index.js";
import { checkRedisURL } from "./commands/worker.js";
import { CliError, EXIT, type GlobalOptions, printResult } from "./output.js";
import { createProgress } from "./progress.js";
import { s3Args } from "./s3-flags.js";

export interface ExecutorFlags {
  executor?: string;
  dryRun?: boolean;
  wait?: boolean;
  slurmArgs?: string;
  redis?: string;
  image?: string;
  jobQueue?: string;
  jobDefinition?: string;
}

export function addExecutorOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--executor <engine>",
        "run the tasks on: slurm (job array + finalize job), bullmq (a Redis queue served by `zarrsmith worker`), k8s or aws-batch (with --dry-run: the manifest / submissions to apply)",
      ).choices([...scale.EXECUTORS]),
    )
    .option("--dry-run", "with --executor: print the batch scripts / manifest instead of submitting")
    .option("--wait", "with --executor slurm: wait until the finalize job has finished")
    .option("--slurm-args <args>", 'extra sbatch options for both jobs, e.g. "-p long --time=04:00:00"')
    .option("--redis <url>", "with --executor bullmq: the queue's Redis, e.g. redis://host:6379")
    .option(
      "--image <image>",
      "with --executor k8s: container image with zarrsmith on PATH",
      "zarrsmith:latest",
    )
    .option("--job-queue <name>", "with --executor aws-batch: the AWS Batch job queue")
    .option(
      "--job-definition <name>",
      "with --executor aws-batch: a job definition whose image has zarrsmith",
    );
}

/** Flags that need --executor, or a particular one, named when given without it. */
export function checkExecutorFlags(flags: ExecutorFlags, cmd: Command): scale.Executor | undefined {
  const given = (name: string) => cmd.getOptionValueSource(name) === "cli";
  const executor = flags.executor as scale.Executor | undefined;
  const needs: Array<[string, string, scale.Executor[]]> = [
    ["dryRun", "--dry-run", ["slurm", "k8s", "aws-batch"]],
    ["wait", "--wait", ["slurm"]],
    ["slurmArgs", "--slurm-args", ["slurm"]],
    ["redis", "--redis", ["bullmq"]],
    ["image", "--image", ["k8s"]],
    ["jobQueue", "--job-queue", ["aws-batch"]],
    ["jobDefinition", "--job-definition", ["aws-batch"]],
  ];
  for (const [key, flag, executors] of needs) {
    if (given(key) && (executor === undefined || !executors.includes(executor)))
      throw new CliError(`${flag} is for --executor ${executors.join(" or ")}`);
  }
  if (executor === "bullmq" && !flags.redis)
    throw new CliError("--executor bullmq needs --redis redis://host:port");
  if (flags.redis !== undefined) checkRedisURL(flags.redis);
  if ((executor === "k8s" || executor === "aws-batch") && !flags.dryRun)
    throw new CliError(
      `--executor ${executor} needs --dry-run: it prints what to apply, no cluster is driven from here`,
    );
  if (flags.dryRun && flags.wait) throw new CliError("--dry-run and --wait exclude each other");
  return executor;
}

/** Submits (or prints) a planned output's tasks on the chosen executor and prints the result. */
export async function runExecutor(
  executor: scale.Executor,
  output: string,
  tasks: number,
  flags: ExecutorFlags,
  globals: GlobalOptions,
): Promise<scale.SubmitResult> {
  let sbatchArgs: string[] | undefined;
  try {
    sbatchArgs = flags.slurmArgs === undefined ? undefined : scale.splitArgs(flags.slurmArgs);
  } catch (e) {
    throw new CliError(`--slurm-args: ${(e as Error).message}`);
  }
  // the jobs reach s3:// locations (input or output) as this command does: same endpoint, region, ...
  const globalArgs = s3Args();
  const progress = createProgress(globals, "tasks");
  let result: scale.SubmitResult;
  try {
    result = await scale.submitTasks({
      executor,
      output,
      tasks,
      dryRun: flags.dryRun,
      wait: flags.wait,
      sbatchArgs,
      redis: flags.redis,
      image: flags.image,
      jobQueue: flags.jobQueue,
      jobDefinition: flags.jobDefinition,
      globalArgs,
      finalize: () => scale.runZarrsmith(scale.finalizeCommand(output, [], globalArgs)),
      onProgress: (done, total) => progress.update(executor, done, total),
    });
  } catch (e) {
    throw e instanceof CliError ? e : new CliError((e as Error).message, EXIT.failed);
  } finally {
    progress.stop();
  }
  printResult(globals, { output, tasks, ...result }, () => describe(result, output, tasks, globalArgs));
  return result;
}

function describe(r: scale.SubmitResult, output: string, tasks: number, globalArgs: string[]): string {
  switch (r.executor) {
    case "slurm":
      if (r.dryRun)
        return [
          `# tasks.sh (${tasks} tasks); submit with: ${r.commands[0]}`,
          r.scripts.tasks,
          `# finalize.sh; submit with: ${r.commands[1]}`,
          r.scripts.finalize,
        ].join("\n");
      return [
        `Submitted ${output}: SLURM array job ${r.arrayJobId} (${tasks} tasks), finalize job ${r.finalizeJobId} (afterok:${r.arrayJobId})`,
        r.waited
          ? "  finalize job completed"
          : `  follow with: squeue -j ${r.arrayJobId},${r.finalizeJobId}; ${["zarrsmith", "status", output, ...globalArgs].map(scale.shellQuote).join(" ")}`,
      ].join("\n");
    case "bullmq":
      return `Ran ${output}: ${tasks} tasks on the BullMQ queue, then finalize`;
    case "k8s":
      return stringifyJSON(r.manifest, 2);
    case "aws-batch":
      return stringifyJSON(r.submissions, 2);
  }
}
