/**
 * The default `image-label` display table of a label image: one colour and one property entry per
 * label value found in the data. Viewers (napari, vizarr, the ngff validator) colour labels from
 * `colors`, and the strict label schema requires it. Label 0 is the background: transparent.
 */
import type { LabelColor, LabelProperty } from "../ome/common/models.js";

/** At most this many label values get an entry (beyond, viewers fall back to their own colours). */
export const MAX_LABEL_VALUES = 1024;
/** Distinct values counted before counting stops (the voxel counts are then incomplete). */
export const MAX_COUNTED_VALUES = 65536;

export interface LabelTable {
  colors: LabelColor[];
  properties: LabelProperty[];
}

/**
 * Distinct, stable colours: hues a golden angle apart (neighbouring label values never look alike),
 * fixed saturation and value, so a value gets the same colour in every image.
 */
export function labelColor(value: number): [number, number, number, number] {
  if (value === 0) return [0, 0, 0, 0];
  const hue = (value * 137.50776405) % 360;
  const [s, v] = [0.75, 0.95];
  const f = (n: number) => {
    const k = (n + hue / 60) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1), 255];
}

/**
 * The table for the voxel counts per label value (sorted by value; at most MAX_LABEL_VALUES).
 * `complete` false: counting stopped early, so colours are given but no (wrong) voxel counts.
 */
export function labelTable(counts: ReadonlyMap<number, number>, complete = true): Partial<LabelTable> {
  const values = [...counts.keys()].sort((a, b) => a - b).slice(0, MAX_LABEL_VALUES);
  if (values.length === 0) return {};
  return {
    colors: values.map((v) => ({ "label-value": v, rgba: labelColor(v) })),
    ...(complete
      ? { properties: values.map((v) => ({ "label-value": v, voxels: counts.get(v) ?? 0 })) }
      : {}),
  };
}
