/**
 * Image builders (ome-zarr-models' `Image.new` / `ImageLabel.new`): a multiscale image from one array
 * spec, path and scale per level. The metadata is generated, validated (every broken rule is thrown
 * at once as a SpecError) and written with the arrays; `fromZarr` reads and validates a stored image.
 */
import { isIntegerType } from "../../dtype/types.js";
import { type Issue, SpecError } from "../../errors.js";
import type { Store } from "../../store/types.js";
import { isObject, type JSONObject } from "../common/json.js";
import type { CoordinateTransformation, LabelColor, LabelProperty, LabelSource } from "../common/models.js";
import * as v04 from "../v04/models.js";
import * as v05 from "../v05/models.js";
import * as v06 from "../v06/models.js";
import { validate } from "../validate/hierarchy.js";
import type { OmeVersion } from "../validate/report.js";
import {
  type AnyArraySpec,
  type AnyGroupSpec,
  type ArraySpecLike,
  type ArraySpecV2,
  type ArraySpecV3,
  arrayInfo,
  buildGroupSpec,
  type CreateOptions,
  type Group,
  readArraySpec,
  withDimensionNames,
  writeGroup,
} from "../zarr-adapter.js";
import { Axis, type AxisInput } from "./axes.js";
import { checkGenerated, envelope, formatOf, namespaceOf, OmeGroup } from "./common.js";

export interface ImageOptions<S> {
  /** One array spec per resolution level, highest resolution first (instances or JSON documents). */
  arraySpecs: readonly (S | JSONObject)[];
  /** The array path of each level (default "0", "1", ...). */
  paths?: readonly string[];
  axes: readonly AxisInput[];
  /** The scale of each level (pixel size in the axis units), one vector per level. */
  scales: readonly (readonly number[])[];
  /** The translation of each level (physical offset), one vector per level (or null for none). */
  translations?: readonly (readonly number[] | null | undefined)[];
  name?: string;
  /** A scale applied to every level (e.g. the voxel size, when `scales` are downsampling factors). */
  globalScale?: readonly number[];
  globalTranslation?: readonly number[];
  /** The downscaling method (`multiscales[].type`), e.g. "gaussian". */
  multiscaleType?: string;
  /** Details of the downscaling method (`multiscales[].metadata`). */
  metadata?: JSONObject;
  /** Transitional rendering metadata (`omero`). */
  omero?: JSONObject;
}

export interface ImageLabelMetadata {
  colors?: LabelColor[];
  properties?: LabelProperty[];
  source?: LabelSource;
  [key: string]: unknown;
}

export interface ImageLabelOptions<S> extends ImageOptions<S> {
  /** The `image-label` object: display colors, properties, source image. */
  imageLabel?: ImageLabelMetadata;
}

export interface Built<S extends AnyArraySpec> {
  attributes: JSONObject;
  arrays: Record<string, ArraySpecLike<S>>;
  warnings: Issue[];
}

function transforms(
  scale: readonly number[] | undefined,
  translation: readonly number[] | null | undefined,
): CoordinateTransformation[] {
  const list: CoordinateTransformation[] = [{ type: "scale", scale: [...(scale ?? [])] }];
  if (translation) list.push({ type: "translation", translation: [...translation] });
  return list;
}

