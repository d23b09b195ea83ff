/**
 * `zarrsmith demo [OUT]` — the main job on a built-in default, no input needed: a synthetic phantom
 * volume is streamed into Zarr, read back and checked, and summarised.
 */
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { WorkerPool } from "../../concurrency/pool.js";
import { phantom } from "../../demo/phantom.js";
import { codecs } from "../../index.js";
import { slice } from "../../indexing/selection.js";
import { ArraySpec } from "../../spec/v2.js";
import { LocalStore } from "../../store/local.js";
import { CliError, formatBytes, type GlobalOptions, printResult } from "../output.js";
import { createProgress } from "../progress.js";

interface DemoOptions {
  size: string;
  overwrite?: boolean;
  workers?: string;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("write a synthetic phantom volume as chunked Zarr (no input needed) and summarise it")
    .argument("[out]", "output directory", "zarrsmith-demo.zarr")
    .option("--size <n>", "phantom edge length in voxels (n^3 uint16)", "256")
    .option("--workers <n>", "encoder threads (default: all cores)")
    .option("--overwrite", "replace an existing output")
    .action(async (out: string, opts: DemoOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const size = Number(opts.size);
      if (!Number.isInteger(size) || size < 8 || size > 2048)
        throw new CliError("--size must be an integer from 8 to 2048");
      const path = resolve(out);
      if (existsSync(path) && !opts.overwrite) {
        throw new CliError(`output ${path} already exists; pass --overwrite to replace it`);
      }
      if (existsSync(path)) rmSync(path, { recursive: true, force: true });
      const started = performance.now();
      const source = phantom(size);
      const spec = ArraySpec.parse({
        shape: source.shape,
        dtype: source.dtype,
        chunks: [64, 64, 64].map((c) => Math.min(c, size)),
        compressor: codecs.Zstd({ level: 5 }),
        attributes: { description: "zarrsmith demo phantom", voxel_size_um: source.scale },
      });
      const store = new LocalStore(path);
      const arr = await spec.toZarr(store, "");
      const pool = new WorkerPool(opts.workers ? Number(opts.workers) : undefined);
      const progress = createProgress(globals, "slabs");
      const slab = spec.chunks[0];
      const slabs = Math.ceil(size / slab);
      try {
        for (let i = 0; i < slabs; i++) {
          const z0 = i * slab;
          const z1 = Math.min(size, z0 + slab);
          const block = await source.read([
            [z0, z1],
            [0, size],
            [0, size],
          ]);
          await arr.set([slice(z0, z1)], block, { workers: pool });
          progress.update("phantom", i + 1, slabs);
        }
        const check = await arr.get([slice(size / 2, size / 2 + 1)], { workers: pool });
        const expect = await source.read([
          [size / 2, size / 2 + 1],
          [0, size],
          [0, size],
        ]);
        if (check.data.some((v, i) => v !== expect.data[i])) throw new CliError("read-back check failed", 1);
      } finally {
        progress.stop();
        await pool.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const stored = (await store.list("")).length;
      let bytes = 0;
      for (const key of await store.list("")) bytes += (await store.get(key))?.length ?? 0;
      const raw = size ** 3 * 2;
      const result = {
        output: path,
        shape: spec.shape,
        dtype: spec.dataType,
        chunks: spec.chunks,
        codec: spec.compressor,
        files: stored,
        bytesStored: bytes,
        compressionRatio: raw / bytes,
        seconds,
      };
      printResult(globals, result, () =>
        [
          `Wrote ${path}`,
          `  array   ${spec.shape.join(" x ")} ${spec.dataType}, chunks ${spec.chunks.join(" x ")}, zstd level 5`,
          `  stored  ${formatBytes(bytes)} in ${stored} files (raw ${formatBytes(raw)}, ratio ${(raw / bytes).toFixed(2)})`,
          `  time    ${seconds.toFixed(2)} s`,
        ].join("\n"),
      );
    });
}
