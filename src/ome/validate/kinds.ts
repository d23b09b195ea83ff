/**
 * The node kinds of OME-Zarr metadata and the official schemas that describe them (all versions):
 * which keys each schema covers, and what a namespace describes.
 */
import { isObject } from "../common/json.js";
import { BF2RAW_KEY } from "../common/models.js";
import type { OmeKind } from "./report.js";

/** The official schemas, by the name of their file (`image.schema`, `label.schema`, ...; `scene` is 0.6 only). */
export type SchemaName = "image" | "label" | "plate" | "well" | "bf2raw" | "ome" | "scene";

/** The keys each official schema covers; the first one is required. */
export const SCHEMA_KEYS: Record<SchemaName, string[]> = {
  image: ["multiscales", "omero"],
  label: ["image-label"],
  plate: ["plate"],
  well: ["well"],
  bf2raw: [BF2RAW_KEY],
  ome: ["series"],
  scene: ["scene"], // earlier versions have no scene key, so asking for it there reports it missing
};

export const SCHEMA_KIND: Record<SchemaName, OmeKind> = {
  image: "image",
  label: "image-label",
  plate: "plate",
  well: "well",
  bf2raw: "bioformats2raw",
  ome: "bioformats2raw",
  scene: "scene",
};

/**
 * What an OME namespace (0.4: the attributes; 0.5, 0.6: `attributes.ome`) describes. A plate takes
 * precedence over the bioformats2raw marker (as the specification says); a label image is also an image.
 */
export function detectKind(ns: unknown): OmeKind {
  if (!isObject(ns)) return "unknown";
  if ("plate" in ns) return "plate";
  if ("well" in ns) return "well";
  if ("scene" in ns) return "scene";
  if ("image-label" in ns) return "image-label";
  if ("multiscales" in ns) return "image";
  if ("labels" in ns) return "labels";
  if (BF2RAW_KEY in ns || "series" in ns) return "bioformats2raw";
  return "unknown";
}
