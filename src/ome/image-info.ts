/**
 * The bits of an OME image's metadata that readers need (first multiscale: axes, levels with their
 * physical scale and translation, omero channels), from either version's attributes, without
 * validating: commands that summarise, render or annotate an image read it through this.
 */

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
  channels?: Array<{ label?: string; window?: { start?: number; end?: number; min?: number; max?: number } }>;
  labels: boolean;
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
  const axes = ((ms.axes as unknown[]) ?? []).map((a) =>
    typeof a === "string" ? { name: a } : (a as OmeAxis),
  );
  const global = ms.coordinateTransformations as Transform[] | undefined;
  const datasets = (ms.datasets as Array<{ path: string; coordinateTransformations?: Transform[] }>) ?? [];
  const omero = ns.omero as { channels?: OmeImageInfo["channels"] } | undefined;
  return {
    version: nsVersion ?? (ms.version as string | undefined),
    name: ms.name as string | undefined,
    axes,
    levels: datasets.map((d) => ({ path: d.path, ...physical(d.coordinateTransformations, global) })),
    channels: omero?.channels,
    labels: ns["image-label"] !== undefined,
  };
}
