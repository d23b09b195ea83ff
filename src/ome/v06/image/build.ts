/**
 * OME-Zarr 0.6 image builders: `Image.new({ arraySpecs, axes, scales, ... })` writes one
 * coordinate system ("physical" by default) holding the axes, and one transformation per dataset
 * from its array to it (a `scale`, or a `sequence` of the scale and a translation). Extra
 * coordinate systems with transformations from the physical one (e.g. an affine to a reference
 * space) are optional. The metadata is validated on construction (every broken rule at once).
 */
import { isIntegerType } from "../../../dtype/types.js";
import type { Issue } from "../../../errors.js";
import { Axis, type AxisInput } from "../../build/axes.js";
import { checkGenerated, envelope } from "../../build/common.js";
import { type Built, ImageBase, type ImageLabelMetadata, readImage } from "../../build/image.js";
import { cloneJSON, type JSONObject } from "../../common/json.js";
import {
  type AnyArraySpec,
  type ArraySpecLike,
  type ArraySpecV3,
  arrayInfo,
  type Group,
  withDimensionNames,
} from "../../zarr-adapter.js";
import type { ImageAttributes, ImageLabelAttributes } from "../models.js";
import type { CoordinateSystem, Transformation } from "../transformations/models.js";

export const DEFAULT_SYSTEM = "physical";

export interface ImageOptionsV06<S> {
  /** One array spec per resolution level, highest resolution first (instances or JSON documents). */
  arraySpecs: readonly (S | JSONObject)[];
  /** The array path of each level (default "0", "1", ...). */
  paths?: readonly string[];
  /** The axes of the image's intrinsic (physical) coordinate system, one per array dimension. */
  axes: readonly AxisInput[];
  /** The name of that coordinate system (default "physical"). */
  coordinateSystem?: string;
  /** The scale of each level (pixel size in the axis units), one vector per level. */
  scales: readonly (readonly number[])[];
  /** The translation of each level (physical offset of the first pixel's center), or null for none. */
  translations?: readonly (readonly number[] | null | undefined)[];
  /**
   * A scale and translation applied to every level (0.5's multiscale-level transformations). 0.6
   * has no such slot for the intrinsic system, so they are folded into each level's transformation
   * (scale·s, translation·s + t), which is the same mapping.
   */
  globalScale?: readonly number[];
  globalTranslation?: readonly number[];
  name?: string;
  /** The downscaling method (`multiscales[].type`), e.g. "gaussian". */
  multiscaleType?: string;
  /** Details of the downscaling method (`multiscales[].metadata`). */
  metadata?: JSONObject;
  /** Transitional rendering metadata (`omero`). */
  omero?: JSONObject;
  /** Further coordinate systems (e.g. a reference space) ... */
  coordinateSystems?: readonly CoordinateSystem[];
  /** ... and transformations from the intrinsic system to them (`input` defaults to the intrinsic system). */
  coordinateTransformations?: readonly Transformation[];
}

export interface ImageLabelOptionsV06<S> extends ImageOptionsV06<S> {
  imageLabel?: ImageLabelMetadata;
}

function levelTransform(
  path: string,
  system: string,
  scale: number[],
  translation: readonly number[] | null | undefined,
): Transformation {
  const ends = { input: { path }, output: { name: system } };
  if (!translation) return { type: "scale", scale, ...ends };
  return {
    type: "sequence",
    ...ends,
    transformations: [
      { type: "scale", scale },
      { type: "translation", translation: [...translation] },
    ],
  };
}

