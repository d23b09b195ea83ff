/**
 * The names zarrsmith keeps at an output's root for its own records, which no level may take: the
 * plan of a distributed conversion, its task records and claims, the resume record.
 */
import { PROGRESS_FILE } from "../checkpoint/index.js";

/** The plan of a distributed conversion (distributed.ts). */
export const PLAN_FILE = "zarrsmith-plan.json";
/** Task completion records (`<i>.json`) and claims (`<i>/`). */
export const TASKS_DIR = "zarrsmith-tasks";
/** Every record name begins so (the resume record too), and so is recognised as not image data. */
export const RECORD_PREFIX = "zarrsmith-";

export const RECORD_NAMES: readonly string[] = [PLAN_FILE, TASKS_DIR, PROGRESS_FILE];
