/** `render`: a 2-D plane of an array as a PNG (window/level, colormaps), for previews and the CLI. */

export { DEFAULT_PERCENTILES, percentilesOf } from "./percentiles.js";
export {
  type Colormap,
  percentileWindow,
  type RenderOptions,
  renderPlanePNG,
} from "./slice-png.js";
