/**
 * OME-Zarr 0.5 metadata models: the `attributes` of a Zarr v3 group's `zarr.json`, where all OME
 * metadata lives under the `ome` key with one `version` for the whole namespace.
 */
import { z } from "zod";
import { SpecError } from "../../errors.js";
import {
  bf2rawLayoutSchema,
  channelBaseSchema,
  imageLabelBaseSchema,
  labelsSchema,
  multiscaleBaseSchema,
  plateBaseSchema,
  rdefsSchema,
  seriesSchema,
  wellBaseSchema,
} from "../common/models.js";
import { structureIssues } from "../common/structure.js";

export const VERSION = "0.5" as const;

export const multiscaleSchema = multiscaleBaseSchema;
export const channelSchema = channelBaseSchema;
export const omeroSchema = z.looseObject({
  channels: z.array(channelSchema),
  id: z.number().optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  rdefs: rdefsSchema.optional(),
});
export const imageLabelSchema = imageLabelBaseSchema;
export const plateSchema = plateBaseSchema;
export const wellSchema = wellBaseSchema;

/** The `ome` namespace. `version` is required by the specification but optional here so that readers stay lenient. */
export const omeSchema = z.looseObject({
  version: z.string().optional(),
  multiscales: z.array(multiscaleSchema).optional(),
  omero: omeroSchema.optional(),
  "image-label": imageLabelSchema.optional(),
  labels: labelsSchema.optional(),
  plate: plateSchema.optional(),
  well: wellSchema.optional(),
  "bioformats2raw.layout": bf2rawLayoutSchema.optional(),
  series: seriesSchema.optional(),
});

export const attributesSchema = z.looseObject({ ome: omeSchema });

export type Multiscale = z.infer<typeof multiscaleSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type Omero = z.infer<typeof omeroSchema>;
export type ImageLabel = z.infer<typeof imageLabelSchema>;
export type Plate = z.infer<typeof plateSchema>;
export type Well = z.infer<typeof wellSchema>;
export type Ome = z.infer<typeof omeSchema>;
export type Attributes = z.infer<typeof attributesSchema>;
/** The attributes of an image group: `ome.multiscales` and `ome.version` are present. */
export type ImageAttributes = Attributes & { ome: Ome & { version: string; multiscales: Multiscale[] } };
/** The attributes of a label image: `ome.multiscales` and `ome["image-label"]` are present. */
export type ImageLabelAttributes = ImageAttributes & { ome: { "image-label": ImageLabel } };

/** The OME objects by key (inside `ome`), for checking one key of a document at a time. */
export const keySchemas: Record<string, z.ZodType> = omeSchema.shape;

/**
 * Parses a 0.5 `attributes` object (`{ "ome": {...} }`) into the typed model (structure only: use
 * `validateAttributes` for the rules). Unknown keys are kept. Throws SpecError listing every
 * structural problem.
 */
export function parseAttributes(doc: unknown): Attributes {
  const result = attributesSchema.safeParse(doc);
  if (!result.success)
    throw new SpecError("OME-Zarr 0.5 attributes", structureIssues(attributesSchema, doc, ""));
  return result.data;
}
