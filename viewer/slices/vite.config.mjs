// Vite build of the slices page: zarrsmith's own browser entry (through the package's "browser"
// exports condition), its Web Worker emitted beside it. Output: dist/viewer/slices.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "",
  logLevel: "error", // zod/rollup annotation notices are noise here
  resolve: { alias: [{ find: /^zarrsmith$/, replacement: here("../../dist/browser.js") }] },
  worker: { format: "es" },
  build: {
    outDir: here("../../dist/viewer/slices"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 8 * 1024 * 1024,
    rollupOptions: {
      onwarn(warning, warn) {
        if (warning.code !== "INVALID_ANNOTATION") warn(warning);
      },
    },
    reportCompressedSize: false,
  },
});
