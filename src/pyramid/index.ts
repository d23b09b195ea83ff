/**
 * `pyramid`: multiscale images. `pyramid.write(source, store, options)` streams a source (a ZarrArray,
 * a file opened with `openSource`, any region reader) into an OME-Zarr 0.4/0.5 image with N levels;
 * `planPyramid` shows the levels it would write; `downsample` reduces one block.
 */

export {
  finalize,
  MissingTasksError,
  PLAN_FILE,
  type Plan,
  type PlanOptions,
  type PlanStatus,
  type PyramidPlanFile,
  plan,
  type RunOptions,
  readPlan,
  runTask,
  status,
  TASKS_DIR,
  TaskBusyError,
  type TaskRecord,
  type TaskResult,
} from "./distributed.js";
export { DOWNSAMPLE_METHODS, type DownsampleMethod, downsample, haloFor } from "./downsample/index.js";
export { type LabelsOptions, writeLabels } from "./labels.js";
export { type AxisOrName, resolveAxes } from "./metadata.js";
export {
  DOWNSAMPLE_AXES,
  type DownsampleAxes,
  type LevelTranslations,
  type PyramidLevel,
  type PyramidPlan,
  type PyramidPlanOptions,
  planPyramid,
} from "./plan.js";
export {
  BLOCK_OVERHEAD,
  checkPlan,
  checkShardMemory,
  inputChunks,
  MAX_PLAN_CHUNKS,
  type PlanToCheck,
  type ShardMemoryToCheck,
} from "./plan-guard.js";
export { type PyramidOptions, type PyramidResult, type RegionSource, write } from "./writer.js";
