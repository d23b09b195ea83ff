/**
 * OME-Zarr 0.6 metadata models: the `attributes` of a Zarr v3 group, all OME metadata under `ome`
 * with one `version`. The node kinds (image, labels, plate, well, bioformats2raw, scene) each have
 * their own module; this one assembles the namespace.
 */
import { z } from "zod";
import { SpecError } from "../../errors.js";
import {
  bf2rawLayoutSchema,
  labelsSchema,
  plateBaseSchema,
  seriesSchema,
  wellBaseSchema,
} from "../common/models.js";
import { structureIssues } from "../common/structure.js";
import { imageLabelSchema, multiscaleSchema, omeroSchema } from "./image/models.js";
import { sceneSchema } from "./scene/models.js";

export { VERSION } from "./version.js";

export const plateSchema = plateBaseSchema;
export const wellSchema = wellBaseSchema;

/** The `ome` namespace; `version` is optional here so that readers stay lenient (validation requires it). */
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
  scene: sceneSchema.optional(),
});

export const attributesSchema = z.looseObject({ ome: omeSchema });

export type Plate = z.infer<typeof plateSchema>;
export type Well = z.infer<typeof wellSchema>;
export type Ome = z.infer<typeof omeSchema>;
export type Attributes = z.infer<typeof attributesSchema>;
export type ImageAttributes = Attributes & {
  ome: Ome & { version: string; multiscales: z.infer<typeof multiscaleSchema>[] };
};
export type ImageLabelAttributes = ImageAttributes & {
  ome: { "image-label": z.infer<typeof imageLabelSchema> };
};
export type SceneAttributes = Attributes & {
  ome: Ome & { version: string; scene: z.infer<typeof sceneSchema> };
};

/** The OME objects by key (inside `ome`). */
export const keySchemas: Record<string, z.ZodType> = omeSchema.shape;

/**
 * Parses a 0.6 `attributes` object into the typed model (structure only: use `validateAttributes`
 * for the rules). Unknown keys are kept. Throws SpecError listing every structural problem.
 */
export function parseAttributes(doc: unknown): Attributes {
  const result = attributesSchema.safeParse(doc);
  if (!result.success)
    throw new SpecError("OME-Zarr 0.6 attributes", structureIssues(attributesSchema, doc, ""));
  return result.data;
}
