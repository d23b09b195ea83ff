/**
 * Scale-out: one conversion's tasks (`zarrsmith-plan.json`, `run-task`, `finalize`) run on existing
 * engines: SLURM job arrays, a BullMQ queue on Redis, Kubernetes Indexed Jobs, AWS Batch array jobs.
 */
export { type AwsBatchOptions, awsBatchSubmissions, TASKS_JOB_ID } from "./aws-batch.js";
export { type KubernetesOptions, kubernetesManifest } from "./k8s.js";
export { type EnqueueOptions, runOnQueue, startWorker, type WorkerOptions } from "./queue.js";
export { QUEUE, redisConnection, type TaskJob } from "./queue-options.js";
export {
  type SlurmOptions,
  type SlurmScripts,
  type SlurmSubmission,
  slurmScripts,
  submitSlurm,
  waitSlurm,
} from "./slurm.js";
export { EXECUTORS, type Executor, type SubmitOptions, type SubmitResult, submitTasks } from "./submit.js";
export {
  absoluteOutput,
  finalizeCommand,
  PLAN_FILE,
  plannedTasks,
  runTaskCommand,
  runTaskProcess,
  runZarrsmith,
  shellQuote,
  splitArgs,
  zarrsmithCommand,
} from "./task-command.js";
