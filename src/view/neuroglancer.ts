/**
 * The Neuroglancer state `zarrsmith view` opens with: the image's physical units and scale as the
 * global dimensions, one image layer per channel (its colour, its omero or percentile window, added
 * together), label images as segmentation layers with their colour tables, centred on the middle
 * plane (or omero's defaultZ). Neuroglancer keeps `displayDimensions` only when `dimensions` is given.
 */
import { siUnit } from "../ome/common/units.js";
import type { ViewImage } from "./target.js";

export interface NeuroglancerOptions {
  /** The /data/ URL of the served store (absolute). */
  dataUrl: string;
  layout?: "xy" | "4panel";
  /** Viewport size in CSS pixels, to zoom the image to fit (default 1024x768). */
  viewport?: { width: number; height: number };
}

/** The state for Neuroglancer's URL fragment (`#!` + JSON). */
export function neuroglancerState(image: ViewImage, options: NeuroglancerOptions): Record<string, unknown> {
  const scheme = image.zarrFormat === 2 ? "zarr2" : "zarr3";
  const source = (path: string) => `${scheme}://${options.dataUrl}${path === "" ? "" : `${path}/`}`;
  const globalAxes = image.axes.map((a, i) => ({ a, i })).filter(({ a }) => a.type !== "channel");
  const dimensions: Record<string, [number, string]> = {};
  for (const { a, i } of globalAxes) {
    const si = a.unit ? siUnit(a.unit) : undefined;
    dimensions[a.name] = si ? [image.scale[i] * si[0], si[1]] : [image.scale[i], ""];
  }
  const spatial = globalAxes.filter(({ a }) => a.type === "space" || a.type === undefined);
  const display = spatial
    .slice(-3)
    .reverse()
    .map(({ a }) => a.name); // x, y, z order
  const zAxis = spatial.length >= 3 ? spatial[spatial.length - 3].i : -1;
  // global coordinates are level-0 voxel units (the dimensions' scale is the voxel size); a voxel
  // spans [i, i + 1) there, so +0.5 is a plane's centre
  const position = globalAxes.map(({ i }) => {
    const offset = image.translation[i] / image.scale[i];
    if (i === zAxis) return offset + (image.defaultZ ?? Math.floor(image.shape[i] / 2)) + 0.5;
    if (spatial.some((s) => s.i === i)) return offset + image.shape[i] / 2;
    return offset + 0.5; // first time point
  });
  const viewport = options.viewport ?? { width: 1024, height: 768 };
  const [yAxis, xAxis] = spatial.slice(-2).map((s) => s.i);
  const fit =
    xAxis !== undefined && yAxis !== undefined
      ? Math.max(image.shape[xAxis] / viewport.width, image.shape[yAxis] / viewport.height) * 1.02
      : 1;
  const multiChannel = image.channels.length > 1;
  const channelDim = image.axes.find((a) => a.type === "channel");
  const layers: Record<string, unknown>[] = image.channels.map((c, k) => ({
    type: "image",
    name: multiChannel ? c.name : image.name,
    source: source(image.path),
    ...(multiChannel && channelDim
      ? { localDimensions: { [`${channelDim.name}'`]: [1, ""] }, localPosition: [k + 0.5] }
      : {}),
    ...(multiChannel ? { blend: "additive" } : {}),
    opacity: 1,
    shader: [
      `#uicontrol vec3 color color(default="#${c.color.toLowerCase()}")`,
      "#uicontrol invlerp normalized",
      "void main() {",
      "  emitRGB(color * normalized());",
      "}",
    ].join("\n"),
    shaderControls: { normalized: { range: c.window } },
  }));
  for (const label of image.labels) {
    const colors = Object.fromEntries(
      Object.entries(label.colors).map(([v, hex]) => [v, `#${hex.toLowerCase()}`]),
    );
    layers.push({
      type: "segmentation",
      name: label.name,
      source: source(label.path),
      ...(Object.keys(colors).length > 0 ? { segmentColors: colors } : {}),
      selectedAlpha: 0.5,
    });
  }
  return {
    dimensions,
    displayDimensions: display,
    position,
    crossSectionScale: fit,
    projectionScale: Math.max(...spatial.map(({ i }) => image.shape[i])) * 2,
    layers,
    selectedLayer: { visible: false },
    layout: options.layout ?? (zAxis >= 0 ? "4panel" : "xy"),
  };
}

/** The URL fragment for a state. */
export function neuroglancerFragment(state: Record<string, unknown>): string {
  return `#!${encodeURIComponent(JSON.stringify(state))}`;
}
