import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValueError } from "../../src/errors.js";
import { planPyramid } from "../../src/pyramid/plan.js";

const zyx = [{ name: "z" }, { name: "y" }, { name: "x" }];

describe("planPyramid", () => {
  it("isotropic: factor 2 on every space axis, scale doubles, shapes round up", () => {
    const plan = planPyramid({
      downsampleAxes: "auto",
      shape: [100, 201, 64],
      axes: zyx,
      scale: [0.5, 0.5, 0.5],
      chunks: [64, 64, 64],
      levels: 3,
    });
    assert.deepEqual(
      plan.levels.map((l) => l.shape),
      [
        [100, 201, 64],
        [50, 101, 32],
        [25, 51, 16],
      ],
    );
    assert.deepEqual(plan.levels[0].factors, [1, 1, 1]);
    assert.deepEqual(plan.levels[1].factors, [2, 2, 2]);
    assert.deepEqual(plan.levels[2].cumulativeFactors, [4, 4, 4]);
    assert.deepEqual(plan.levels[2].scale, [2, 2, 2]);
    assert.deepEqual(
      plan.levels.map((l) => l.index),
      [0, 1, 2],
    );
  });

  it("anisotropic (z voxel 3x coarser): z stays until x/y pass it, then all go together", () => {
    const plan = planPyramid({
      downsampleAxes: "auto",
      shape: [64, 1024, 1024],
      axes: zyx,
      scale: [3, 1, 1],
      chunks: [1, 1, 1],
      levels: 6,
    });
    assert.deepEqual(
      plan.levels.map((l) => l.factors),
      [
        [1, 1, 1],
        [1, 2, 2], // x,y 1 → 2 (z 3)
        [1, 2, 2], // x,y 2 → 4 (z 3: 1.5x the finest, not yet)
        [2, 2, 2], // finest is z = 3 now; x,y at 4 < 3·√2: all halve
        [2, 2, 2],
        [2, 2, 2],
      ],
    );
    assert.deepEqual(plan.levels[5].scale, [24, 32, 32]);
    assert.deepEqual(plan.levels[5].shape, [8, 32, 32]);
  });

  it("slightly anisotropic voxels (z 1.3x) are halved together from the start", () => {
    const plan = planPyramid({
      downsampleAxes: "auto",
      shape: [64, 64, 64],
      axes: zyx,
      scale: [1.3, 1, 1],
      chunks: [8, 8, 8],
      levels: 2,
    });
    assert.deepEqual(plan.levels[1].factors, [2, 2, 2]);
  });

  it("never downsamples time and channel axes, or an axis already at 1 voxel", () => {
    const plan = planPyramid({
      downsampleAxes: "auto",
      shape: [5, 3, 2, 256, 256],
      axes: [
        { name: "t", type: "time" },
        { name: "c", type: "channel" },
        { name: "z", type: "space" },
        { name: "y" },
        { name: "x" },
      ],
      scale: [10, 1, 1, 1, 1],
      chunks: [1, 1, 64, 64, 64],
      levels: 4,
    });
    assert.deepEqual(
      plan.levels.map((l) => l.factors),
      [
        [1, 1, 1, 1, 1],
        [1, 1, 2, 2, 2],
        [1, 1, 1, 2, 2], // z is down to 1 voxel
        [1, 1, 1, 2, 2],
      ],
    );
    assert.deepEqual(plan.levels[3].shape, [5, 3, 1, 32, 32]);
    assert.deepEqual(plan.levels[3].scale, [10, 1, 2, 8, 8]);
    assert.deepEqual(plan.levels[3].translation.slice(0, 2), [0, 0]);
  });

  it('levels "auto": until every space axis fits in one chunk; at least level 0', () => {
    const auto = planPyramid({
      downsampleAxes: "auto",
      shape: [3, 300, 1000],
      axes: [{ name: "c" }, { name: "y" }, { name: "x" }],
      scale: [1, 1, 1],
      chunks: [1, 128, 128],
    });
    assert.deepEqual(
      auto.levels.map((l) => l.shape),
      [
        [3, 300, 1000],
        [3, 150, 500],
        [3, 75, 250],
        [3, 38, 125],
      ],
    );
    const small = planPyramid({
      downsampleAxes: "auto",
      shape: [10, 20],
      axes: [{ name: "y" }, { name: "x" }],
      scale: [1, 1],
      chunks: [64, 64],
    });
    assert.equal(small.levels.length, 1);
    const anisotropic = planPyramid({
      downsampleAxes: "auto",
      shape: [40, 512, 512],
      axes: zyx,
      scale: [4, 1, 1],
      chunks: [64, 64, 64],
      levels: "auto",
    });
    // x/y: 1 → 2 → 4 alone, then z (4) joins them: 4 → 8.
    assert.deepEqual(
      anisotropic.levels.map((l) => l.shape),
      [
        [40, 512, 512],
        [40, 256, 256],
        [40, 128, 128],
        [20, 64, 64],
      ],
    );
    assert.deepEqual(anisotropic.levels.at(-1)!.scale, [8, 8, 8]);
  });

  it("translation: block-averaging methods move the first voxel centre by (F - 1)/2 voxels, nearest does not", () => {
    const base = {
      shape: [64, 64, 64],
      axes: zyx,
      scale: [3, 0.5, 0.5],
      translation: [10, 20, 30],
      chunks: [8, 8, 8],
      levels: 3,
    };
    for (const method of ["mean", "gaussian", "mode", "min", "max"] as const) {
      const plan = planPyramid({ ...base, method });
      assert.deepEqual(plan.levels[0].translation, [10, 20, 30]);
      assert.deepEqual(plan.levels[1].translation, [10, 20.25, 30.25], method); // F = [1, 2, 2]
      assert.deepEqual(plan.levels[2].translation, [10, 20.75, 30.75], method); // F = [1, 4, 4]
    }
    const nearest = planPyramid({ ...base, method: "nearest" });
    for (const level of nearest.levels) assert.deepEqual(level.translation, [10, 20, 30]);
    // Default translation is 0: the block centre of F voxels of size s lies at (F - 1)/2 · s.
    const plain = planPyramid({ ...base, translation: undefined });
    assert.deepEqual(plain.levels[2].translation, [0, 0.75, 0.75]);
  });

  it("explicit factors are used as given, per level", () => {
    const plan = planPyramid({
      downsampleAxes: "auto",
      shape: [50, 50, 50],
      axes: zyx,
      scale: [1, 1, 1],
      chunks: [10, 10, 10],
      factors: [
        [1, 3, 3],
        [2, 2, 2],
      ],
      method: "mean",
    });
    assert.deepEqual(
      plan.levels.map((l) => l.shape),
      [
        [50, 50, 50],
        [50, 17, 17],
        [25, 9, 9],
      ],
    );
    assert.deepEqual(plan.levels[2].cumulativeFactors, [2, 6, 6]);
    assert.deepEqual(plan.levels[2].translation, [0.5, 2.5, 2.5]);
  });

  it("rejects bad input, naming the parameter", () => {
    const ok = { shape: [8, 8], axes: [{ name: "y" }, { name: "x" }], scale: [1, 1], chunks: [4, 4] };
    const cases: Array<[object, RegExp]> = [
      [{ scale: [1] }, /scale must have one entry per axis of shape \(2\)/],
      [{ scale: [1, 0] }, /scale\[1\] must be a finite number > 0/],
      [{ chunks: [4, 0] }, /chunks\[1\] must be an integer >= 1/],
      [{ shape: [8, -1] }, /shape must be a list of integers >= 0/],
      [{ axes: [{ name: "x" }, { name: "x" }] }, /axes\[1\].name "x" is used twice/],
      [{ levels: 0 }, /levels must be "auto" or an integer from 1/],
      [{ translation: [0, Number.NaN] }, /translation\[1\] must be a finite number/],
      [{ method: "median" }, /method must be one of/],
      [{ factors: [[2]] }, /factors\[0\] must have one entry per axis \(2\)/],
      [{ factors: [[2, 0]] }, /factors\[0\]\[1\] must be an integer >= 1/],
      [{ factors: [[2, 2]], levels: 3 }, /levels \(3\) disagrees with factors/],
      [
        { axes: [{ name: "c" }, { name: "x" }], factors: [[2, 2]] },
        /factors\[0\]\[0\] must be 1: channel axes/,
      ],
      [{ levels: 6 }, /levels: 6 requested, but after 4 levels every space axis is down to 1 voxel/],
    ];
    for (const [change, message] of cases) {
      assert.throws(
        () => planPyramid({ ...ok, ...change } as never),
        (e: unknown) => {
          assert.ok(e instanceof ValueError, String(e));
          assert.match((e as Error).message, message);
          return true;
        },
      );
    }
  });
});
