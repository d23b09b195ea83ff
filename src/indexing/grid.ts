/** Every coordinate of a chunk grid, in C order (lazily: grids can be large). */
export function* gridCoords(grid: readonly number[]): Generator<number[]> {
  if (grid.some((g) => g === 0)) return;
  const c = grid.map(() => 0);
  for (;;) {
    yield [...c];
    let d = grid.length - 1;
    for (; d >= 0; d--) {
      if (++c[d] < grid[d]) break;
      c[d] = 0;
    }
    if (d < 0) return;
  }
}

/** A chunk shape clipped to an array's shape (a chunk larger than the array only wastes padding). */
export function clipChunks(chunks: readonly number[], shape: readonly number[]): number[] {
  return chunks.map((c, i) => Math.min(c, Math.max(1, shape[i])));
}

/**
 * A shard shape clipped like the chunks: to the smallest multiple of the (clipped) chunk that
 * covers the array, so a shard larger than a small array stays valid (a shard must be a multiple
 * of the chunk).
 */
export function clipShards(
  shards: readonly number[],
  chunks: readonly number[],
  shape: readonly number[],
): number[] {
  return shards.map((s, i) => Math.min(s, Math.max(chunks[i], Math.ceil(shape[i] / chunks[i]) * chunks[i])));
}
