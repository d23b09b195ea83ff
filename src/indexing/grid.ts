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
