/** What the scale-out tests share: a test volume, and every object of an output by sha256. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { S3TestServer } from "../helpers/s3.js";

/** sha256 of every file under `dir`, by relative path. */
export function digests(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

/** zarrsmith's own records (plan, task records and claims, resume record): not image objects. */
export const isRecord = (key: string) => /(^|\/)\.?zarrsmith-/.test(key);

/**
 * Every object of the single-process output is in `other` with the same bytes; extras are
 * zarrsmith's records and the keys `alsoAllowed` accepts.
 */
export function assertSameObjects(
  single: string,
  other: string,
  alsoAllowed: (key: string) => boolean = () => false,
): void {
  const a = digests(single);
  const b = digests(other);
  for (const [key, hash] of a) assert.equal(b.get(key), hash, `${key} of ${other} differs`);
  const extra = [...b.keys()].filter((k) => !a.has(k) && !isRecord(k) && !alsoAllowed(k));
  assert.deepEqual(extra, [], "no objects beyond the single-process output's (and zarrsmith's records)");
  assert.ok(a.size > 10, "a pyramid of many objects");
}

/** A uint16 zyx volume as .npy: smooth structure plus a hash, so every downsampling method matters. */
export function writeVolume(file: string, [z, y, x]: number[]): void {
  let header = `{'descr': '<u2', 'fortran_order': False, 'shape': (${z}, ${y}, ${x}), }`;
  header += `${" ".repeat(64 - ((10 + header.length + 1) % 64))}\n`;
  const data = new Uint16Array(z * y * x);
  for (let k = 0, i = 0; k < z; k++)
    for (let j = 0; j < y; j++)
      for (let l = 0; l < x; l++, i++)
        data[i] = (k * 300 + j * 40 + l * 7 + ((i * 2654435761) >>> 24)) & 0xffff;
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(file, Buffer.concat([head, Buffer.from(header, "latin1"), Buffer.from(data.buffer)]));
}

/** Every object under `url` on a test S3 server, downloaded into `folder` (as `aws s3 sync` would). */
export async function downloadS3(server: S3TestServer, url: string, folder: string): Promise<void> {
  const store = server.store(url);
  for (const key of await store.list()) {
    mkdirSync(dirname(join(folder, key)), { recursive: true });
    writeFileSync(join(folder, key), (await store.get(key)) as Uint8Array);
  }
}
