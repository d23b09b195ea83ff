/**
 * The bits of an OME image's metadata that readers need (first multiscale: axes, levels with their
 * physical scale and translation, omero channels), from any version's attributes, without
 * validating: commands that summarise, render or annotate an image read it through this.
 */
import { intrinsicAxes } from "./v06/image/hierarchy.js";
import { describeChain, describeScene } from "./v06/transformations/describe.js";

export interface OmeAxis {
  name: string;
  type?: string;
  unit?: string;
}

export interface OmeLevel {
  path: string;
  scale?: number[];
  translation?: number[];
}

export interface OmeImageInfo {
  version: string | undefined;
  name?: string;
  axes: OmeAxis[];
  levels: OmeLevel[];
  /** omero channel windows and labels, when present. */
  channels?: Array<{
    label?: string;
    color?: string;
    active?: boolean;
    window?: { start?: number; end?: number; min?: number; max?: number };
  }>;
  /** omero.rdefs.defaultZ / defaultT, when present. */
  defaultZ?: number;
  defaultT?: number;
  /** image-label colours (label images), when present. */
  labelColors?: Array<{ "label-value": number; rgba?: number[] }>;
  labels: boolean;
  /** OME-Zarr 0.6: the coordinate systems and the transformation chain, in words (one line each). */
  transformations?: string[];
}

interface Transform {
  type: string;
  scale?: number[];
  translation?: number[];
}

/** The OME namespace of a group's attributes: `ome` in 0.5, the attributes themselves in 0.4. */
function omeNamespace(attrs: Record<string, unknown>): { ns: Record<string, unknown>; version?: string } {
  const ome = attrs.ome as Record<string, unknown> | undefined;
  if (ome && typeof ome === "object") return { ns: ome, version: ome.version as string | undefined };
  return { ns: attrs };
}

/** Combines a dataset's transforms with the multiscale-wide ones (scale multiplies, translation = s·t_d + t_g). */
function physical(
  own: Transform[] | undefined,
  global: Transform[] | undefined,
): { scale?: number[]; translation?: number[] } {
  const pick = (list: Transform[] | undefined, type: string) => list?.find((t) => t.type === type);
  let scale = pick(own, "scale")?.scale;
  let translation = pick(own, "translation")?.translation;
  const gs = pick(global, "scale")?.scale;
  const gt = pick(global, "translation")?.translation;
  if (gs) {
    scale = scale ? scale.map((s, i) => s * gs[i]) : gs;
    translation = translation?.map((t, i) => t * gs[i]);
  }
  if (gt) translation = translation ? translation.map((t, i) => t + gt[i]) : gt;
  return { scale, translation };
}

/** The first multiscale image described by a group's attributes, or undefined when there is none. */
export function omeImage(attrs: Record<string, unknown>): OmeImageInfo | undefined {
  const { ns, version: nsVersion } = omeNamespace(attrs);
  const multiscales = ns.multiscales as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(multiscales) || multiscales.length === 0) return undefined;
  const ms = multiscales[0];
  if (Array.isArray(ms.coordinateSystems)) return omeImageV06(ns, ms, nsVersion);
  const axes = ((ms.axes as unknown[]) ?? []).map((a) =>
    typeof a === "string" ? { name: a } : (a as OmeAxis),
  );
  const global = ms.coordinateTransformations as Transform[] | undefined;
  const datasets = (ms.datasets as Array<{ path: string; coordinateTransformations?: Transform[] }>) ?? [];
  const omero = ns.omero as
    | { channels?: OmeImageInfo["channels"]; rdefs?: { defaultZ?: unknown; defaultT?: unknown } }
    | undefined;
  const label = ns["image-label"] as { colors?: unknown } | undefined;
  const int = (v: unknown) => (Number.isInteger(v) ? (v as number) : undefined);
  return {
    version: nsVersion ?? (ms.version as string | undefined),
    name: ms.name as string | undefined,
    axes,
    levels: datasets.map((d) => ({ path: d.path, ...physical(d.coordinateTransformations, global) })),
    channels: omero?.channels,
    defaultZ: int(omero?.rdefs?.defaultZ),
    defaultT: int(omero?.rdefs?.defaultT),
    labelColors: Array.isArray(label?.colors) ? (label.colors as OmeImageInfo["labelColors"]) : undefined,
    labels: ns["image-label"] !== undefined,
  };
}

/**
 * A 0.6 image: the axes of its intrinsic coordinate system; each level's scale and translation
 * from its one transformation (a scale, identity, or sequence of scale and translation).
 */
function omeImageV06(
  ns: Record<string, unknown>,
  ms: Record<string, unknown>,
  version: string | undefined,
): OmeImageInfo {
  const datasets = (ms.datasets as Array<{ path: string; coordinateTransformations?: Transform[] }>) ?? [];
  const levels = datasets.map((d) => {
    const t = d.coordinateTransformations?.[0] as (Transform & { transformations?: Transform[] }) | undefined;
    const steps = t?.type === "sequence" ? (t.transformations ?? []) : t ? [t] : [];
    return {
      path: d.path,
      scale: steps.find((x) => x.type === "scale")?.scale,
      translation: steps.find((x) => x.type === "translation")?.translation,
    };
  });
  const omero = ns.omero as { channels?: OmeImageInfo["channels"] } | undefined;
  return {
    version,
    name: ms.name as string | undefined,
    axes: ((intrinsicAxes(ms) ?? []) as OmeAxis[]).map((a) => ({ ...a })),
    levels,
    channels: omero?.channels,
    labels: ns["image-label"] !== undefined,
    transformations: describeChain(ms),
  };
}

/** A 0.6 scene group's coordinate systems and transformations in words, or undefined when the group has none. */
export function omeScene(attrs: Record<string, unknown>): string[] | undefined {
  const { ns } = omeNamespace(attrs);
  return ns.scene === undefined ? undefined : describeScene(ns.scene);
}
