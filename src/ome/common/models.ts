/**
 * The OME-Zarr metadata objects both versions share, as zod schemas (and the TypeScript types they
 * infer). They describe structure only — which fields exist and their JSON types — so that any
 * document a reader meets parses; the rules of the specification (counts, order, uniqueness,
 * cross-references) live in `validate/`. Every object is loose: unknown keys are kept, so that
 * parse → serialise gives back the same JSON.
 */
import { z } from "zod";

const vector = z.array(z.number());

// ---- axes and coordinate transformations ----

export const AXIS_TYPES = ["space", "time", "channel"] as const;
export type AxisType = (typeof AXIS_TYPES)[number] | (string & {});

export const axisSchema = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  // Some writers store `"unit": null` on channel and time axes; the schemas allow it there.
  unit: z.string().nullable().optional(),
});
export type Axis = z.infer<typeof axisSchema>;

export const identitySchema = z.looseObject({ type: z.literal("identity") });
/** `scale` inline, or (rarely) stored as binary data at `path`. */
export const scaleSchema = z.looseObject({
  type: z.literal("scale"),
  scale: vector.optional(),
  path: z.string().optional(),
});
export const translationSchema = z.looseObject({
  type: z.literal("translation"),
  translation: vector.optional(),
  path: z.string().optional(),
});
export const transformSchema = z.discriminatedUnion("type", [identitySchema, scaleSchema, translationSchema]);
export type IdentityTransform = z.infer<typeof identitySchema>;
export type ScaleTransform = z.infer<typeof scaleSchema>;
export type TranslationTransform = z.infer<typeof translationSchema>;
export type CoordinateTransformation = z.infer<typeof transformSchema>;

// ---- multiscales ----

export const datasetSchema = z.looseObject({
  path: z.string(),
  coordinateTransformations: z.array(transformSchema),
});
export type Dataset = z.infer<typeof datasetSchema>;

export const multiscaleBaseSchema = z.looseObject({
  axes: z.array(axisSchema),
  datasets: z.array(datasetSchema),
  coordinateTransformations: z.array(transformSchema).optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

// ---- omero (transitional rendering metadata) ----

export const windowSchema = z.looseObject({
  start: z.number(),
  min: z.number(),
  end: z.number(),
  max: z.number(),
});
export const channelBaseSchema = z.looseObject({
  window: windowSchema.optional(),
  color: z.string().optional(),
  label: z.string().optional(),
  family: z.string().optional(),
  active: z.boolean().optional(),
  inverted: z.boolean().optional(),
  coefficient: z.number().optional(),
});
export const rdefsSchema = z.looseObject({
  defaultT: z.number().optional(),
  defaultZ: z.number().optional(),
  model: z.string().optional(),
});
export type Window = z.infer<typeof windowSchema>;
export type Rdefs = z.infer<typeof rdefsSchema>;

// ---- labels ----

export const labelsSchema = z.array(z.string());

export const labelColorSchema = z.looseObject({ "label-value": z.number(), rgba: vector.optional() });
export const labelPropertySchema = z.looseObject({ "label-value": z.number() });
export const labelSourceSchema = z.looseObject({ image: z.string().optional() });
export const imageLabelBaseSchema = z.looseObject({
  colors: z.array(labelColorSchema).optional(),
  properties: z.array(labelPropertySchema).optional(),
  source: labelSourceSchema.optional(),
});
export type LabelColor = z.infer<typeof labelColorSchema>;
export type LabelProperty = z.infer<typeof labelPropertySchema>;
export type LabelSource = z.infer<typeof labelSourceSchema>;

// ---- high-content screening ----

export const acquisitionSchema = z.looseObject({
  id: z.number(),
  maximumfieldcount: z.number().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  starttime: z.number().optional(),
  endtime: z.number().optional(),
});
export const plateRowSchema = z.looseObject({ name: z.string() });
export const plateColumnSchema = z.looseObject({ name: z.string() });
export const plateWellSchema = z.looseObject({
  path: z.string(),
  rowIndex: z.number(),
  columnIndex: z.number(),
});
export const plateBaseSchema = z.looseObject({
  acquisitions: z.array(acquisitionSchema).optional(),
  columns: z.array(plateColumnSchema),
  rows: z.array(plateRowSchema),
  wells: z.array(plateWellSchema),
  field_count: z.number().optional(),
  name: z.string().optional(),
});
export type Acquisition = z.infer<typeof acquisitionSchema>;
export type PlateRow = z.infer<typeof plateRowSchema>;
export type PlateColumn = z.infer<typeof plateColumnSchema>;
export type PlateWell = z.infer<typeof plateWellSchema>;

export const wellImageSchema = z.looseObject({ path: z.string(), acquisition: z.number().optional() });
export const wellBaseSchema = z.looseObject({ images: z.array(wellImageSchema) });
export type WellImage = z.infer<typeof wellImageSchema>;

// ---- bioformats2raw (transitional) ----

export const BF2RAW_KEY = "bioformats2raw.layout";
export const bf2rawLayoutSchema = z.number();
export const seriesSchema = z.array(z.string());
