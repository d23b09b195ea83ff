/** Helpers for the pyramid writer tests: in-memory sources, whole-array references, reading back. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { DataType } from "../../src/dtype/index.js";
import { open } from "../../src/hierarchy/open.js";
import type { NDArray } from "../../src/ndarray.js";
import { type DownsampleMethod, downsample } from "../../src/pyramid/downsample/index.js";
import type { PyramidResult, RegionSource } from "../../src/pyramid/writer.js";
import type { Store } from "../../src/store/types.js";
import { subArray } from "./helpers.js";

/** A region source over an in-memory array; counts reads and can fail after `failAfter` of them. */
export function memorySource(a: NDArray, failAfter = Number.POSITIVE_INFINITY) {
  const source = {
    shape: a.shape,
    dtype: a.dtype as DataType,
    reads: 0,
    async read(region: ReadonlyArray<readonly [number, number]>): Promise<NDArray> {
      if (source.reads >= failAfter) throw new Error("source read failed (simulated)");
      source.reads++;
      return subArray(
        a,
        region.map(([s]) => s),
        region.map(([, e]) => e),
      );
    },
  };
  return source satisfies RegionSource;
}

/** The pyramid computed the plain way: each level from the whole previous level with `downsample`. */
export function referencePyramid(a: NDArray, factors: number[][], method: DownsampleMethod): NDArray[] {
  const levels = [a];
  for (const f of factors) levels.push(downsample(levels[levels.length - 1], f, method));
  return levels;
}

/** Every level of a written pyramid, read back whole. */
export async function readLevels(store: Store, result: PyramidResult): Promise<NDArray[]> {
  const out: NDArray[] = [];
  for (const l of result.levels) {
    const path = result.path === "" ? l.path : `${result.path}/${l.path}`;
    out.push(await (await open.array(store, path)).get());
  }
  return out;
}

/** The `multiscales[0]` entry of an OME group, for 0.4 and 0.5 alike. */
export async function multiscale(store: Store, path = ""): Promise<Record<string, unknown>> {
  const attrs = (await open.group(store, path)).attrs as Record<string, unknown>;
  const ome = (attrs.ome as Record<string, unknown> | undefined) ?? attrs;
  return (ome.multiscales as Record<string, unknown>[])[0];
}

/** All files under a directory, as relative path → bytes. */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Asserts equal shapes and values, naming the first differing element (no huge diffs). */
export function assertSameValues(actual: NDArray, expected: NDArray, label: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const a = actual.data as ArrayLike<number | bigint>;
  const e = expected.data as ArrayLike<number | bigint>;
  assert.equal(a.length, e.length, `${label}: length`);
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(a[i], e[i])) assert.fail(`${label}: element ${i} is ${a[i]}, expected ${e[i]}`);
  }
}

/** Plain values of an array (numbers; bigints as strings), for deep comparisons. */
export function values(a: NDArray): Array<number | string> {
  return Array.from(a.data as ArrayLike<number | bigint>, (v) => (typeof v === "bigint" ? String(v) : v));
}
