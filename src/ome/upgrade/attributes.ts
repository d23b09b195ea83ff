/**
 * OME attributes of one group between versions, as pure functions over JSON:
 * 0.4 keeps the OME keys at the top of `.zattrs` with a `version` on some objects; 0.5 moves them
 * under `ome` with one `version` for the namespace. Attributes that are not OME keys stay where
 * they are, unchanged.
 */
import { cloneJSON, isObject, type JSONObject } from "../common/json.js";
import { BF2RAW_KEY } from "../common/models.js";

/** The keys of the OME namespace (the same in 0.4 and 0.5). */
export const OME_KEYS = [
  "multiscales",
  "omero",
  "image-label",
  "labels",
  "plate",
  "well",
  BF2RAW_KEY,
  "series",
] as const;

/** The 0.4 objects that carry their own `version` field. */
const VERSIONED_04 = ["plate", "well", "image-label"] as const;

/** Whether `attributes` (of any version) hold OME metadata. */
export function hasOme(attributes: JSONObject): boolean {
  return isObject(attributes.ome) || OME_KEYS.some((k) => k in attributes);
}

/** 0.4 `.zattrs` → 0.5 `attributes`: OME keys under `ome` with `version: "0.5"`, per-object versions dropped. */
export function attributes04to05(attrs: JSONObject): JSONObject {
  if (!OME_KEYS.some((k) => k in attrs)) return cloneJSON(attrs);
  const rest: JSONObject = {};
  const ome: JSONObject = { version: "0.5" };
  for (const [key, value] of Object.entries(cloneJSON(attrs))) {
    if (!(OME_KEYS as readonly string[]).includes(key)) {
      rest[key] = value;
      continue;
    }
    if (key === "multiscales" && Array.isArray(value)) {
      ome[key] = value.map((m) => {
        if (!isObject(m)) return m;
        const { version: _, ...ms } = m;
        return ms;
      });
    } else if ((VERSIONED_04 as readonly string[]).includes(key) && isObject(value)) {
      const { version: _, ...obj } = value;
      ome[key] = obj;
    } else ome[key] = value;
  }
  return { ...rest, ome };
}

/** 0.5 `attributes` → 0.4 `.zattrs`: the `ome` keys at the top, `version: "0.4"` on multiscales, plate, well and image-label. */
export function attributes05to04(attrs: JSONObject): JSONObject {
  const { ome, ...rest } = cloneJSON(attrs);
  if (!isObject(ome)) return { ...rest };
  const out: JSONObject = { ...rest };
  for (const [key, value] of Object.entries(ome)) {
    if (key === "version") continue;
    if (key === "multiscales" && Array.isArray(value)) {
      out[key] = value.map((m) => (isObject(m) ? { version: "0.4", ...m } : m));
    } else if ((VERSIONED_04 as readonly string[]).includes(key) && isObject(value)) {
      out[key] = { version: "0.4", ...value };
    } else out[key] = value;
  }
  return out;
}
