/**
 * Adding a label image to an existing OME-Zarr image: the labels are written as a pyramid under the
 * image's `labels/NAME` group (where every viewer looks for them), on the image's own grid — same
 * axes, shape, voxel size, units and level layout — and listed in `labels/`'s metadata last, so a
 * failed run never lists a half-written label image.
 */
import { ExistsError, NotFoundError, ValueError } from "../errors.js";
import { writeGroupMetadata } from "../hierarchy/create.js";
import { readNodeMetadata } from "../hierarchy/metadata-io.js";
import { omeImage } from "../ome/image-info.js";
import { normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import type { AxisOrName } from "./metadata.js";
import { type PyramidOptions, type PyramidResult, type RegionSource, write } from "./writer.js";

export interface LabelsOptions
  extends Omit<PyramidOptions, "labels" | "path" | "omeZarrVersion" | "labelSource"> {
  /** The label image's name: its path below `labels/`. */
  name: string;
  /** Where the image is in the store (default the root). */
  image?: string;
}

const join = (a: string, b: string) => (a === "" ? b : `${a}/${b}`);

function attributesOf(meta: Awaited<ReturnType<typeof readNodeMetadata>>): Record<string, unknown> {
  if (!meta) return {};
  if (meta.format === 2) return meta.attributes;
  return (meta.document.attributes ?? {}) as Record<string, unknown>;
}

/**
 * Writes `source` as the label image `labels/<name>` of the image at `options.image`. Its axes are
 * the image's (all of them, or all but the channel axis), its shape must equal the image's on those
 * axes, and scale, translation and units default to the image's level 0.
 */
export async function writeLabels(
  source: RegionSource,
  store: Store,
  options: LabelsOptions,
): Promise<PyramidResult> {
  const imagePath = normalizePath(options.image ?? "");
  const name = options.name;
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]+$/.test(name) || name === "." || name === "..") {
    throw new ValueError(
      `labels name ${JSON.stringify(name)} must be one path segment of letters, digits, ".", "_" or "-"`,
    );
  }
  const meta = await readNodeMetadata(store, imagePath);
  const info = meta?.kind === "group" ? omeImage(attributesOf(meta)) : undefined;
  if (!meta || !info || info.labels) {
    throw new NotFoundError(
      `${store.description ?? "the store"} has no OME-Zarr image at /${imagePath}${info?.labels ? " (it is a label image)" : ""}; labels are added to an image`,
    );
  }
  const version = meta.format === 2 ? "0.4" : "0.5";
  const level0 = await readNodeMetadata(store, join(imagePath, info.levels[0].path));
  const imageShape = (
    level0?.kind !== "array" ? undefined : level0.format === 2 ? level0.zarray.shape : level0.document.shape
  ) as number[] | undefined;
  if (!imageShape) throw new NotFoundError(`the image's level 0 (${info.levels[0].path}) is missing`);

  // the label's axes: the image's, or the image's without its channel axis
  const all = info.axes.map((a, i) => ({ axis: a, index: i }));
  const candidates = [all, all.filter((a) => a.axis.type !== "channel")];
  const picked = options.axes ? undefined : candidates.find((list) => list.length === source.shape.length);
  const chosen =
    picked ??
    (options.axes ?? []).map((a) => {
      const axisName = typeof a === "string" ? a : a.name;
      const index = info.axes.findIndex((x) => x.name === axisName);
      if (index < 0) throw new ValueError(`axes: the image has no axis "${axisName}"`);
      return { axis: info.axes[index], index };
    });
  if (chosen.length !== source.shape.length) {
    throw new ValueError(
      `the labels have ${source.shape.length} dimensions, but the image's axes are ${info.axes.map((a) => a.name).join("")}; give axes naming the image's axes`,
    );
  }
  chosen.forEach(({ axis, index }, d) => {
    if (source.shape[d] !== imageShape[index]) {
      throw new ValueError(
        `labels shape ${source.shape.join("x")} does not match the image on axis ${axis.name} (${source.shape[d]} vs ${imageShape[index]}); a label image MUST cover the image voxel for voxel`,
      );
    }
  });
  const scale0 = info.levels[0].scale;
  const translation0 = info.levels[0].translation;
  const axes: AxisOrName[] = chosen.map(({ axis }) => ({
    name: axis.name,
    type: axis.type,
    unit: axis.unit,
  }));

  // the image's own level layout (factors from its scales), so each label level overlays an image level
  const own = options.factors !== undefined || options.levels !== undefined;
  const factors = own
    ? options.factors
    : imageFactors(
        info.levels.map((l) => l.scale),
        chosen.map(({ index }) => index),
      );

  const labelsPath = join(imagePath, "labels");
  const labelsMeta = await readNodeMetadata(store, labelsPath);
  if (labelsMeta && labelsMeta.kind !== "group") {
    throw new ExistsError(`/${labelsPath} is an array, not a labels group`);
  }
  const labelsAttrs = attributesOf(labelsMeta);
  const ns = (version === "0.5" ? labelsAttrs.ome : labelsAttrs) as Record<string, unknown> | undefined;
  const listed = Array.isArray(ns?.labels) ? (ns.labels as string[]) : [];
  const envelope = (labels: string[]) =>
    version === "0.5"
      ? { ...labelsAttrs, ome: { ...(ns ?? {}), version: "0.5", labels } }
      : { ...labelsAttrs, labels };
  // the labels group exists (unchanged list) before the label image is written under it
  if (!labelsMeta) await writeGroupMetadata(store, labelsPath, meta.format, envelope(listed));

  const result = await write(source, store, {
    ...options,
    axes,
    scale: options.scale ?? (scale0 ? chosen.map(({ index }) => scale0[index]) : undefined),
    translation:
      options.translation ?? (translation0 ? chosen.map(({ index }) => translation0[index]) : undefined),
    units: options.units,
    factors,
    omeZarrVersion: version,
    labels: true,
    labelSource: "../../",
    path: join(labelsPath, name),
  });
  if (!listed.includes(name)) {
    await writeGroupMetadata(store, labelsPath, meta.format, envelope([...listed, name]));
  }
  return result;
}

/** Per-level factors of the image (ratios of consecutive scales) on the given axes; undefined if unknown. */
function imageFactors(scales: Array<number[] | undefined>, dims: number[]): number[][] | undefined {
  const out: number[][] = [];
  for (let k = 1; k < scales.length; k++) {
    const [a, b] = [scales[k - 1], scales[k]];
    if (!a || !b) return undefined;
    const f = dims.map((d) => Math.round(b[d] / a[d]));
    if (f.some((x) => !(x >= 1))) return undefined;
    out.push(f);
  }
  return out;
}
