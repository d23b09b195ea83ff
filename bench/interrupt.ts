/**
 * Ctrl-C latency of `zarrsmith convert`: a 512x1024x1024 uint16 .npy (1 GiB; smooth structure +
 * noise) → OME-Zarr; SIGINT `--after` seconds after the first progress line (so a slow start-up on
 * a busy machine does not count); prints the time from SIGINT to exit, the exit code, then the time
 * the re-run (resume) takes to finish. Runs dist/ (build first).
 *
 *   npm run build && npx tsx bench/interrupt.ts [--shape 512,1024,1024] [--after 1] [--bin dist/cli/main.js]
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const shape = arg("--shape", "512,1024,1024").split(",").map(Number);
const after = Number(arg("--after", "1"));
const bin = resolve(arg("--bin", "dist/cli/main.js"));

/** Writes a .npy file (format 1.0, little-endian uint16) plane by plane. */
function writeNpy(path: string): void {
  const [Z, Y, X] = shape;
  let header = `{'descr': '<u2', 'fortran_order': False, 'shape': (${shape.join(", ")}), }`;
  header += `${" ".repeat(63 - ((10 + header.length) % 64))}\n`;
  const fd = openSync(path, "w");
  const pre = Buffer.alloc(10);
  pre.write("\x93NUMPY", 0, "latin1");
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  writeSync(fd, pre);
  writeSync(fd, Buffer.from(header, "latin1"));
  const plane = new Uint16Array(Y * X);
  let seed = 1;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        plane[y * X + x] = (1000 + 800 * Math.sin(x / 40) * Math.cos(y / 50 + z / 30) + (seed >>> 24)) | 0;
      }
    writeSync(fd, new Uint8Array(plane.buffer));
  }
  closeSync(fd);
}

function run(
  cmd: string[],
  sigintAfter?: number,
): Promise<{ code: number | null; seconds: number; afterSignal?: number; stderr: string }> {
  return new Promise((done) => {
    const started = performance.now();
    let signalled: number | undefined;
    let stderr = "";
    const child = spawn(process.execPath, [bin, ...cmd], { stdio: ["ignore", "ignore", "pipe"] });
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on("data", (d) => {
      stderr += d;
      if (sigintAfter !== undefined && timer === undefined && /level 0: /.test(stderr)) {
        timer = setTimeout(() => {
          signalled = performance.now();
          child.kill("SIGINT");
        }, sigintAfter * 1000);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const now = performance.now();
      done({
        code,
        seconds: (now - started) / 1000,
        afterSignal: signalled === undefined ? undefined : (now - signalled) / 1000,
        stderr,
      });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-bench-interrupt-"));
try {
  const input = join(dir, "in.npy");
  writeNpy(input);
  const cmd = ["convert", input, join(dir, "out.ome.zarr")];
  const stopped = await run(cmd, after);
  console.log(
    `interrupted run: SIGINT ${after} s into the work, exit ${stopped.code} ${stopped.afterSignal?.toFixed(2)} s after SIGINT (${stopped.seconds.toFixed(2)} s in all)`,
  );
  if (stopped.code !== 130) console.log(stopped.stderr);
  const resumed = await run(cmd);
  console.log(`re-run (resume): exit ${resumed.code} after ${resumed.seconds.toFixed(2)} s`);
  if (resumed.code !== 0) console.log(resumed.stderr);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
