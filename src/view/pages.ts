/** Where the built viewer pages are (dist/viewer/<name>, made by scripts/build-viewer.mjs). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type ViewerName = "neuroglancer" | "slices";
export const VIEWERS: readonly ViewerName[] = ["neuroglancer", "slices"];

/** The folder of a built page, or undefined when it was not built. */
export function viewerDir(name: ViewerName): string | undefined {
  // this module is dist/view/pages.js (or src/view/pages.ts under tsx): the pages are in dist/viewer
  const here = fileURLToPath(new URL(".", import.meta.url));
  const dir = join(here, "..", "..", "dist", "viewer", name);
  const built = join(here, "..", "viewer", name);
  for (const d of [built, dir]) if (existsSync(join(d, "index.html"))) return d;
  return undefined;
}
