/**
 * Retrying a remote operation with exponential backoff and full jitter (each wait is random in
 * [0, min(maxDelay, base * 2^attempt)]), so many clients retrying a struggling server spread out
 * instead of arriving together. Transport-neutral: HttpStore uses it, and so can an S3 store.
 */

export interface RetryOptions {
  /** Retries after the first attempt (so `retries + 1` attempts in all). Default 3. */
  retries?: number;
  /** The first backoff window in ms; it doubles per retry. Default 200. */
  baseDelayMs?: number;
  /** The largest backoff window (and the cap on a server's Retry-After) in ms. Default 5000. */
  maxDelayMs?: number;
  /** For tests: the random source (default Math.random) and the sleep. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What `shouldRetry` answers for a failed attempt: no, yes, or yes after at least `afterMs`. */
export type RetryDecision = boolean | { afterMs: number };

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5000;
  const window = Math.min(max, base * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * window);
}

const sleep = (ms: number) => new Promise<void>((wake) => setTimeout(wake, ms));

/**
 * Runs `attempt(n, last)` (n from 0; `last` is true on the final attempt, so its error can say so) until
 * it succeeds, `shouldRetry` says no, or the retries are used up; then rethrows the last error.
 */
export async function withRetries<T>(
  attempt: (n: number, last: boolean) => Promise<T>,
  shouldRetry: (error: unknown) => RetryDecision,
  options: RetryOptions = {},
): Promise<T> {
  const retries = Math.max(0, options.retries ?? 3);
  for (let n = 0; ; n++) {
    try {
      return await attempt(n, n === retries);
    } catch (error) {
      const decision = n < retries ? shouldRetry(error) : false;
      if (decision === false) throw error;
      let wait = backoffDelay(n, options);
      if (typeof decision === "object")
        wait = Math.max(wait, Math.min(decision.afterMs, options.maxDelayMs ?? 5000));
      await (options.sleep ?? sleep)(wait);
    }
  }
}
