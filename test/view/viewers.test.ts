/**
 * The bundled viewer pages in headless Chromium (Debian's, through playwright-core; one browser for
 * the file): Neuroglancer opens the demo output (OME-Zarr 0.4), a sharded 0.5 image and an image
 * with a label image, reports every layer loaded, logs no console errors and makes no failed
 * request beyond Neuroglancer's own probe of `.zarray` at a v2 group; the centre of the screenshot
 * matches what `zarrsmith slice` renders for the same plane (pixel statistics). The slices page
 * draws the same plane from zarrsmith's browser build.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decode } from "fast-png";
import { renderSlicePNG } from "../../src/cli/commands/slice.js";
import { phantom } from "../../src/demo/phantom.js";
import { LocalStore, ndarray, pyramid, type Store } from "../../src/index.js";
import { type Browser, launchBrowser, READY, serveView } from "../../src/view/index.js";
import { cliJSON, ensureBuilt } from "../helpers/cli.js";

const VIEWPORT = { width: 800, height: 600 };
let browser: Browser;
let dir: string;

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "zarrsmith-viewers-"));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Grey values (mean of RGB) of a PNG in a box around (cx, cy) of half-size h. */
function boxStats(png: Uint8Array, cx: number, cy: number, hx: number, hy: number) {
  const img = decode(png);
  const ch = img.channels;
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let y = Math.round(cy - hy); y < Math.round(cy + hy); y++) {
    for (let x = Math.round(cx - hx); x < Math.round(cx + hx); x++) {
      const o = (y * img.width + x) * ch;
      const v = ch >= 3 ? (img.data[o] + img.data[o + 1] + img.data[o + 2]) / 3 : img.data[o];
      sum += v;
      sq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), width: img.width, height: img.height };
}

const PANEL = `(() => {
  const r = document.querySelector(".neuroglancer-rendered-data-panel").getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
})()`;

/**
 * No console errors and no failed requests, except 404s for keys the store really does not hold:
 * `allowedMissing` (Neuroglancer's `.zarray` probe of a v2 group) and chunks never written because
 * they hold only the fill value (Zarr's way to store nothing).
 */
async function checkErrors(
  store: Store,
  origin: string,
  shot: { consoleErrors: string[]; failedRequests: string[] },
  allowedMissing: string[],
) {
  const data = `${origin}/data/`;
  const absentChunk = async (url: string) => {
    const key = url.slice(data.length);
    return /\/\d+(\/\d+)+$/.test(key) && (await store.get(key)) === undefined;
  };
  const problems: string[] = [];
  for (const e of shot.consoleErrors) {
    const url = /\[(.*)\]$/.exec(e)?.[1] ?? "";
    const key = url.startsWith(data) ? url.slice(data.length) : undefined;
    if (
      e.includes("status of 404") &&
      key !== undefined &&
      (allowedMissing.includes(key) || (await absentChunk(url)))
    )
      continue;
    problems.push(e);
  }
  for (const e of shot.failedRequests) {
    const m = /^(\S+) \(HTTP 404\)$/.exec(e);
    if (
      m?.[1].startsWith(data) &&
      (allowedMissing.includes(m[1].slice(data.length)) || (await absentChunk(m[1])))
    )
      continue;
    problems.push(e);
  }
  assert.deepEqual(problems, [], "console errors and failed requests");
  for (const key of allowedMissing) assert.equal(await store.get(key), undefined, `${key} is really absent`);
}

