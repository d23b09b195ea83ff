/**
 * Viv's OME-Zarr loader (`loadOmeZarr` of @vivjs/loaders 0.21; `@hms-dbmi/viv` 0.21 is
 * `export * from '@vivjs/loaders'` plus deck.gl layers, not needed to read pixels: the whole package
 * is 141 packages, 165 MB and ~31 s to install with its deck.gl/luma.gl/react peers, the loader 15
 * packages, ~10 MB, ~3 s) bundled into a page with esbuild, in
 * headless Chromium, reading our pyramids from the `zarrsmith view` server. Viv applies one
 * selection to every level of a pyramid, so a viewer at the middle z asks each level for that z:
 *   - `downsampleAxes: "xy"` (the default) keeps z on every level: every level answers;
 *   - `downsampleAxes: "xyz"` halves z: the coarse levels fail with zarrita's IndexError, the
 *     failure that made xy the default (issue 14).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import { phantom } from "../../src/demo/phantom.js";
import { LocalStore, pyramid } from "../../src/index.js";
import { CHROMIUM_ARGS, chromiumPath } from "../../src/view/browser.js";
import { startViewServer } from "../../src/view/index.js";
import { ROOT } from "../browser/bundle.js";

const SIZE = 64;
let dir: string;
let site: string;
let browser: import("playwright-core").Browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "zarrsmith-viv-"));
  site = join(dir, "site");
  const result = await build({
    stdin: {
      contents: 'import { loadOmeZarr } from "@vivjs/loaders"; window.viv = { loadOmeZarr };',
      resolveDir: ROOT,
      sourcefile: "viv-page.mjs",
      loader: "js",
    },
    bundle: true,
    platform: "browser",
    format: "esm",
    outfile: join(site, "viv.js"),
    logLevel: "silent",
    tsconfigRaw: {},
  });
  assert.deepEqual(result.errors, []);
  writeFileSync(join(site, "index.html"), '<!doctype html><script type="module" src="./viv.js"></script>\n');
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface LevelResult {
  shape: number[];
  labels: string[];
  error?: string;
  raster?: { width: number; height: number; mean: number };
  tile?: { width: number; height: number };
}

/** Writes a 3-level pyramid, serves it, and has Viv read every level at the middle z of level 0. */
async function readWithViv(name: string, options: Parameters<typeof pyramid.write>[2]) {
  const out = join(dir, name);
  await pyramid.write(phantom(SIZE), new LocalStore(out), { levels: 3, chunks: [32, 32, 32], ...options });
  const server = await startViewServer({ store: new LocalStore(out), sites: { viv: site } });
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  try {
    await page.goto(`${server.origin}/viv/index.html`);
    await page.waitForFunction("window.viv !== undefined");
    const levels = await page.evaluate(async (url) => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's global set by viv.js
      const { loadOmeZarr } = (window as any).viv;
      const { data } = await loadOmeZarr(url, { type: "multiscales" });
      const z = Math.floor(data[0].shape[data[0].labels.indexOf("z")] / 2);
      const out: LevelResult[] = [];
      for (const source of data) {
        const level: LevelResult = { shape: source.shape, labels: source.labels };
        try {
          const raster = await source.getRaster({ selection: { z } });
          let sum = 0;
          for (const v of raster.data) sum += v;
          level.raster = { width: raster.width, height: raster.height, mean: sum / raster.data.length };
          const tile = await source.getTile({ x: 0, y: 0, selection: { z } });
          level.tile = { width: tile.width, height: tile.height };
        } catch (e) {
          level.error = `${(e as Error).name}: ${(e as Error).message}`;
        }
        out.push(level);
      }
      return out;
    }, `${server.origin}/data/`);
    return { levels, pageErrors };
  } finally {
    await page.close();
    await server.close();
  }
}

describe("Viv's loader on zarrsmith pyramids, every level at the middle z", () => {
  for (const version of ["0.4", "0.5"] as const) {
    it(`downsampleAxes xy (OME-Zarr ${version}): every level reads`, async () => {
      const { levels, pageErrors } = await readWithViv(`xy-${version}.ome.zarr`, {
        downsampleAxes: "xy",
        omeZarrVersion: version,
      });
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(
        levels.map((l) => l.shape),
        [
          [SIZE, SIZE, SIZE],
          [SIZE, SIZE / 2, SIZE / 2],
          [SIZE, SIZE / 4, SIZE / 4],
        ],
      );
      for (const [i, level] of levels.entries()) {
        assert.equal(level.error, undefined, `level ${i}`);
        assert.deepEqual(level.labels, ["z", "y", "x"]);
        assert.equal(level.raster?.width, SIZE >> i);
        assert.equal(level.raster?.height, SIZE >> i);
        assert.ok((level.tile?.width ?? 0) > 0, `level ${i} tile`);
      }
      // the middle plane holds the phantom's structure at every level, with about the same mean
      const means = levels.map((l) => l.raster?.mean ?? 0);
      assert.ok(means[0] > 0);
      for (const m of means) assert.ok(Math.abs(m - means[0]) / means[0] < 0.1, means.join(", "));
    });
  }

  it("downsampleAxes xyz: Viv fails on the coarse levels (why xy is the default)", async () => {
    const { levels } = await readWithViv("xyz.ome.zarr", { downsampleAxes: "xyz" });
    assert.deepEqual(
      levels.map((l) => l.shape[0]),
      [SIZE, SIZE / 2, SIZE / 4],
    );
    assert.equal(levels[0].error, undefined);
    for (const i of [1, 2]) {
      assert.match(
        levels[i].error ?? "",
        new RegExp(`index out of bounds for dimension with length ${SIZE >> i}`),
        `level ${i}`,
      );
    }
  });
});
