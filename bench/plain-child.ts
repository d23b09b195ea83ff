/**
 * Bench children run the way users run the library: plain JavaScript on dist/, with no TypeScript
 * loader in the process. Registering tsx in a child cost about 40 MiB of peak RSS (an idle pool of
 * two warmed workers: 166 MiB under tsx, 127 MiB without), which the memory columns then counted
 * as the library's, and it loads modules lazily inside the timed region. So a bench file is bundled
 * once with esbuild into a plain .mjs beside it (so that its `new URL("../dist/...")` imports still
 * resolve; packages stay imports) and the children run that file with plain `node`.
 */
import { rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Bundles the bench file `self` (a .ts path) into a plain script; `remove` deletes it afterwards. */
export async function plainChild(self: string): Promise<{ script: string; remove(): void }> {
  // imported here, not at the top: the bundle's children should not load esbuild
  const { buildSync } = await import("esbuild");
  const script = join(dirname(self), `.${basename(self, ".ts")}-child-${process.pid}.mjs`);
  buildSync({
    entryPoints: [self],
    outfile: script,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  return { script, remove: () => rmSync(script, { force: true }) };
}