/** Opens `store` in Neuroglancer; checks errors; compares the centre with `slice` of the middle z plane. */
async function checkNeuroglancer(store: Store, allowedMissing: string[]) {
  const view = await serveView(store, { layout: "xy", viewport: VIEWPORT });
  try {
    const shot = await browser.shoot(view.url, {
      viewport: VIEWPORT,
      ready: READY.neuroglancer,
      measure: PANEL,
    });
    await checkErrors(store, view.server.origin, shot, allowedMissing);
    // the centre of the panel against the slice PNG's centre (the image is fit to the panel height)
    const panel = shot.measured as { x: number; y: number; width: number; height: number };
    const z = view.image.shape[view.image.axes.findIndex((a) => a.name === "z")];
    const slice = await renderSlicePNG(store, { axis: "z", index: Math.floor(z / 2), channel: 0 });
    const ref = boxStats(slice.png, slice.width / 2, slice.height / 2, slice.width * 0.2, slice.height * 0.2);
    const scale = panel.height / 1.02 / slice.height; // screen pixels per voxel (see neuroglancerState's fit)
    const got = boxStats(
      shot.png,
      panel.x + panel.width / 2,
      panel.y + panel.height / 2,
      slice.width * 0.2 * scale,
      slice.height * 0.2 * scale,
    );
    assert.ok(
      Math.abs(got.mean - ref.mean) < 10,
      `mean ${got.mean.toFixed(1)} vs slice ${ref.mean.toFixed(1)}`,
    );
    assert.ok(Math.abs(got.std - ref.std) < 12, `std ${got.std.toFixed(1)} vs slice ${ref.std.toFixed(1)}`);
    assert.ok(ref.std > 10, "the compared region has structure");
    return { view, shot };
  } finally {
    await view.close();
  }
}

describe("Neuroglancer page", () => {
  it("the demo output (OME-Zarr 0.4)", async () => {
    const out = join(dir, "demo.ome.zarr");
    cliJSON(["demo", "--size", "64", out]);
    await checkNeuroglancer(new LocalStore(out), [".zarray"]);
  });

  it("a sharded OME-Zarr 0.5 image", async () => {
    const out = join(dir, "sharded.ome.zarr");
    await pyramid.write(phantom(48), new LocalStore(out), {
      omeZarrVersion: "0.5",
      chunks: [16, 16, 16],
      shards: [32, 32, 32],
      units: "micrometer",
      scale: [2, 1, 1],
    });
    const { view } = await checkNeuroglancer(new LocalStore(out), []);
    assert.equal(
      Array.isArray(view.state?.layers) &&
        (view.state.layers as { source: string }[])[0].source.startsWith("zarr3://"),
      true,
    );
  });

  it("an image with a label image: a segmentation layer with its colours", async () => {
    const out = join(dir, "labelled.ome.zarr");
    const store = new LocalStore(out);
    const image = phantom(40);
    await pyramid.write(image, store, { chunks: [16, 16, 16], units: "micrometer" });
    await pyramid.writeLabels(
      {
        shape: [...image.shape],
        dtype: "uint8",
        async read(region) {
          const p = await image.read(region.map(([a, b]) => [a, b] as [number, number]));
          return ndarray(
            Uint8Array.from(p.data as ArrayLike<number>, (v) => (v > 12000 ? 2 : 0)),
            p.shape,
            "uint8",
          );
        },
      },
      store,
      { name: "bright", chunks: [16, 16, 16] },
    );
    const view = await serveView(store, { layout: "xy", viewport: VIEWPORT });
    try {
      const layers = view.state?.layers as { type: string; segmentColors?: Record<string, string> }[];
      assert.deepEqual(
        layers.map((l) => l.type),
        ["image", "segmentation"],
      );
      assert.ok(layers[1].segmentColors?.["2"], "label 2 has its colour from image-label");
      const shot = await browser.shoot(view.url, { viewport: VIEWPORT, ready: READY.neuroglancer });
      await checkErrors(store, view.server.origin, shot, [".zarray", "labels/bright/.zarray"]);
      assert.ok(
        shot.requests.some((r) => r.includes("/data/labels/bright/")),
        "the label image is read",
      );
    } finally {
      await view.close();
    }
  });
});

describe("slices page", () => {
  it("draws the middle plane of the demo from zarrsmith's browser build", async () => {
    const out = join(dir, "demo.ome.zarr");
    const view = await serveView(new LocalStore(out), { viewer: "slices" });
    try {
      const shot = await browser.shoot(view.url, {
        viewport: VIEWPORT,
        ready: READY.slices,
        measure: "document.body.dataset.drawn",
      });
      assert.deepEqual(shot.consoleErrors, []);
      assert.deepEqual(shot.failedRequests, []);
      assert.equal(shot.measured, "0:0:32", "level 0, axis z, plane 32");
    } finally {
      await view.close();
    }
  });
});
