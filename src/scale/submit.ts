/**
 * One entry for every executor: given a planned output (its task count), submit its tasks and
 * finalize to the chosen engine, or with `dryRun` return what would be submitted.
 */
import { type AwsBatchOptions, awsBatchSubmissions } from "./aws-batch.js";
import { kubernetesManifest } from "./k8s.js";
import { runOnQueue } from "./queue.js";
import { type SlurmSubmission, slurmScripts, submitSlurm, waitSlurm } from "./slurm.js";
import { shellQuote } from "./task-command.js";

export const EXECUTORS = ["slurm", "bullmq", "k8s", "aws-batch"] as const;
export type Executor = (typeof EXECUTORS)[number];

export interface SubmitOptions {
  executor: Executor;
  /** The output as every job sees it (absolute path or URL). */
  output: string;
  tasks: number;
  dryRun?: boolean;
  /** slurm: wait for the finalize job (bullmq always waits: it finalizes itself). */
  wait?: boolean;
  sbatchArgs?: string[];
  redis?: string;
  image?: string;
  jobQueue?: string;
  jobDefinition?: string;
  /**
   * CLI words appended to every generated run-task / finalize command (slurm, k8s, aws-batch), e.g.
   * the submitting command's S3 flags ["--endpoint", "http://minio:9000"]; never credentials. bullmq
   * jobs carry none: each `zarrsmith worker` passes its own flags to its tasks.
   */
  globalArgs?: string[];
  /** bullmq: runs `finalize` once every task completed. */
  finalize?: () => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

export type SubmitResult =
  | { executor: "slurm"; dryRun: true; scripts: { tasks: string; finalize: string }; commands: string[] }
  | ({ executor: "slurm"; dryRun: false; waited: boolean } & SlurmSubmission)
  | { executor: "bullmq"; dryRun: false; tasks: number; finalized: boolean }
  | { executor: "k8s"; dryRun: true; manifest: ReturnType<typeof kubernetesManifest> }
  | { executor: "aws-batch"; dryRun: true; submissions: ReturnType<typeof awsBatchSubmissions> };

const DRY_ONLY = "can only print what to submit (--dry-run): no cluster of that kind is driven from here";

export async function submitTasks(o: SubmitOptions): Promise<SubmitResult> {
  switch (o.executor) {
    case "slurm": {
      const slurm = { output: o.output, tasks: o.tasks, sbatchArgs: o.sbatchArgs, globalArgs: o.globalArgs };
      if (o.dryRun) {
        const extra = (o.sbatchArgs ?? []).map(shellQuote);
        return {
          executor: "slurm",
          dryRun: true,
          scripts: slurmScripts(slurm),
          commands: [
            ["sbatch", "--parsable", ...extra, "tasks.sh"].join(" "),
            ["sbatch", "--parsable", ...extra, "--dependency=afterok:<tasks job id>", "finalize.sh"].join(
              " ",
            ),
          ],
        };
      }
      const ids = submitSlurm(slurm);
      if (o.wait) await waitSlurm(ids, o.tasks, { onProgress: o.onProgress });
      return { executor: "slurm", dryRun: false, waited: !!o.wait, ...ids };
    }
    case "bullmq": {
      if (o.dryRun)
        throw new Error("--executor bullmq has no --dry-run: its jobs are queue entries, not scripts");
      if (!o.redis) throw new Error("--executor bullmq needs --redis redis://host:port");
      await runOnQueue({ redis: o.redis, output: o.output, tasks: o.tasks, onProgress: o.onProgress });
      if (o.finalize) await o.finalize();
      return { executor: "bullmq", dryRun: false, tasks: o.tasks, finalized: !!o.finalize };
    }
    case "k8s":
      if (!o.dryRun) throw new Error(`--executor k8s ${DRY_ONLY}`);
      return {
        executor: "k8s",
        dryRun: true,
        manifest: kubernetesManifest({
          output: o.output,
          tasks: o.tasks,
          image: o.image ?? "zarrsmith:latest",
          globalArgs: o.globalArgs,
        }),
      };
    case "aws-batch": {
      if (!o.dryRun) throw new Error(`--executor aws-batch ${DRY_ONLY}`);
      const aws: AwsBatchOptions = {
        output: o.output,
        tasks: o.tasks,
        jobQueue: o.jobQueue ?? "<job queue>",
        jobDefinition: o.jobDefinition ?? "<job definition>",
        globalArgs: o.globalArgs,
      };
      return { executor: "aws-batch", dryRun: true, submissions: awsBatchSubmissions(aws) };
    }
  }
}
