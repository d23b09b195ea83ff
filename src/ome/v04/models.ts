/**
 * OME-Zarr 0.4 metadata models: the `.zattrs` document of a Zarr v2 group. Version fields live on
 * the objects themselves (`multiscales[].version`, `plate.version`, ...).
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
  windowSchema,
} from "../common/models.js";
import { structureIssues } from "../common/structure.js";

export const VERSION = "0.4" as const;

export const multiscaleSchema = multiscaleBaseSchema.extend({ version: z.string().optional() });
// 0.4's schema requires `window` and `color` on every channel (0.5 made them optional).
export const channelSchema = channelBaseSchema.extend({ window: windowSchema, color: z.string() });
export const omeroSchema = z.looseObject({
  channels: z.array(channelSchema),
  id: z.number().optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  rdefs: rdefsSchema.optional(),
});
export const imageLabelSchema = imageLabelBaseSchema.extend({ version: z.string().optional() });
export const plateSchema = plateBaseSchema.extend({ version: z.string().optional() });
export const wellSchema = wellBaseSchema.extend({ version: z.string().optional() });

/** Every OME key a 0.4 group's attributes may hold; other attributes are kept as they are. */
export const attributesSchema = z.looseObject({
  multiscales: z.array(multiscaleSchema).optional(),
  omero: omeroSchema.optional(),
  "image-label": imageLabelSchema.optional(),
  labels: labelsSchema.optional(),
  plate: plateSchema.optional(),
  well: wellSchema.optional(),
  "bioformats2raw.layout": bf2rawLayoutSchema.optional(),
  series: seriesSchema.optional(),
});

export type Multiscale = z.infer<typeof multiscaleSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type Omero = z.infer<typeof omeroSchema>;
export type ImageLabel = z.infer<typeof imageLabelSchema>;
export type Plate = z.infer<typeof plateSchema>;
export type Well = z.infer<typeof wellSchema>;
export type Attributes = z.infer<typeof attributesSchema>;
/** The attributes of an image group: `multiscales` is present. */
export type ImageAttributes = Attributes & { multiscales: Multiscale[] };
/** The attributes of a label image: `multiscales` and `image-label` are present. */
export type ImageLabelAttributes = ImageAttributes & { "image-label": ImageLabel };

/** The OME objects by key, for checking one key of a document at a time. */
export const keySchemas: Record<string, z.ZodType> = attributesSchema.shape;

/**
 * Parses a 0.4 `.zattrs` document into the typed model (structure only: use `validateAttributes`
 * for the rules). Unknown keys are kept, so `JSON.stringify(parseAttributes(doc))` equals `doc`
 * as a JSON value. Throws SpecError listing every structural problem.
 */
export function parseAttributes(doc: unknown): Attributes {
  const result = attributesSchema.safeParse(doc);
  if (!result.success)
    throw new SpecError("OME-Zarr 0.4 attributes", structureIssues(attributesSchema, doc, ""));
  return result.data;
}