function buildImageV06<S extends AnyArraySpec>(o: ImageLabelOptionsV06<S>, label: boolean): Built<S> {
  const issues: Issue[] = [];
  const n = o.arraySpecs.length;
  const paths = o.paths ?? o.arraySpecs.map((_, i) => String(i));
  const system = o.coordinateSystem ?? DEFAULT_SYSTEM;
  if (n === 0)
    issues.push({
      path: "arraySpecs",
      message: "is empty; an image needs one array spec per resolution level",
    });
  if (paths.length !== n)
    issues.push({
      path: "paths",
      message: `has ${paths.length} entries for ${n} array specs; give one path per level`,
    });
  if (o.scales.length !== n)
    issues.push({
      path: "scales",
      message: `has ${o.scales.length} entries for ${n} array specs; give one scale per level`,
    });
  if (o.translations && o.translations.length !== n)
    issues.push({
      path: "translations",
      message: `has ${o.translations.length} entries for ${n} array specs; give one per level (null for none)`,
    });
  const axes = o.axes.map((a) => Axis(a));
  const names = axes.map((a) => a.name);
  const vectors: [string, readonly number[] | null | undefined][] = [
    ...o.scales.map((v, i): [string, readonly number[]] => [`scales[${i}]`, v]),
    ...(o.translations ?? []).map((v, i): [string, readonly number[] | null | undefined] => [
      `translations[${i}]`,
      v,
    ]),
    ["globalScale", o.globalScale],
    ["globalTranslation", o.globalTranslation],
  ];
  for (const [where, v] of vectors) {
    if (v && v.length !== axes.length)
      issues.push({
        path: where,
        message: `has ${v.length} values but there are ${axes.length} axes; give one value per axis`,
      });
  }

  const arrays: Record<string, ArraySpecLike<S>> = {};
  o.arraySpecs.forEach((input, i) => {
    const where = `arraySpecs[${i}]`;
    const info = arrayInfo(input, where);
    if (Array.isArray(info)) {
      issues.push(...info);
      return;
    }
    let spec = input as ArraySpecLike<S>;
    if (info.format !== 3) {
      issues.push({
        path: where,
        message: `is a Zarr v${info.format} array spec; OME-Zarr 0.6 arrays MUST be Zarr v3`,
      });
    } else if (info.shape.length !== axes.length) {
      issues.push({
        path: `${where}.shape`,
        message: `has ${info.shape.length} dimensions but the coordinate system has ${axes.length} axes; every level MUST have one dimension per axis`,
      });
    } else {
      // Not required by 0.6, but readers that know no coordinate systems (xarray, zarrita) name dimensions by them.
      const given = info.dimensionNames;
      if (given?.some((d, k) => d !== null && d !== names[k])) {
        issues.push({
          path: `${where}.dimension_names`,
          message: `${JSON.stringify(given)} differ from the axis names ${JSON.stringify(names)}; give matching names or none`,
        });
      } else spec = withDimensionNames(spec, names);
    }
    if (info.dataType === undefined)
      issues.push({ path: where, message: "has no data type this library supports" });
    else if (label && !isIntegerType(info.dataType))
      issues.push({
        path: where,
        message: `has data type ${info.dataType}; label images MUST have an integer data type`,
      });
    if (i < paths.length) arrays[paths[i]] = spec;
  });

  const gs = o.globalScale;
  const gt = o.globalTranslation;
  const multiscale: JSONObject = {};
  if (o.name !== undefined) multiscale.name = o.name;
  multiscale.coordinateSystems = [{ name: system, axes }, ...cloneJSON([...(o.coordinateSystems ?? [])])];
  multiscale.datasets = paths.map((path, i) => {
    const s = [...(o.scales[i] ?? [])];
    const t = o.translations?.[i];
    const scale = gs ? s.map((v, a) => v * (gs[a] ?? 1)) : s;
    let translation: number[] | null | undefined = t ? [...t] : null;
    if (gs && translation) translation = translation.map((v, a) => v * (gs[a] ?? 1));
    if (gt) translation = (translation ?? gt.map(() => 0)).map((v, a) => v + (gt[a] ?? 0));
    return { path, coordinateTransformations: [levelTransform(path, system, scale, translation)] };
  });
  if (o.coordinateTransformations && o.coordinateTransformations.length > 0) {
    multiscale.coordinateTransformations = o.coordinateTransformations.map((t) => ({
      ...cloneJSON(t),
      input: t.input ? { ...t.input } : { name: system },
    }));
  }
  if (o.multiscaleType !== undefined) multiscale.type = o.multiscaleType;
  if (o.metadata !== undefined) multiscale.metadata = o.metadata;
  const ns: JSONObject = { multiscales: [multiscale] };
  if (o.omero !== undefined) ns.omero = o.omero;
  if (label) ns["image-label"] = { ...(o.imageLabel ?? {}) };
  const attributes = cloneJSON(envelope("0.6", ns));
  const warnings = checkGenerated("0.6", attributes, label ? "label image" : "image", issues);
  return { attributes, arrays, warnings };
}

/** An OME-Zarr 0.6 image (Zarr v3): `Image.new({...})`, `image.toZarr(store, path)`, `Image.fromZarr(group)`. */
export class ImageV06 extends ImageBase<ImageAttributes, ArraySpecV3> {
  static new(options: ImageOptionsV06<ArraySpecV3>): ImageV06 {
    return new ImageV06("0.6", buildImageV06<ArraySpecV3>(options, false));
  }
  static async fromZarr(group: Group): Promise<ImageV06> {
    return new ImageV06("0.6", await readImage<ArraySpecV3>("0.6", group, false));
  }
}

/** An OME-Zarr 0.6 label image: an image with integer arrays and `image-label` metadata. */
export class ImageLabelV06 extends ImageBase<ImageLabelAttributes, ArraySpecV3> {
  static new(options: ImageLabelOptionsV06<ArraySpecV3>): ImageLabelV06 {
    return new ImageLabelV06("0.6", buildImageV06<ArraySpecV3>(options, true));
  }
  static async fromZarr(group: Group): Promise<ImageLabelV06> {
    return new ImageLabelV06("0.6", await readImage<ArraySpecV3>("0.6", group, true));
  }
}
