/** `render`: a 2-D plane of an array as a PNG (window/level, colormaps), for previews and the CLI. */
export {
  type Colormap,
  DEFAULT_PERCENTILES,
  percentilesOf,
  percentileWindow,
  type RenderOptions,
  renderPlanePNG,
} from "./slice-png.js";
