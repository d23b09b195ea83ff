/**
 * OME-Zarr 0.6 `scene` metadata: a group placing several images in one space, with transformations
 * between coordinate systems of the images below it (`{"name", "path"}`) and of its own.
 */
import { z } from "zod";
import { coordinateSystemSchema, transformationSchema } from "../transformations/models.js";

export const sceneSchema = z.looseObject({
  coordinateSystems: z.array(coordinateSystemSchema).optional(),
  coordinateTransformations: z.array(transformationSchema),
});
export type Scene = z.infer<typeof sceneSchema>;
