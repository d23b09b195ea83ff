/**
 * `zarrsmith demo [OUT]` — the main job on a built-in default, no input needed: a synthetic phantom
 * volume is streamed into a multiscale OME-Zarr image, validated, and a middle slice is rendered.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { LocalStore, ome, phantom } from "../../index.js";
import { CliError, formatBytes, type GlobalOptions, printResult } from "../output.js";
import { parseInteger } from "../parse.js";
import { levelTable, storageOf } from "../summary.js";
import { writePyramid } from "../write-output.js";
import { renderSlicePNG } from "./slice.js";

/** The multiscale name the demo writes; with zarrsmith's pyramid metadata it marks a demo output. */
const DEMO_NAME = "phantom";

interface DemoOptions {
  size: string;
  omeZarrVersion: "0.4" | "0.5";
  png?: string;
  workers?: string;
  overwrite?: boolean;
}

/** A name from a path: "zarrsmith-demo.ome.zarr" → "zarrsmith-demo", "brain.nii.gz" → "brain", "slices/*.png" → "slices". */
export function stem(path: string): string {
  const file = /[*?]/.test(basename(path)) ? basename(dirname(path)) : basename(path);
  return (
    file
      .replace(/\.(gz|bz2|zip)$/i, "")
      .replace(/\.[^.]*$/, "")
      .replace(/\.ome$/i, "") || "image"
  );
}

/**
 * Whether `path` is a finished output of an earlier `demo` — what a re-run replaces without
 * --overwrite. Recognised by its metadata (multiscale named "phantom", written by zarrsmith's
 * pyramid writer) and by holding nothing but that image (its metadata files and level folders), so a
 * folder with anything else in it is never replaced. (An unfinished demo is resumed instead.)
 */
export function isDemoOutput(path: string): boolean {
  try {
    const names = readdirSync(path);
    const v2 = existsSync(join(path, ".zattrs"));
    const doc = JSON.parse(readFileSync(join(path, v2 ? ".zattrs" : "zarr.json"), "utf8"));
    const ms = (v2 ? doc : doc?.attributes?.ome)?.multiscales?.[0];
    const method = ms?.metadata?.method;
    if (ms?.name !== DEMO_NAME || typeof method !== "string" || !method.startsWith("zarrsmith.pyramid.")) {
      return false;
    }
    const own = new Set([
      ".zattrs",
      ".zgroup",
      "zarr.json",
      ...ms.datasets.map((d: { path: string }) => d.path),
    ]);
    return names.every((n) => own.has(n));
  } catch {
    return false; // unreadable or not an image: not ours
  }
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "write a synthetic phantom volume as a multiscale OME-Zarr image (no input needed), validate it, render a slice and summarise",
    )
    .argument("[out]", "output directory", "zarrsmith-demo.ome.zarr")
    .option("--size <n>", "phantom edge length in voxels (n^3 uint16)", "256")
    .option("--ome-zarr-version <v>", "0.4 (Zarr v2) or 0.5 (Zarr v3)", "0.4")
    .option("--png <file>", "where to write the slice (default: <out>/../<name>-slice.png)")
    .option("--workers <n>", "worker threads (default: all cores)")
    .option("--overwrite", "replace an existing output (an earlier demo output is replaced anyway)")
    .action(async (out: string, opts: DemoOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const size = parseInteger("--size", opts.size, 8, 2048);
      if (opts.omeZarrVersion !== "0.4" && opts.omeZarrVersion !== "0.5") {
        throw new CliError(`--ome-zarr-version must be 0.4 or 0.5, got "${opts.omeZarrVersion}"`);
      }
      const workers =
        opts.workers === undefined ? undefined : parseInteger("--workers", opts.workers, 0, 256);
      const path = resolve(out);
      const pngPath = resolve(opts.png ?? join(dirname(path), `${stem(path)}-slice.png`));
      const source = phantom(size);
      // Re-running the demo replaces its own earlier output; anything else at `out` is left alone.
      const replacing = !opts.overwrite && isDemoOutput(path);
      if (replacing && !globals.quiet && !globals.json) {
        process.stderr.write(`zarrsmith: replacing the earlier demo output ${path}\n`);
      }
      const result = await writePyramid(
        source,
        path,
        {
          omeZarrVersion: opts.omeZarrVersion,
          // a quarter of the edge (at most 64) so that even a small demo has a few levels
          chunks: new Array(3).fill(Math.max(8, Math.min(64, Math.floor(size / 4)))),
          codec: { id: "zstd", level: 5 },
          axes: source.axes,
          scale: source.scale,
          units: "micrometer",
          name: DEMO_NAME,
          workers,
          overwrite: opts.overwrite || replacing,
        },
        globals,
        "re-run the same command to resume",
      );
      const store = new LocalStore(path);
      const report = await ome.validate(store, "");
      const slice = await renderSlicePNG(store, { axis: "z", level: 0 });
      writeFileSync(pngPath, slice.png);
      const { stored, raw, ratio } = storageOf(path, result.levels, source.dtype);
      const summary = {
        output: path,
        omeZarrVersion: opts.omeZarrVersion,
        source: {
          kind: "phantom",
          shape: source.shape,
          dtype: source.dtype,
          axes: source.axes,
          scale: source.scale,
          unit: "micrometer",
        },
        levels: result.levels,
        bytesStored: stored,
        bytesRaw: raw,
        compressionRatio: ratio,
        seconds: result.seconds,
        valid: report.valid,
        errors: report.errors,
        warnings: report.warnings,
        png: {
          path: pngPath,
          axis: "z",
          index: slice.index,
          level: 0,
          width: slice.width,
          height: slice.height,
          window: slice.window,
        },
      };
      printResult(globals, summary, () =>
        [
          `Wrote ${path} (OME-Zarr ${opts.omeZarrVersion}, phantom ${source.shape.join("x")} uint16)`,
          levelTable(result.levels, ["z", "y", "x"], "micrometer"),
          `  stored   ${formatBytes(stored)} (raw ${formatBytes(raw)}, compression ratio ${ratio.toFixed(2)})`,
          `  time     ${result.seconds.toFixed(2)} s`,
          `  valid    ${report.valid ? "yes" : `NO (${report.errors.length} errors)`}${report.warnings.length ? `, ${report.warnings.length} warnings` : ""}`,
          `  slice    ${pngPath} (z = ${slice.index} of level 0, ${slice.width}x${slice.height})`,
        ].join("\n"),
      );
      if (!report.valid) process.exitCode = 1;
    });
}
