/** Rules for `well` metadata, 0.4 and 0.5. */
import { childPath, isInteger, isObject } from "../common/json.js";
import type { Context } from "./report.js";

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
// 0.6 allows Zarr node names of letters, digits, "-", "_" and "." (not only periods, no "__" prefix).
const NODE_NAME_V06 = /^(?!\.+$)(?!__)[A-Za-z0-9_.-]+$/;

/** Checks the value of `well`. */
export function checkWell(value: unknown, path: string, ctx: Context): void {
  if (!isObject(value)) return;
  const { out } = ctx;
  const images = value.images;
  if (Array.isArray(images)) {
    const imagesPath = childPath(path, "images");
    if (images.length === 0) out.error(imagesPath, "is empty; a well MUST list its fields of view");
    const seen = new Map<string, number>();
    images.forEach((image, i) => {
      if (!isObject(image)) return;
      const p = childPath(imagesPath, i);
      if (typeof image.path === "string") {
        if (ctx.version === "0.6") {
          if (!NODE_NAME_V06.test(image.path)) {
            out.error(
              childPath(p, "path"),
              `${JSON.stringify(image.path)} is not a valid field of view path; it MUST be a non-empty Zarr node name of letters, digits, "-", "_" and "." (not only periods, not starting with "__")`,
            );
          }
        } else if (!ALPHANUMERIC.test(image.path)) {
          out.error(
            childPath(p, "path"),
            `${JSON.stringify(image.path)} is not alphanumeric; field of view paths MUST contain only letters and digits`,
          );
        }
        const first = seen.get(image.path);
        if (first !== undefined) {
          out.error(
            childPath(p, "path"),
            `"${image.path}" is also the path of images[${first}]; field of view paths MUST be unique`,
          );
        } else seen.set(image.path, i);
      }
      if (typeof image.acquisition === "number" && !isInteger(image.acquisition)) {
        out.error(
          childPath(p, "acquisition"),
          `${image.acquisition} is not an integer acquisition id; it MUST be`,
        );
      }
    });
  }
  if (ctx.version === "0.4") {
    if (value.version === undefined)
      out.recommend(path, `has no "version"; 0.4 well metadata SHOULD give "version": "0.4"`);
    else if (typeof value.version === "string" && value.version !== "0.4") {
      out.error(
        childPath(path, "version"),
        `is ${JSON.stringify(value.version)}; this is OME-Zarr 0.4 metadata, so it MUST be "0.4"`,
      );
    }
  }
}
