/**
 * Worker thread entry: runs codec pipelines (and registered compute functions) off the main thread.
 * Results are compacted and moved back, never cloned with a foreign buffer attached.
 */
import { parentPort } from "node:worker_threads";
import type { NDArray } from "../ndarray.js";
import { pipelineFor } from "./descriptor.js";
import {
  collectTransferables,
  compact,
  type TaskRequest,
  type TaskResponse,
  transferablesOf,
} from "./messages.js";

if (!parentPort) throw new Error("concurrency/worker must run as a worker thread");
const port = parentPort;

async function run(task: TaskRequest): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  if (task.op === "encode") {
    const bytes = compact(await pipelineFor(task.desc).encode(task.chunk));
    return { result: bytes, transfer: transferablesOf(bytes) };
  }
  if (task.op === "decode") {
    const arr = await pipelineFor(task.desc).decode(task.bytes);
    const data = compact(arr.data);
    return { result: { ...arr, data } satisfies NDArray, transfer: transferablesOf(data) };
  }
  const mod = (await import(task.module)) as Record<string, (...args: unknown[]) => unknown>;
  const fn = mod[task.fn];
  if (typeof fn !== "function") throw new Error(`${task.module} has no function ${task.fn}`);
  const result = await fn(...task.args);
  return { result, transfer: collectTransferables(result) };
}

port.on("message", (task: TaskRequest) => {
  run(task).then(
    ({ result, transfer }) =>
      port.postMessage({ id: task.id, ok: true, result } satisfies TaskResponse, transfer),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      const code = (err as { code?: unknown }).code;
      port.postMessage({
        id: task.id,
        ok: false,
        error: {
          name: err.name,
          message: err.message,
          code: typeof code === "string" ? code : undefined,
          stack: err.stack,
        },
      } satisfies TaskResponse);
    },
  );
});
