/**
 * Refuses a conversion plan that is absurd for its input before anything is written: one that would
 * read or write more objects than any store handles in reasonable time (a Zarr input of 1,000,000^3
 * one-byte chunks, an output of trillions of chunks), which would otherwise start and run until
 * killed. What is counted is stored objects: chunks, or shards when the output is sharded (a shard
 * is one object however many chunks it holds). `force` skips the check for a plan that really is
 * meant.
 */
import { ValueError } from "../errors.js";

/**
 * Stored objects (chunks, or shards when sharded) a conversion may read or write without `force`
 * (far beyond any real image on one machine).
 */
export const MAX_PLAN_CHUNKS = 100_000_000;

export interface PlanToCheck {
  /**
   * Shape, chunk shape and (when sharded) shard shape of every array written (one per pyramid
   * level): the objects written are its shards when it has them, else its chunks.
   */
  outputs: ReadonlyArray<{ shape: readonly number[]; chunks: readonly number[]; shards?: readonly number[] }>;
  /** The source's shape and storage chunk shape, when it is a chunked array (a Zarr input). */
  input?: { shape: readonly number[]; chunks: readonly number[] };
  force?: boolean;
}

function chunkCount(shape: readonly number[], chunks: readonly number[]): number {
  return shape.reduce((n, s, i) => n * Math.ceil(s / Math.max(1, chunks[i] ?? s)), 1);
}

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });

/** Throws a ValueError naming the counts and the limit unless the plan is within MAX_PLAN_CHUNKS or `force`. */
export function checkPlan(plan: PlanToCheck): void {
  if (plan.force) return;
  const written = plan.outputs.reduce((n, o) => n + chunkCount(o.shape, o.shards ?? o.chunks), 0);
  const why: string[] = [];
  if (written > MAX_PLAN_CHUNKS) {
    const o = plan.outputs[0];
    why.push(
      o.shards
        ? `it would write ${fmt(written)} objects (shards; level 0: shape ${o.shape.join("x")} in shards of ${o.shards.join("x")}, chunks of ${o.chunks.join("x")} inside)`
        : `it would write ${fmt(written)} chunks (level 0: shape ${o.shape.join("x")} in chunks of ${o.chunks.join("x")})`,
    );
  }
  if (plan.input) {
    const read = chunkCount(plan.input.shape, plan.input.chunks);
    if (read > MAX_PLAN_CHUNKS) {
      why.push(
        `it would read ${fmt(read)} input chunks (shape ${plan.input.shape.join("x")} in chunks of ${plan.input.chunks.join("x")})`,
      );
    }
  }
  if (why.length > 0) {
    throw new ValueError(
      `refusing this conversion: ${why.join("; ")}, more than the limit of ${fmt(MAX_PLAN_CHUNKS)}; choose larger chunks${plan.outputs[0]?.shards ? " or shards" : " (or shards: a shard is one object)"} or a smaller input, or pass force (--force) if it is really meant`,
    );
  }
}

/** The storage chunk shape of a source that is a chunked array (a ZarrArray), else undefined. */
export function inputChunks(source: unknown): { shape: number[]; chunks: number[] } | undefined {
  const s = source as { shape?: unknown; storageChunkShape?: unknown };
  return Array.isArray(s?.shape) && Array.isArray(s.storageChunkShape)
    ? { shape: s.shape as number[], chunks: s.storageChunkShape as number[] }
    : undefined;
}
