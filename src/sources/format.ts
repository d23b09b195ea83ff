/** Numbers in reader messages: with thousands separators, so byte offsets are readable ("9,120,000"). */
export function num(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: 3 }) : String(n);
}

/** A byte count as "103.0 MiB (108,000,000 bytes)". */
export function formatSize(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${num(n)} bytes` : `${v.toFixed(1)} ${units[i]} (${num(n)} bytes)`;
}
