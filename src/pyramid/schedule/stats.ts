/**
 * What blocks report besides their chunks: the data range per channel (for the omero window) and,
 * for label images, voxels per value (for the colour table). Order-free (min, max, sums), so tasks
 * run anywhere can be merged; saved with progress, since resumed work is not read again.
 */

import type { BlockResult } from "../block.js";
import { MAX_COUNTED_VALUES } from "../label-table.js";
import type { ChannelRanges } from "../window.js";

export interface StatsState {
  window?: ChannelRanges;
  counts?: Array<[number, number]>;
  countsComplete?: boolean;
}

export class Stats {
  window: ChannelRanges | undefined;
  readonly counts = new Map<number, number>();
  countsComplete = true;

  constructor(private readonly labels: boolean) {}

  /** Folds a block's per-channel range (channels from `first` on) and value counts in. */
  add(result: BlockResult, first: number): void {
    if (result.min === undefined || result.max === undefined) return;
    this.addRange(result.min, result.max, first);
    if (result.counts === null) this.countsComplete = false;
    if (!this.countsComplete || !result.counts) return;
    this.addCounts(result.counts);
  }

  private addRange(min: readonly number[], max: readonly number[], first: number): void {
    const next: ChannelRanges = this.window ?? { min: [], max: [] };
    min.forEach((lo, k) => {
      if (lo === null || lo === undefined) return;
      next.min[first + k] = Math.min(next.min[first + k] ?? lo, lo);
      next.max[first + k] = Math.max(next.max[first + k] ?? max[k], max[k]);
    });
    this.window = next;
  }

  private addCounts(counts: Iterable<[number, number]>): void {
    for (const [v, n] of counts) this.counts.set(v, (this.counts.get(v) ?? 0) + n);
    if (this.counts.size > MAX_COUNTED_VALUES) this.countsComplete = false;
  }

  /** How many distinct values a block should still count (undefined: none). */
  get countValues(): number | undefined {
    return this.labels && this.countsComplete ? MAX_COUNTED_VALUES : undefined;
  }

  /** Merges a saved state (another task's, or an earlier run's) in. */
  merge(state: StatsState): void {
    if (state.window) {
      // JSON turns ±Infinity into null; a channel that held only NaN keeps no range
      const min = state.window.min.map((v) => (v === null ? Number.POSITIVE_INFINITY : v));
      const max = state.window.max.map((v) => (v === null ? Number.NEGATIVE_INFINITY : v));
      this.addRange(min, max, 0);
    }
    if (state.countsComplete === false) this.countsComplete = false;
    if (this.countsComplete && state.counts) this.addCounts(state.counts);
  }

  /** Takes an earlier run's saved state over as it was (resuming one output). */
  restore(state: StatsState): void {
    this.window = state.window;
    for (const [v, n] of state.counts ?? []) this.counts.set(v, n);
    this.countsComplete = state.countsComplete ?? true;
  }

  toState(): StatsState {
    const out: StatsState = {};
    if (this.window) out.window = this.window;
    if (this.labels) {
      out.counts = [...this.counts];
      out.countsComplete = this.countsComplete;
    }
    return out;
  }
}
