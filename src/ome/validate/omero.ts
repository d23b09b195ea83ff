/**
 * Checks of `omero` (transitional rendering metadata). The specification only shows an example, so
 * beyond the schema's types everything here is a warning.
 */
import { childPath, isObject } from "../common/json.js";
import type { Context } from "./report.js";

const HEX_COLOR = /^[0-9A-Fa-f]{6}$/;

export function checkOmero(value: unknown, path: string, ctx: Context): void {
  if (!isObject(value) || !Array.isArray(value.channels)) return;
  value.channels.forEach((channel, i) => {
    if (!isObject(channel)) return;
    const p = childPath(childPath(path, "channels"), i);
    const w = channel.window;
    if (isObject(w)) {
      const wp = childPath(p, "window");
      if (typeof w.min === "number" && typeof w.max === "number" && w.min > w.max) {
        ctx.out.warn(
          wp,
          `"min" (${w.min}) is greater than "max" (${w.max}); the window range SHOULD have min <= max`,
        );
      }
      if (typeof w.start === "number" && typeof w.end === "number" && w.start > w.end) {
        ctx.out.warn(
          wp,
          `"start" (${w.start}) is greater than "end" (${w.end}); the rendering window SHOULD have start <= end`,
        );
      }
    }
    if (typeof channel.color === "string" && !HEX_COLOR.test(channel.color)) {
      ctx.out.warn(
        childPath(p, "color"),
        `${JSON.stringify(channel.color)} is not a hexadecimal RGB color such as "FF0000"`,
      );
    }
  });
  const model = isObject(value.rdefs) ? value.rdefs.model : undefined;
  if (typeof model === "string" && model !== "color" && model !== "greyscale") {
    ctx.out.warn(
      childPath(childPath(path, "rdefs"), "model"),
      `${JSON.stringify(model)} SHOULD be "color" or "greyscale"`,
    );
  }
}
