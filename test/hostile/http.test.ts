/**
 * Issue 16, HTTP store: timeouts, retries with backoff, typed errors naming the URL and status,
 * Content-Range checked against the request, and no response read past what was asked for. One row
 * per hostile server; each runs in a child with a timeout and a peak-RSS bound (harness.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertOutcome, describeRun, type Expect, runCase } from "./harness.js";

const CASES = new URL("./http.cases.ts", import.meta.url);
const PEAK = 300;
const httpError = (message: RegExp): Expect => ({
  peakMiB: PEAK,
  error: { name: "HttpError", code: "io", message },
});
const ok = { peakMiB: PEAK };

export const ROWS: Array<{ kind: string; name: string; case: string; expect: Expect; value?: unknown }> = [
  {
    kind: "hang",
    name: "server accepts and never answers",
    case: "neverAnswers",
    expect: httpError(/127\.0\.0\.1.*zarr\.json timed out/),
  },
  {
    kind: "hang",
    name: "server drips one byte a second",
    case: "drips",
    expect: httpError(/timed out|idle/),
  },
  {
    kind: "retry",
    name: "503 twice, then the body",
    case: "unavailableThenOk",
    expect: ok,
    value: { length: 100, first: 0 },
  },
  {
    kind: "retry",
    name: "429 (Retry-After: 0), then the body",
    case: "tooManyThenOk",
    expect: ok,
    value: { length: 100, first: 0 },
  },
  {
    kind: "retry",
    name: "connection reset, then the body",
    case: "resetThenOk",
    expect: ok,
    value: { length: 100, first: 0 },
  },
  {
    kind: "untyped",
    name: "always 500: HttpError with URL and status",
    case: "alwaysFails",
    expect: httpError(/zarr\.json.*HTTP 500.*3 attempts/),
  },
  {
    kind: "untyped",
    name: "connection dropped mid-body",
    case: "dropsMidBody",
    expect: httpError(/zarr\.json.*(dropped|closed|terminated)/),
  },
  {
    kind: "silent",
    name: "Content-Range shifted by one",
    case: "shiftedContentRange",
    expect: httpError(/Content-Range.*bytes 11-20\/100.*10-19/),
  },
  {
    kind: "silent",
    name: "206 without Content-Range",
    case: "partialWithoutContentRange",
    expect: httpError(/Content-Range/),
  },
  {
    kind: "memory",
    name: "206 body longer than its Content-Range",
    case: "partialLongerThanRange",
    expect: httpError(/more than|longer/),
  },
  {
    kind: "memory",
    name: "200 with an endless body for a small range",
    case: "fullBodyForRange",
    expect: ok,
    value: { length: 10, first: 0 },
  },
  {
    kind: "memory",
    name: "Content-Length of 4.7 GB",
    case: "hugeContentLength",
    expect: httpError(/4700000000|larger|more than/),
  },
  {
    kind: "memory",
    name: "endless body without Content-Length",
    case: "endlessBody",
    expect: httpError(/more than|larger/),
  },
];

for (const row of ROWS) {
  test(`[${row.kind}] ${row.name}`, async () => {
    const run = await runCase(CASES, row.case, null, { timeoutMs: 30_000, killAtMiB: 1800 });
    assertOutcome(run, row.expect);
    if ("value" in row) assert.deepEqual(run.result?.ok && run.result.value, row.value, describeRun(run));
  });
}
