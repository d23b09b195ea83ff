// Vite 5 build of the bundled Neuroglancer page (Neuroglancer does not build with esbuild alone,
// and Vite 8 inlines its worker as a data: URL, which breaks it). Output: dist/viewer/neuroglancer.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const icon = (name) => ({ find: new RegExp(`^ikonate/icons/${name}\\.svg`), replacement: here(`./icons/${name}.svg`) });

export default defineConfig({
  root: here("."),
  base: "", // relative asset URLs: served below /neuroglancer/
  logLevel: "warn",
  resolve: {
    // only what a Zarr / OME-Zarr target needs: smaller, faster build
    conditions: [
      "neuroglancer/datasource:none_by_default",
      "neuroglancer/datasource/zarr:enabled",
      "neuroglancer/kvstore:none_by_default",
      "neuroglancer/kvstore/http:enabled",
      "neuroglancer/layer:none_by_default",
      "neuroglancer/layer/image:enabled",
      "neuroglancer/layer/segmentation:enabled",
    ],
    // the icons ikonate@1.1.1 lacks ("?raw" imports keep their query after the replacement)
    alias: [icon("code-alt"), icon("controls-alt"), icon("layers")],
  },
  worker: { format: "es" },
  build: {
    outDir: here("../../dist/viewer/neuroglancer"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8 * 1024 * 1024,
    reportCompressedSize: false,
  },
});
