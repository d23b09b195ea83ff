#!/usr/bin/env node
// Builds the pages `zarrsmith view` serves (dist/viewer/neuroglancer, dist/viewer/slices) with Vite,
// offline from node_modules. Skipped when a page's inputs are unchanged since its last build (a hash
// kept beside the output), since `npm ci` (prepare) and `npm test` both run the build.
// Where Vite or Neuroglancer is not installed (a production install of the package), nothing is built:
// the package ships the built pages in dist/.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..");

function files(dir, skip = () => false) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skip(p)) continue;
    if (e.isDirectory()) out.push(...files(p, skip));
    else out.push(p);
  }
  return out.sort();
}

function hashOf(paths, extra) {
  const h = createHash("sha256");
  h.update(extra);
  for (const p of paths) {
    h.update(relative(ROOT, p));
    h.update(readFileSync(p));
  }
  return h.digest("hex");
}

// read from node_modules directly: neuroglancer's `exports` does not expose its package.json
function version(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

const vite = version("vite");
const pages = [
  {
    name: "neuroglancer",
    inputs: () => files(join(ROOT, "viewer", "neuroglancer")),
    extra: `neuroglancer ${version("neuroglancer")} vite ${vite}`,
    needs: ["neuroglancer"],
  },
  {
    name: "slices",
    // the page bundles zarrsmith's browser build, so dist/ (minus the pages) is an input too
    inputs: () => [
      ...files(join(ROOT, "viewer", "slices")),
      ...files(
        join(ROOT, "dist"),
        (p) => p.startsWith(join(ROOT, "dist", "viewer")) || p.endsWith(".d.ts") || p.endsWith(".map"),
      ),
    ],
    extra: `vite ${vite}`,
    needs: [],
  },
];

if (!vite) {
  console.log("build-viewer: vite is not installed; keeping the pages in dist/viewer as they are");
  process.exit(0);
}
const { build } = await import("vite");
for (const page of pages) {
  if (page.needs.some((n) => !version(n))) {
    console.log(`build-viewer: ${page.needs.join(", ")} not installed; ${page.name} page not built`);
    continue;
  }
  const out = join(ROOT, "dist", "viewer", page.name);
  const stamp = join(ROOT, "dist", "viewer", `${page.name}.inputs`);
  const hash = hashOf(page.inputs(), page.extra);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash && existsSync(join(out, "index.html")))
    continue;
  const started = Date.now();
  await build({ configFile: join(ROOT, "viewer", page.name, "vite.config.mjs") });
  writeFileSync(stamp, hash);
  console.log(
    `build-viewer: ${page.name} page built in ${((Date.now() - started) / 1000).toFixed(1)} s (${relative(ROOT, out)})`,
  );
}
