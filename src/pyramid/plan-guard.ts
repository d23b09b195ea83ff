/**
 * Refuses a conversion plan that is absurd for its input before anything is written: one that would
 * read or write more objects than any store handles in reasonable time (a Zarr input of 1,000,000^3
 * one-byte chunks, an output of trillions of chunks), which would otherwise start and run until
 * killed. What is counted is stored objects: chunks, or shards when the output is sharded (a shard
 * is one object however many chunks it holds). `force` skips the check for a plan that really is
 * meant.
 */
import { type DataType, itemSize } from "../dtype/index.js";
import { ValueError } from "../errors.js";
import { clipShards } from "../indexing/grid.js";
import { type DownsampleMethod, haloFor } from "./downsample/index.js";

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

/**
 * Peak bytes per byte of block input in flight: a block costs several times its input (the input,
 * its encoded chunks, twice while they are copied out of the encoder's buffer, the copy received
 * back, and garbage the worker has not collected yet; measured peaks are ~5x). The pyramid writer
 * budgets memoryTarget / (blocks in flight x this) per block.
 */
export const BLOCK_OVERHEAD = 6;

/** The default memory target of a pyramid write (`memoryTarget`, CLI `--memory-target`). */
export const DEFAULT_MEMORY_TARGET = 256 * 2 ** 20;

export interface ShardMemoryToCheck {
  /** Every level written: shape, chunk and shard shape (none: not sharded), factors from the level below. */
  levels: ReadonlyArray<{
    shape: readonly number[];
    chunks: readonly number[];
    shards?: readonly number[];
    factors: readonly number[];
  }>;
  dtype: DataType;
  method: DownsampleMethod;
  memoryTarget?: number;
  /** Peak bytes per byte of block input (default BLOCK_OVERHEAD, the pyramid writer's). */
  overhead?: number;
}

const size = (n: number) => {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  for (let v = n; v >= 1024 && i < units.length - 1; v /= 1024) i++;
  return i === 0 ? `${fmt(n)} bytes` : `${(n / 1024 ** i).toFixed(1).replace(/\.0$/, "")} ${units[i]}`;
};

/**
 * Refuses a sharded pyramid whose smallest unit of work cannot stay within the memory target. A
 * shard is written whole, so a block is never smaller than one: a level-0 block is a level-0
 * shard of the source, and a block of level k >= 1 is a level-k shard's region of level k-1 (its
 * shard times the downsampling factors, plus the kernel's reach for gaussian). One such block in
 * flight takes about BLOCK_OVERHEAD times its input; when that alone is more than the target, the
 * write would exceed the target whatever it does (measured: 256³ uint16 shards took 0.7 GiB with a
 * 64 MiB target), so it is refused before anything is written, naming the shard, its bytes, the
 * block, the target and what would fit. Unsharded outputs are not checked: their blocks shrink
 * with the budget down to one chunk, a few MiB at most for any sensible chunk shape.
 */
export function checkShardMemory(o: ShardMemoryToCheck): void {
  const target = o.memoryTarget ?? DEFAULT_MEMORY_TARGET;
  if (!o.levels[0]?.shards) return; // all levels are sharded or none
  const overhead = o.overhead ?? BLOCK_OVERHEAD;
  const worst = largestBlock(o, (l) => l.shards as readonly number[]);
  const need = worst.bytes * overhead;
  if (need <= target) return;
  const item = itemSize(o.dtype);
  const l0 = o.levels[0];
  const shard0 = l0.shards as readonly number[];
  const shard0Bytes = shard0.map((s, i) => Math.min(s, l0.shape[i])).reduce((a, b) => a * b, item);
  const block =
    worst.level === 0
      ? `one level-0 shard (${size(worst.bytes)})`
      : `${worst.block.join("x")} voxels of level ${worst.level - 1} (${size(worst.bytes)}: one level-${worst.level} shard's region)`;
  const fits = smallerShards(o, target);
  throw new ValueError(
    `shards of ${shard0.join("x")} (${size(shard0Bytes)} of ${o.dtype} each, uncompressed) do not fit the memory target of ${size(target)}: the smallest block the conversion works on is ${block}, and a block takes about ${overhead}x its input in memory (${size(need)}); choose smaller shards (--shards${fits ? ` ${fits.join(",")} fits` : ""}) or a memory target of at least ${size(need)} (--memory-target / memoryTarget)`,
  );
}

/** The largest smallest-block of any level (see checkShardMemory), with `shards(level)` as shard shape. */
function largestBlock(
  o: ShardMemoryToCheck,
  shards: (level: ShardMemoryToCheck["levels"][number]) => readonly number[],
): { level: number; block: number[]; bytes: number } {
  const item = itemSize(o.dtype);
  let worst = { level: 0, block: [] as number[], bytes: 0 };
  for (const [k, l] of o.levels.entries()) {
    const shard = shards(l).map((s, i) => Math.min(s, l.shape[i]));
    let block = shard;
    if (k > 0) {
      const below = o.levels[k - 1].shape;
      const halo = haloFor(o.method === "gaussian" ? "gaussian" : "mean", l.factors);
      block = shard.map((s, i) => Math.min(below[i], s * l.factors[i] + 2 * halo[i]));
    }
    const bytes = block.reduce((a, b) => a * b, item);
    if (bytes > worst.bytes) worst = { level: k, block, bytes };
  }
  return worst;
}

/**
 * The level-0 shard shape that fits `target`, halving the longest axis (in chunks) first and
 * keeping whole chunks; undefined when not even one-chunk shards fit.
 */
function smallerShards(o: ShardMemoryToCheck, target: number): number[] | undefined {
  const chunks = o.levels[0].chunks;
  const shards = [...(o.levels[0].shards as readonly number[])].map((s, i) =>
    Math.min(s, Math.ceil(o.levels[0].shape[i] / chunks[i]) * chunks[i]),
  );
  for (;;) {
    const axis = shards.reduce((best, s, i) => (s / chunks[i] > shards[best] / chunks[best] ? i : best), 0);
    if (shards[axis] <= chunks[axis]) return undefined;
    shards[axis] = Math.max(chunks[axis], Math.ceil(shards[axis] / 2 / chunks[axis]) * chunks[axis]);
    const fit = largestBlock(o, (l) => clipShards(shards, l.chunks, l.shape));
    if (fit.bytes * (o.overhead ?? BLOCK_OVERHEAD) <= target) return shards;
  }
}