/** Generates and validates an image's metadata and array specs (label images also get `image-label`). */
function buildImage<S extends AnyArraySpec>(
  version: OmeVersion,
  o: ImageLabelOptions<S>,
  label: boolean,
): Built<S> {
  const issues: Issue[] = [];
  const format = formatOf(version);
  const n = o.arraySpecs.length;
  const paths = o.paths ?? o.arraySpecs.map((_, i) => String(i));
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
  if (o.translations && o.translations.length !== n) {
    issues.push({
      path: "translations",
      message: `has ${o.translations.length} entries for ${n} array specs; give one per level (null for none)`,
    });
  }
  const axes = o.axes.map((a) => Axis(a));
  const names = axes.map((a) => a.name);
  // The validator tolerates self-consistent wrong-length vectors in 0.4 (as a warning, for reading
  // what others wrote); a writer must never produce them, so the builder checks lengths itself.
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
    if (v && v.length !== axes.length) {
      issues.push({
        path: where,
        message: `has ${v.length} values but there are ${axes.length} axes; give one value per axis`,
      });
    }
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
    if (info.format !== format) {
      issues.push({
        path: where,
        message: `is a Zarr v${info.format} array spec; OME-Zarr ${version} arrays MUST be Zarr v${format}`,
      });
    } else if (info.shape.length !== axes.length) {
      issues.push({
        path: `${where}.shape`,
        message: `has ${info.shape.length} dimensions but there are ${axes.length} axes; every level MUST have one dimension per axis`,
      });
    } else if (format === 3) {
      // 0.5: the arrays' dimension_names MUST equal the axis names.
      const given = info.dimensionNames;
      if (given?.some((d, k) => d !== null && d !== names[k])) {
        issues.push({
          path: `${where}.dimension_names`,
          message: `${JSON.stringify(given)} differ from the axis names ${JSON.stringify(names)}; OME-Zarr 0.5 requires them to be equal`,
        });
      } else spec = withDimensionNames(spec, names);
    }
    if (info.dataType === undefined)
      issues.push({ path: where, message: "has no data type this library supports" });
    else if (label && !isIntegerType(info.dataType)) {
      issues.push({
        path: where,
        message: `has data type ${info.dataType}; label images MUST have an integer data type`,
      });
    }
    if (i < paths.length) arrays[paths[i]] = spec;
  });

  const multiscale: JSONObject = {};
  if (version === "0.4") multiscale.version = "0.4";
  if (o.name !== undefined) multiscale.name = o.name;
  multiscale.axes = axes;
  multiscale.datasets = paths.map((path, i) => ({
    path,
    coordinateTransformations: transforms(o.scales[i], o.translations?.[i]),
  }));
  if (o.globalScale || o.globalTranslation) {
    multiscale.coordinateTransformations = transforms(
      o.globalScale ?? axes.map(() => 1),
      o.globalTranslation,
    );
  }
  if (o.multiscaleType !== undefined) multiscale.type = o.multiscaleType;
  if (o.metadata !== undefined) multiscale.metadata = o.metadata;

  const ns: JSONObject = { multiscales: [multiscale] };
  if (o.omero !== undefined) ns.omero = o.omero;
  if (label)
    ns["image-label"] =
      version === "0.4" ? { version: "0.4", ...(o.imageLabel ?? {}) } : { ...(o.imageLabel ?? {}) };
  const attributes = JSON.parse(JSON.stringify(envelope(version, ns))) as JSONObject;
  const warnings = checkGenerated(version, attributes, label ? "label image" : "image", issues);
  return { attributes, arrays, warnings };
}

/** Reads and validates the image stored at `group` (and everything below it, such as labels). */
export async function readImage<S extends AnyArraySpec>(
  version: OmeVersion,
  group: Group,
  label: boolean,
): Promise<Built<S>> {
  const what = `OME-Zarr ${version} ${label ? "label image" : "image"} at "${group.path || "/"}"`;
  if (group.zarrFormat !== formatOf(version)) {
    throw new SpecError(what, [
      {
        path: "",
        message: `is a Zarr v${group.zarrFormat} group; OME-Zarr ${version} is stored in Zarr v${formatOf(version)}`,
      },
    ]);
  }
  const report = await validate(group.store, group.path);
  const errors: Issue[] = [...report.errors];
  if (label && report.kind !== "image-label")
    errors.push({ path: "", message: `holds ${report.kind} metadata, not a label image` });
  if (!label && report.kind !== "image" && report.kind !== "image-label") {
    errors.push({ path: "", message: `holds ${report.kind} metadata, not an image` });
  }
  if (report.version !== undefined && report.version !== version)
    errors.push({ path: "", message: `holds OME-Zarr ${report.version} metadata, not ${version}` });
  if (errors.length > 0) throw new SpecError(what, errors);
  const parse = { "0.4": v04.parseAttributes, "0.5": v05.parseAttributes, "0.6": v06.parseAttributes }[
    version
  ];
  const attributes = parse(group.attrs) as JSONObject;
  const arrays: Record<string, ArraySpecLike<S>> = {};
  const multiscales = namespaceOf(version, attributes).multiscales as { datasets: { path: string }[] }[];
  for (const ms of multiscales) {
    for (const { path } of ms.datasets) arrays[path] ??= (await readArraySpec(group, path)) as S;
  }
  return { attributes, arrays, warnings: report.warnings };
}

