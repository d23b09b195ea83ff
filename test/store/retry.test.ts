/** The generic retry helper (src/store/retry.ts): backoff windows, Retry-After, giving up. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay, withRetries } from "../../src/store/retry.js";

test("backoff windows double per retry up to the cap, with full jitter", () => {
  const top = { random: () => 0.999999, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, top)),
    [99, 199, 399, 799, 999, 999],
  );
  assert.equal(backoffDelay(3, { ...top, random: () => 0 }), 0);
});

test("retries while told to, waits at least Retry-After (capped), then rethrows the last error", async () => {
  const waits: number[] = [];
  const seen: Array<[number, boolean]> = [];
  const options = {
    retries: 2,
    maxDelayMs: 500,
    random: () => 0,
    sleep: async (ms: number) => void waits.push(ms),
  };
  await assert.rejects(
    withRetries(
      async (n, last) => {
        seen.push([n, last]);
        throw new Error(`attempt ${n}`);
      },
      () => ({ afterMs: 9000 }),
      options,
    ),
    /attempt 2/,
  );
  assert.deepEqual(seen, [
    [0, false],
    [1, false],
    [2, true],
  ]);
  assert.deepEqual(waits, [500, 500]);

  let calls = 0;
  const value = await withRetries(
    async () => {
      if (++calls < 3) throw new Error("busy");
      return "ok";
    },
    () => true,
    options,
  );
  assert.equal(value, "ok");
  await assert.rejects(
    withRetries(
      async () => Promise.reject(new Error("fatal")),
      () => false,
      options,
    ),
    /fatal/,
  );
});
