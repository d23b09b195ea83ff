/**
 * A synthetic 3-D phantom shaped like a CT/light-sheet volume: nested ellipsoids with different
 * intensities, a few bright spheres ("nuclei"), a smooth background gradient and mild noise.
 * Every voxel is a pure function of its coordinates, so any region can be generated on demand
 * (the demo streams it like a file larger than memory) and the result is identical on every machine.
 */
import type { Region } from "../indexing/region.js";
import type { NDArray } from "../ndarray.js";

interface Ellipsoid {
  c: [number, number, number];
  r: [number, number, number];
  value: number;
}

const BODY: Ellipsoid[] = [
  { c: [0.5, 0.5, 0.5], r: [0.44, 0.4, 0.36], value: 9000 },
  { c: [0.5, 0.5, 0.5], r: [0.4, 0.36, 0.32], value: -3000 },
  { c: [0.45, 0.42, 0.38], r: [0.12, 0.1, 0.14], value: 6000 },
  { c: [0.55, 0.6, 0.64], r: [0.1, 0.14, 0.09], value: 4000 },
  { c: [0.62, 0.45, 0.5], r: [0.05, 0.05, 0.2], value: 12000 },
];

/** Integer hash of a voxel's coordinates → [0, 1): reproducible noise without state. */
function hashNoise(z: number, y: number, x: number): number {
  let h = Math.imul(z, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(x, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export interface Phantom {
  readonly shape: [number, number, number];
  readonly dtype: "uint16";
  readonly axes: ["z", "y", "x"];
  /** Voxel size in micrometres. */
  readonly scale: [number, number, number];
  read(region: Region): Promise<NDArray<"uint16">>;
}

/** A phantom of `size` voxels along z, y and x (default 256: 32 MiB of uint16). */
export function phantom(size = 256): Phantom {
  const n = size;
  const spheres: Array<[number, number, number, number]> = [];
  for (let i = 0; i < 24; i++) {
    const a = hashNoise(i, 7, 3);
    const b = hashNoise(i, 11, 5);
    const c = hashNoise(i, 13, 9);
    spheres.push([0.3 + 0.4 * a, 0.3 + 0.4 * b, 0.3 + 0.4 * c, 0.015 + 0.02 * hashNoise(i, 1, 1)]);
  }
  return {
    shape: [n, n, n],
    dtype: "uint16",
    axes: ["z", "y", "x"],
    scale: [2, 1, 1].map((s) => (s * 256) / n) as [number, number, number],
    async read(region) {
      const [[z0, z1], [y0, y1], [x0, x1]] = region;
      const out = new Uint16Array((z1 - z0) * (y1 - y0) * (x1 - x0));
      const cosX = new Float64Array(x1 - x0);
      for (let x = x0; x < x1; x++) cosX[x - x0] = Math.cos(5 * ((x + 0.5) / n));
      // Per row, only the shapes the row crosses are tested: a shape is skipped when its (z, y)
      // distance alone is already outside it, so every voxel gets exactly the terms it got before.
      const bodies: Array<[Ellipsoid, number]> = [];
      const cells: Array<[number, number, number]> = [];
      let i = 0;
      for (let z = z0; z < z1; z++) {
        const fz = (z + 0.5) / n;
        for (let y = y0; y < y1; y++) {
          const fy = (y + 0.5) / n;
          const sinY = Math.sin(6 * fy);
          bodies.length = 0;
          for (const e of BODY) {
            const dz = (fz - e.c[0]) / e.r[0];
            const dy = (fy - e.c[1]) / e.r[1];
            const zy = dz * dz + dy * dy;
            if (zy < 1) bodies.push([e, zy]);
          }
          cells.length = 0;
          for (const [sz, sy, sx, r] of spheres) {
            const zy = (fz - sz) ** 2 + (fy - sy) ** 2;
            if (zy < r * r) cells.push([zy, sx, r]);
          }
          for (let x = x0; x < x1; x++) {
            const fx = (x + 0.5) / n;
            let v = 800 + 400 * fz + 300 * sinY * cosX[x - x0];
            for (const [e, zy] of bodies) {
              const dx = (fx - e.c[2]) / e.r[2];
              if (zy + dx * dx < 1) v += e.value;
            }
            for (const [zy, sx, r] of cells) {
              const d = zy + (fx - sx) ** 2;
              if (d < r * r) v += 15000 * (1 - d / (r * r));
            }
            v += 400 * (hashNoise(z, y, x) - 0.5);
            out[i++] = v < 0 ? 0 : Math.min(v, 65535);
          }
        }
      }
      return { data: out, shape: [z1 - z0, y1 - y0, x1 - x0], dtype: "uint16" };
    },
  };
}