/** An image: multiscale metadata plus one array spec per level. */
export abstract class ImageBase<A extends JSONObject, S extends AnyArraySpec> extends OmeGroup<A> {
  /** The array spec of every level, keyed by dataset path (as given: instance or JSON; 0.5 with dimension_names set). */
  readonly arrays: Readonly<Record<string, ArraySpecLike<S>>>;

  protected constructor(version: OmeVersion, built: Built<S>) {
    super(version, built.attributes as A, built.warnings);
    this.arrays = built.arrays;
  }

  /** The dataset paths of the first multiscale, highest resolution first. */
  get paths(): string[] {
    const ms = namespaceOf(this.version, this.attributes).multiscales;
    return Array.isArray(ms) && isObject(ms[0])
      ? (ms[0].datasets as { path: string }[]).map((d) => d.path)
      : [];
  }

  override toGroupSpec(): Promise<AnyGroupSpec> {
    return buildGroupSpec(formatOf(this.version), this.toJSON(), this.arrays);
  }

  override async toZarr(store: Store, path = "", options: CreateOptions = {}): Promise<Group> {
    return writeGroup(await this.toGroupSpec(), store, path, options);
  }
}

/** An OME-Zarr 0.4 image (Zarr v2): `Image.new({...})`, `image.toZarr(store, path)`, `Image.fromZarr(group)`. */
export class ImageV04 extends ImageBase<v04.ImageAttributes, ArraySpecV2> {
  static new(options: ImageOptions<ArraySpecV2>): ImageV04 {
    return new ImageV04("0.4", buildImage<ArraySpecV2>("0.4", options, false));
  }
  static async fromZarr(group: Group): Promise<ImageV04> {
    return new ImageV04("0.4", await readImage<ArraySpecV2>("0.4", group, false));
  }
}

/** An OME-Zarr 0.5 image (Zarr v3, arrays with `dimension_names` = axis names). */
export class ImageV05 extends ImageBase<v05.ImageAttributes, ArraySpecV3> {
  static new(options: ImageOptions<ArraySpecV3>): ImageV05 {
    return new ImageV05("0.5", buildImage<ArraySpecV3>("0.5", options, false));
  }
  static async fromZarr(group: Group): Promise<ImageV05> {
    return new ImageV05("0.5", await readImage<ArraySpecV3>("0.5", group, false));
  }
}

/** An OME-Zarr 0.4 label image: an image with integer arrays and `image-label` metadata. */
export class ImageLabelV04 extends ImageBase<v04.ImageLabelAttributes, ArraySpecV2> {
  static new(options: ImageLabelOptions<ArraySpecV2>): ImageLabelV04 {
    return new ImageLabelV04("0.4", buildImage<ArraySpecV2>("0.4", options, true));
  }
  static async fromZarr(group: Group): Promise<ImageLabelV04> {
    return new ImageLabelV04("0.4", await readImage<ArraySpecV2>("0.4", group, true));
  }
}

/** An OME-Zarr 0.5 label image. */
export class ImageLabelV05 extends ImageBase<v05.ImageLabelAttributes, ArraySpecV3> {
  static new(options: ImageLabelOptions<ArraySpecV3>): ImageLabelV05 {
    return new ImageLabelV05("0.5", buildImage<ArraySpecV3>("0.5", options, true));
  }
  static async fromZarr(group: Group): Promise<ImageLabelV05> {
    return new ImageLabelV05("0.5", await readImage<ArraySpecV3>("0.5", group, true));
  }
}
