/**
 * Bundles the built package the way a browser app would get it (esbuild, platform "browser",
 * resolved by name through package.json `exports` with the "browser" condition) and loads the
 * result in this Node process, so browser-only code paths run under the test runner.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build } from "esbuild";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The browser entry's exports, plus the backend hooks (same module instances as the entry's codecs). */
export type Browser = typeof import("../../src/browser.js") &
  Pick<typeof import("../../src/codecs/backends.js"), "zstdBackend" | "deflateBackend" | "crc32Backend">;

/** The Node build (dist/index.js), as a Node app gets it. */
export type NodeBuild = typeof import("../../src/index.js") &
  Pick<typeof import("../../src/codecs/backends.js"), "zstdBackend">;

export interface Bundle {
  dir: string;
  /** The page's bundle; its code expects the worker bundle beside it as `worker.js`. */
  file: string;
  code: string;
  workerCode: string;
  errors: number;
  warnings: string[];
  /** Files esbuild read, and the ones the "browser" field replaced with empty modules. */
  inputs: string[];
  disabled: string[];
  load(): Promise<Browser>;
  dispose(): void;
}

/** Builds dist/ when this test runs on its own (npm test builds first). */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, "dist", "browser.js"))) return;
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
}

export async function loadNodeBuild(): Promise<NodeBuild> {
  ensureBuilt();
  const dist = pathToFileURL(join(ROOT, "dist")).href;
  const [index, backends] = await Promise.all([
    import(`${dist}/index.js`),
    import(`${dist}/codecs/backends.js`),
  ]);
  return { ...index, zstdBackend: backends.zstdBackend } as NodeBuild;
}

interface Output {
  code: string;
  inputs: string[];
  disabled: string[];
  errors: number;
  warnings: string[];
}

/** One esbuild run for browsers, in memory. */
async function bundleOne(options: Pick<BuildOptions, "stdin" | "entryPoints">): Promise<Output> {
  const result = await build({
    ...options,
    bundle: true,
    platform: "browser",
    format: "esm",
    conditions: ["browser"],
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: ROOT,
    // the repo's tsconfig maps "zarrsmith" to src/ for tests; a consumer resolves the package instead
    tsconfigRaw: {},
  });
  const all = Object.keys(result.metafile?.inputs ?? {});
  const DISABLED = "(disabled):";
  return {
    code: result.outputFiles?.[0].text ?? "",
    inputs: all.filter((k) => !k.startsWith(DISABLED)),
    disabled: all.filter((k) => k.startsWith(DISABLED)).map((k) => k.slice(DISABLED.length)),
    errors: result.errors.length,
    warnings: result.warnings.map((w) => w.text),
  };
}

export async function bundle(): Promise<Bundle> {
  ensureBuilt();
  // `zarrsmith` resolves through package.json `exports` (a package may import itself by name).
  const page = await bundleOne({
    stdin: {
      contents: [
        'export * from "zarrsmith";',
        'export { zstdBackend, deflateBackend, crc32Backend } from "./dist/codecs/backends.js";',
      ].join("\n"),
      resolveDir: ROOT,
      sourcefile: "app.mjs",
      loader: "js",
    },
  });
  // What Vite/webpack emit for `new Worker(new URL("./worker.js", import.meta.url))`: the worker
  // entry, bundled on its own and placed beside the page's bundle.
  const worker = await bundleOne({ entryPoints: [join(ROOT, "dist", "concurrency", "worker.js")] });
  const dir = mkdtempSync(join(tmpdir(), "zarrsmith-browser-"));
  const file = join(dir, "zarrsmith.js");
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(file, page.code);
  writeFileSync(join(dir, "worker.js"), worker.code);
  return {
    dir,
    file,
    code: page.code,
    workerCode: worker.code,
    errors: page.errors + worker.errors,
    warnings: [...page.warnings, ...worker.warnings],
    inputs: [...page.inputs, ...worker.inputs],
    disabled: [...page.disabled, ...worker.disabled],
    load: () => import(pathToFileURL(file).href) as Promise<Browser>,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
