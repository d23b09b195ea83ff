/** The benchmark volume: smooth structure plus mild noise, deterministic, like a CT or light-sheet stack. */
export function syntheticVolume(n: number): Uint16Array {
  const data = new Uint16Array(n * n * n);
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 16) / 65536;
  };
  const c = n / 2;
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      const base = (z * n + y) * n;
      const dzy = ((z - c) / c) ** 2 + ((y - c) / c) ** 2;
      const wave = 400 * Math.sin(z / 23) * Math.cos(y / 31);
      for (let x = 0; x < n; x++) {
        const r = dzy + ((x - c) / c) ** 2;
        const body = r < 0.7 ? 20000 - 12000 * r : 2000;
        data[base + x] = Math.max(0, Math.min(65535, body + wave + 300 * Math.sin(x / 17) + 200 * noise()));
      }
    }
  }
  return data;
}
