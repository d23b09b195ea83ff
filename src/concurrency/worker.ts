/**
 * Worker entry: runs codec pipelines (and registered compute functions) off the main thread.
 * Results are compacted and moved back, never cloned with a foreign buffer attached.
 * The link to the pool comes from worker-port.ts (worker_threads) or, in browser bundles,
 * worker-port.browser.ts (Web Workers).
 */
import type { NDArray } from "../ndarray.js";
import { writeInThread } from "../store/thread-io.js";
import { decodeSourceInto, encodeToStore, pipelineFor } from "./descriptor.js";
import {
  collectTransferables,
  compact,
  detachedFrom,
  type TaskRequest,
  type TaskResponse,
  transferablesOf,
} from "./messages.js";
import { callExport } from "./modules.js";
import { hostPort } from "./worker-port.js";

const port = hostPort();

async function run(task: TaskRequest): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  if (task.op === "encode") {
    const encoded = await pipelineFor(task.desc).encode(task.chunk);
    const bytes = compact(detachedFrom(encoded, task.chunk.data));
    return { result: bytes, transfer: transferablesOf(bytes) };
  }
  if (task.op === "encodeStore") {
    return { result: await encodeToStore(task.desc, task.chunk, task.target), transfer: [] };
  }
  if (task.op === "store") {
    writeInThread(task.target.store, task.target.key, task.pieces);
    return { result: undefined, transfer: [] };
  }
  if (task.op === "decode") {
    const arr = await pipelineFor(task.desc).decode(task.bytes);
    const data = compact(arr.data);
    return { result: { ...arr, data } satisfies NDArray, transfer: transferablesOf(data) };
  }
  if (task.op === "decodeInto") {
    return { result: await decodeSourceInto(task.desc, task.source, task), transfer: [] };
  }
  const result = await callExport(task.module, task.fn, task.args);
  return { result, transfer: collectTransferables(result) };
}

/** The error's own fields that can cross to the pool (the class is rebuilt there from its name). */
function cloneableFields(err: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(err)) {
    if (name === "cause") continue;
    try {
      fields[name] = structuredClone(value);
    } catch {
      // not cloneable (a function, a handle): dropped
    }
  }
  return fields;
}

port.onMessage((task: TaskRequest) => {
  run(task).then(
    ({ result, transfer }) => port.post({ id: task.id, ok: true, result } satisfies TaskResponse, transfer),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      const { code, key } = err as { code?: unknown; key?: unknown };
      port.post({
        id: task.id,
        ok: false,
        error: {
          name: err.name,
          message: err.message,
          code: typeof code === "string" ? code : undefined,
          key: typeof key === "string" ? key : undefined,
          stack: err.stack,
          fields: cloneableFields(err),
        },
      } satisfies TaskResponse);
    },
  );
});
