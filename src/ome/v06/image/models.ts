/**
 * OME-Zarr 0.6 image metadata (`ome.multiscales`): each multiscale names its coordinate systems;
 * each dataset has one transformation from its array to the image's "intrinsic" (physical)
 * coordinate system; optional multiscale-level transformations go from there to other systems.
 */
import { z } from "zod";
import { imageLabelBaseSchema } from "../../common/models.js";
import { omeroSchema } from "../../v05/models.js";
import { coordinateSystemSchema, transformationSchema } from "../transformations/models.js";

export const datasetSchema = z.looseObject({
  path: z.string(),
  coordinateTransformations: z.array(transformationSchema),
});
export type Dataset = z.infer<typeof datasetSchema>;

export const multiscaleSchema = z.looseObject({
  name: z.string().optional(),
  coordinateSystems: z.array(coordinateSystemSchema),
  datasets: z.array(datasetSchema),
  coordinateTransformations: z.array(transformationSchema).optional(),
  type: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type Multiscale = z.infer<typeof multiscaleSchema>;

/** `omero` and `image-label` are unchanged from 0.5. */
export { omeroSchema };
export const imageLabelSchema = imageLabelBaseSchema;
export type Omero = z.infer<typeof omeroSchema>;
export type ImageLabel = z.infer<typeof imageLabelSchema>;
