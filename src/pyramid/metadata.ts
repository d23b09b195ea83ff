/**
 * The OME-Zarr metadata of a pyramid: axes resolved from names, and the `multiscales` (+ `omero`
 * display window, or `image-label`) document built by the OME builders, which validate it against
 * the official schemas. Built before any chunk is written, so bad axes/units fail early; the
 * document is written last (see writer.ts).
 */
import type { DataType } from "../dtype/types.js";
import { ValueError } from "../errors.js";
import type { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import type { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import { Axis, type AxisInput } from "../ome/build/axes.js";
import {
  type ImageLabelMetadata,
  ImageLabelV04,
  ImageLabelV05,
  ImageV04,
  ImageV05,
} from "../ome/build/image.js";
import type { JSONObject } from "../ome/common/json.js";
import type { Axis as AxisModel } from "../ome/common/models.js";
import { ImageLabelV06, ImageV06 } from "../ome/v06/image/build.js";
import type { ExtraSystems } from "../ome/v06/image/extra.js";
import type { DownsampleMethod } from "./downsample/index.js";
import type { PyramidPlan } from "./plan.js";
import type { ChannelWindow } from "./window.js";

export type { AxisModel as Axis };

/**
 * An axis as the pyramid options take it: a name ("z": its type follows from the name) or an OME
 * axis object (`ome.AxisInput`: name, type, unit).
 */
export type AxisOrName = string | AxisInput;

const TYPE_BY_NAME: Record<string, string> = { x: "space", y: "space", z: "space", t: "time", c: "channel" };

/**
 * Resolves axis names/objects for an array of `ndim` dimensions. Default axes are the last
 * dimensions of t, c, z, y, x. `units` applies one unit to every space axis, or one per axis.
 */
export function resolveAxes(
  axes: readonly AxisOrName[] | undefined,
  ndim: number,
  units?: string | readonly (string | undefined)[],
): AxisModel[] {
  if (!axes && ndim > 5)
    throw new ValueError(
      `axes: give names for the ${ndim} dimensions (defaults cover up to 5: t, c, z, y, x)`,
    );
  const given = axes ?? ["t", "c", "z", "y", "x"].slice(5 - ndim);
  if (given.length !== ndim)
    throw new ValueError(`axes has ${given.length} entries but the data has ${ndim} dimensions`);
  if (Array.isArray(units) && units.length !== ndim) {
    throw new ValueError(`units has ${units.length} entries but the data has ${ndim} dimensions`);
  }
  return given.map((a, i) => {
    const input = typeof a === "string" ? { name: a } : a;
    const type = input.type ?? TYPE_BY_NAME[input.name.toLowerCase()];
    const unit =
      input.unit ??
      (Array.isArray(units) ? units[i] : type === "space" ? (units as string | undefined) : undefined);
    return Axis(input.name, type, unit);
  });
}

export interface ImageMetadataOptions {
  version: "0.4" | "0.5" | "0.6";
  axes: AxisModel[];
  plan: PyramidPlan;
  specs: Array<ArraySpecV2 | ArraySpecV3>;
  paths: string[];
  name: string;
  method: DownsampleMethod;
  dtype: DataType;
  labels?: boolean;
  channelNames?: string[];
  /** Write every level's translation, zeros included (the textbook's form with translations "zero"). */
  explicitTranslations?: boolean;
  /** 0.6 only: coordinate systems besides the physical one, and transformations from it to them. */
  extra?: ExtraSystems;
}

export interface ImageMetadata {
  /** The group attributes, with `omero` display windows (one per channel) when known (images only). */
  attributes(windows?: readonly ChannelWindow[], imageLabel?: ImageLabelMetadata): JSONObject;
}

/** Builds (and validates) the image metadata now; fills in the display window at the end. */
export function buildImageMetadata(o: ImageMetadataOptions): ImageMetadata {
  const build = (omero?: JSONObject, imageLabel?: ImageLabelMetadata): JSONObject => {
    const common = {
      paths: o.paths,
      axes: o.axes,
      scales: o.plan.levels.map((l) => l.scale),
      translations: o.plan.levels.map((l) =>
        o.explicitTranslations || l.translation.some((t) => t !== 0) ? l.translation : null,
      ),
      name: o.name,
      multiscaleType: o.method,
      metadata: { method: `zarrsmith.pyramid.${o.method}`, description: `downsampled with ${o.method}` },
      ...(omero ? { omero } : {}),
    };
    if (o.version === "0.4") {
      const arraySpecs = o.specs as ArraySpecV2[];
      return (
        o.labels
          ? ImageLabelV04.new({ ...common, arraySpecs, imageLabel })
          : ImageV04.new({ ...common, arraySpecs })
      ).toJSON();
    }
    const arraySpecs = o.specs as ArraySpecV3[];
    if (o.version === "0.6") {
      const v06 = { ...common, arraySpecs, ...o.extra };
      return (o.labels ? ImageLabelV06.new(v06) : ImageV06.new(v06)).toJSON();
    }
    return (
      o.labels
        ? ImageLabelV05.new({ ...common, arraySpecs, imageLabel })
        : ImageV05.new({ ...common, arraySpecs })
    ).toJSON();
  };
  if (o.channelNames) {
    const c = o.axes.findIndex((a) => a.type === "channel");
    const count = c >= 0 ? o.plan.levels[0].shape[c] : 1;
    if (o.channelNames.length !== count) {
      throw new ValueError(
        `channelNames has ${o.channelNames.length} names but the image has ${count} channel(s)`,
      );
    }
  }
  build(); // fail before any data is written
  return {
    attributes(windows, imageLabel) {
      if (o.labels) return build(undefined, imageLabel);
      if (!windows) return build();
      return build(omeroFor(o, windows));
    },
  };
}

/**
 * `omero` rendering hints: one channel per channel index with its own window, opening on the
 * middle z plane (plane 0 is usually an empty edge).
 */
function omeroFor(o: ImageMetadataOptions, windows: readonly ChannelWindow[]): JSONObject {
  const c = o.axes.findIndex((a) => a.type === "channel");
  const count = c >= 0 ? o.plan.levels[0].shape[c] : 1;
  const names = o.channelNames?.length === count ? o.channelNames : undefined;
  const colors =
    count === 1 ? ["FFFFFF"] : ["FF0000", "00FF00", "0000FF", "FF00FF", "00FFFF", "FFFF00", "FFFFFF"];
  return {
    name: o.name,
    version: o.version,
    channels: Array.from({ length: count }, (_, i) => ({
      active: true,
      coefficient: 1,
      color: colors[i % colors.length],
      family: "linear",
      inverted: false,
      label: names?.[i] ?? (count === 1 ? o.name : `channel ${i}`),
      window: { ...windows[i] },
    })),
    rdefs: { model: count === 1 ? "greyscale" : "color", defaultZ: middleZ(o), defaultT: 0 },
  };
}

/** The middle plane of level 0's z axis (0 without one). */
function middleZ(o: ImageMetadataOptions): number {
  const z = o.axes.findIndex((a) => a.type === "space" && a.name.toLowerCase() === "z");
  return z >= 0 ? Math.floor(o.plan.levels[0].shape[z] / 2) : 0;
}
