/**
 * Runs `fn` over `items` with at most `limit` calls in flight — how reads and writes keep memory
 * bounded (a few chunks per worker) whatever the size of the selection. With `signal`, no new call
 * starts once it is aborted: the calls in flight finish and the abort reason is thrown.
 */
export async function forEachLimit<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const item of items as AsyncIterable<T>) {
    if (failure || signal?.aborted) break;
    const p: Promise<void> = fn(item).then(
      () => {
        inFlight.delete(p);
      },
      (error) => {
        inFlight.delete(p);
        failure ??= { error };
      },
    );
    inFlight.add(p);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // an abort wins over the errors it caused (e.g. a guarded store refusing writes)
  signal?.throwIfAborted();
  if (failure) throw failure.error;
}
