/** Rendering a plane to PNG: windowing, percentiles, colormaps, zoom — checked by decoding the PNG. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "fast-png";
import { ndarray, render, ValueError } from "../../src/index.js";

const plane = ndarray(
  Uint16Array.from({ length: 3 * 4 }, (_, i) => i * 100),
  [3, 4],
);

test("a window maps values linearly to 0..255 (clipped), rows are the first axis", () => {
  const png = decode(render.renderPlanePNG(plane, { window: [100, 1100] }));
  assert.deepEqual([png.width, png.height, png.channels], [4, 3, 1]);
  assert.deepEqual(Array.from(png.data.slice(0, 4)), [0, 0, 26, 51]);
  assert.equal(png.data[11], 255);
});

test("zoom magnifies by nearest neighbour; colormaps give RGB", () => {
  const png = decode(render.renderPlanePNG(plane, { window: [0, 1100], zoom: 3 }));
  assert.deepEqual([png.width, png.height], [12, 9]);
  const at = (y: number, x: number) => png.data[y * 12 + x];
  for (let y = 0; y < 9; y++)
    for (let x = 0; x < 12; x++)
      assert.equal(at(y, x), Math.round(((Math.floor(y / 3) * 4 + Math.floor(x / 3)) * 100 * 255) / 1100));
  const rgb = decode(render.renderPlanePNG(plane, { colormap: "viridis", zoom: 2 }));
  assert.deepEqual([rgb.width, rgb.height, rgb.channels], [8, 6, 3]);
  assert.throws(() => render.renderPlanePNG(plane, { zoom: 0 }), ValueError);
});

test("without a window, the 0.5/99.5 percentiles of the plane are used", () => {
  assert.deepEqual(render.percentileWindow(plane), [0, 1100]);
  assert.deepEqual(render.percentileWindow(plane, [50, 100]), [600, 1100]);
});
