/**
 * AWS Batch array job: child I gets AWS_BATCH_JOB_ARRAY_INDEX=I and runs `zarrsmith run-task OUT`;
 * the finalize job depends on the whole array job (dependsOn without a type waits for every
 * child). Each document is the input of `aws batch submit-job --cli-input-json`; the finalize one
 * holds "<tasks job id>" until the first submission prints its jobId.
 */
import { finalizeCommand, runTaskCommand } from "./task-command.js";

export interface AwsBatchOptions {
  output: string;
  tasks: number;
  jobQueue: string;
  /** A job definition whose image has zarrsmith on PATH. */
  jobDefinition: string;
  name?: string;
  /** Attempts per child (default 3). */
  attempts?: number;
  /** CLI words appended to both commands, e.g. ["--endpoint", "http://minio:9000"] (see runTaskCommand). */
  globalArgs?: string[];
}

export const TASKS_JOB_ID = "<tasks job id>";

export function awsBatchSubmissions(o: AwsBatchOptions) {
  if (!Number.isInteger(o.tasks) || o.tasks < 2 || o.tasks > 10_000)
    throw new Error(`AWS Batch array jobs hold 2 to 10,000 children; tasks is ${o.tasks}`);
  const name = o.name ?? "zarrsmith";
  return {
    tasks: {
      jobName: `${name}-tasks`,
      jobQueue: o.jobQueue,
      jobDefinition: o.jobDefinition,
      arrayProperties: { size: o.tasks },
      retryStrategy: { attempts: o.attempts ?? 3 },
      containerOverrides: { command: runTaskCommand(o.output, undefined, ["zarrsmith"], o.globalArgs) },
    },
    finalize: {
      jobName: `${name}-finalize`,
      jobQueue: o.jobQueue,
      jobDefinition: o.jobDefinition,
      dependsOn: [{ jobId: TASKS_JOB_ID }],
      retryStrategy: { attempts: o.attempts ?? 3 },
      containerOverrides: { command: finalizeCommand(o.output, ["zarrsmith"], o.globalArgs) },
    },
  };
}
