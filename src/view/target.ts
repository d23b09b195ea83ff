/**
 * What a viewer page needs to know about the served target, read once when `view` starts: the image
 * (axes, units, level-0 shape and physical transform), a contrast window per channel (omero's, or
 * percentiles of a coarse level), channel colours and names, and the label images under `labels/`.
 */
import { ZarrArray } from "../array/zarr-array.js";
import type { Group } from "../hierarchy/group.js";
import { readNodeMetadata } from "../hierarchy/metadata-io.js";
import { open } from "../hierarchy/open.js";
import { type OmeAxis, type OmeImageInfo, omeImage } from "../ome/image-info.js";
import { channelPercentiles, sampleLevel } from "../pyramid/window.js";
import type { Store } from "../store/types.js";

export interface ViewChannel {
  name: string;
  /** "RRGGBB" */
  color: string;
  window: [number, number];
  windowFrom: "omero" | "percentiles";
}

export interface ViewImage {
  /** Path in the store ("" for the root). */
  path: string;
  zarrFormat: 2 | 3;
  name: string;
  axes: OmeAxis[];
  shape: number[];
  scale: number[];
  translation: number[];
  /** Level shapes and paths (for the slices page). */
  levels: Array<{ path: string; shape: number[]; scale: number[] }>;
  dtype: string;
  channels: ViewChannel[];
  /** Label images: colours by label value ("RRGGBB"). */
  labels: Array<{ name: string; path: string; colors: Record<string, string> }>;
  /** A plain array (no OME metadata). */
  plain: boolean;
  defaultZ?: number;
}

const hex = (rgba: number[]) =>
  rgba
    .slice(0, 3)
    .map((v) =>
      Math.max(0, Math.min(255, Math.round(v)))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")
    .toUpperCase();

const DEFAULT_COLORS = ["FF0000", "00FF00", "0000FF", "FF00FF", "00FFFF", "FFFF00", "FFFFFF"];

/** Reads the target's metadata and computes what the omero metadata does not give. */
export async function describeTarget(store: Store): Promise<ViewImage> {
  const node = await open(store, "");
  if (node instanceof ZarrArray) {
    const names = ["t", "c", "z", "y", "x"].slice(Math.max(0, 5 - node.ndim));
    const axes: OmeAxis[] = node.shape.map((_, i) => ({ name: names[i] ?? `d${i}` }));
    const [window] = await channelPercentiles(node, -1);
    return {
      path: "",
      zarrFormat: node.zarrFormat,
      name: "array",
      axes,
      shape: node.shape,
      scale: node.shape.map(() => 1),
      translation: node.shape.map(() => 0),
      levels: [{ path: "", shape: node.shape, scale: node.shape.map(() => 1) }],
      dtype: node.dtype,
      channels: [{ name: "array", color: "FFFFFF", window, windowFrom: "percentiles" }],
      labels: [],
      plain: true,
    };
  }
  const info = omeImage(node.attrs);
  if (!info) {
    throw new Error(
      `${store.description ?? "the target"} is a group without OME multiscales: give an image or an array`,
    );
  }
  const levels = await Promise.all(info.levels.map((l) => node.array(l.path)));
  const c = info.axes.findIndex((a) => a.type === "channel");
  const count = c >= 0 ? levels[0].shape[c] : 1;
  const given = info.channels ?? [];
  const needPercentiles = Array.from({ length: count }, (_, i) => windowOf(given[i]) === undefined).some(
    Boolean,
  );
  const percentiles = needPercentiles && !info.labels ? await channelPercentiles(sampleLevel(levels), c) : [];
  const channels: ViewChannel[] = Array.from({ length: count }, (_, i) => {
    const own = windowOf(given[i]);
    const color =
      typeof given[i]?.color === "string" && /^[0-9a-f]{6}$/i.test(given[i].color!)
        ? given[i].color!
        : undefined;
    return {
      name: given[i]?.label ?? (count === 1 ? (info.name ?? "image") : `channel ${i}`),
      color: (color ?? (count === 1 ? "FFFFFF" : DEFAULT_COLORS[i % DEFAULT_COLORS.length])).toUpperCase(),
      window: own ?? percentiles[i] ?? [0, 1],
      windowFrom: own ? "omero" : "percentiles",
    };
  });
  const ndim = info.axes.length;
  return {
    path: "",
    zarrFormat: node.zarrFormat,
    name: info.name ?? "image",
    axes: info.axes,
    shape: levels[0].shape,
    scale: info.levels[0].scale ?? new Array(ndim).fill(1),
    translation: info.levels[0].translation ?? new Array(ndim).fill(0),
    levels: levels.map((a, i) => ({
      path: info.levels[i].path,
      shape: a.shape,
      scale: info.levels[i].scale ?? new Array(ndim).fill(1),
    })),
    dtype: levels[0].dtype,
    channels,
    labels: info.labels ? [] : await labelImages(node),
    plain: false,
    defaultZ: info.defaultZ,
    ...(info.labels ? { labelImage: true } : {}),
  };
}

function windowOf(
  channel: NonNullable<OmeImageInfo["channels"]>[number] | undefined,
): [number, number] | undefined {
  const w = channel?.window;
  const start = w?.start ?? w?.min;
  const end = w?.end ?? w?.max;
  return typeof start === "number" && typeof end === "number" && end > start ? [start, end] : undefined;
}

/** The label images listed in the image's `labels/` group (those that open as OME images). */
async function labelImages(image: Group): Promise<ViewImage["labels"]> {
  const meta = await readNodeMetadata(image.store, image.childPath("labels"), {
    format: image.zarrFormat,
    kind: "group",
  });
  if (meta?.kind !== "group") return [];
  const attrs =
    meta.format === 2 ? meta.attributes : ((meta.document.attributes ?? {}) as Record<string, unknown>);
  const ns = (attrs.ome ?? attrs) as { labels?: unknown };
  const names = Array.isArray(ns.labels) ? ns.labels.filter((n): n is string => typeof n === "string") : [];
  const out: ViewImage["labels"] = [];
  for (const name of names) {
    const group = await image.group(`labels/${name}`).catch(() => undefined);
    const info = group && omeImage(group.attrs);
    if (!info) continue;
    const colors: Record<string, string> = {};
    for (const c of info.labelColors ?? []) {
      if (Array.isArray(c.rgba) && c.rgba[3] !== 0) colors[String(c["label-value"])] = hex(c.rgba);
    }
    out.push({ name, path: `labels/${name}`, colors });
  }
  return out;
}
