/**
 * Kubernetes Indexed Job (batch/v1, completionMode Indexed): pod I gets JOB_COMPLETION_INDEX=I and
 * runs `zarrsmith run-task OUT`; a second, plain Job runs `zarrsmith finalize OUT` once the first is
 * complete (Kubernetes has no job dependencies: `kubectl wait --for=condition=complete` between).
 * The output must be where every pod sees it: an s3:// URL or a path on a shared volume.
 */
import { finalizeCommand, runTaskCommand } from "./task-command.js";

export interface KubernetesOptions {
  output: string;
  tasks: number;
  /** Container image with zarrsmith on PATH. */
  image: string;
  /** Pods at once (default: min(tasks, 16)). */
  parallelism?: number;
  /** Retries per index before the index counts as failed (default 3). */
  backoffLimitPerIndex?: number;
  name?: string;
  /** Extra environment for the pods (e.g. AWS_REGION for an s3:// output). */
  env?: Record<string, string>;
  /** CLI words appended to both commands, e.g. ["--endpoint", "http://minio:9000"] (see runTaskCommand). */
  globalArgs?: string[];
}

function pod(o: KubernetesOptions, command: string[]) {
  return {
    spec: {
      restartPolicy: "Never",
      containers: [
        {
          name: "zarrsmith",
          image: o.image,
          command,
          ...(o.env && { env: Object.entries(o.env).map(([name, value]) => ({ name, value })) }),
        },
      ],
    },
  };
}

/** A `v1 List` of the two Jobs, as `kubectl apply -f` takes it (JSON is valid YAML). */
export function kubernetesManifest(o: KubernetesOptions) {
  if (!Number.isInteger(o.tasks) || o.tasks < 1)
    throw new Error(`tasks must be a positive integer, got ${o.tasks}`);
  const name = o.name ?? "zarrsmith";
  const labels = { "app.kubernetes.io/name": "zarrsmith" };
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: `${name}-tasks`, labels },
        spec: {
          completionMode: "Indexed",
          completions: o.tasks,
          parallelism: o.parallelism ?? Math.min(o.tasks, 16),
          backoffLimitPerIndex: o.backoffLimitPerIndex ?? 3,
          maxFailedIndexes: 0,
          template: pod(o, runTaskCommand(o.output, undefined, ["zarrsmith"], o.globalArgs)),
        },
      },
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: `${name}-finalize`, labels },
        spec: {
          completions: 1,
          backoffLimit: 3,
          template: pod(o, finalizeCommand(o.output, ["zarrsmith"], o.globalArgs)),
        },
      },
    ],
  };
}
