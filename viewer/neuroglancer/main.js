// Neuroglancer's default viewer (state from the URL fragment `#!{...}`, which `zarrsmith view`
// redirects to), with only the parts a Zarr/OME-Zarr target needs: see vite.config.mjs.
// Not the package's own main.js, which also loads Google Tag Manager.
import "neuroglancer/unstable/util/polyfills.js";
import "neuroglancer/unstable/layer/enabled_frontend_modules.js";
import "neuroglancer/unstable/datasource/enabled_frontend_modules.js";
import "neuroglancer/unstable/kvstore/enabled_frontend_modules.js";
import { setupDefaultViewer } from "neuroglancer/unstable/ui/default_viewer_setup.js";

setupDefaultViewer();
