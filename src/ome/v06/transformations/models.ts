/**
 * OME-Zarr 0.6 coordinate systems and coordinate transformations (RFC-5), as zod schemas and the
 * TypeScript types they infer. Structure only (which fields exist and their JSON types), loose so
 * that unknown keys survive parse → serialise; the rules (dimensionality, references, matrix
 * shapes, ...) live in `validate.ts`.
 */
import { z } from "zod";

const vector = z.array(z.number());
const matrix = z.array(z.array(z.number()));
const indices = z.array(z.number());

// ---- coordinate systems ----

export const AXIS_TYPES_V06 = ["array", "space", "time", "channel", "coordinate", "displacement"] as const;

export const axisSchema = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  // lenient like the 0.4/0.5 model (some writers store null); validation requires a string
  unit: z.string().nullable().optional(),
  discrete: z.boolean().optional(),
  longName: z.string().optional(),
});
export type Axis = z.infer<typeof axisSchema>;

/** A named list of axes; its dimensionality is the number of axes. */
export const coordinateSystemSchema = z.looseObject({
  name: z.string(),
  axes: z.array(axisSchema),
});
export type CoordinateSystem = z.infer<typeof coordinateSystemSchema>;

/**
 * Where a transformation starts or ends: a coordinate system by `name` (in this document, or in the
 * group at `path`), or an array by `path` (a dataset's array coordinate system).
 */
export const referenceSchema = z.looseObject({
  name: z.string().optional(),
  path: z.string().optional(),
});
export type Reference = z.infer<typeof referenceSchema>;

// ---- transformations ----

export const INTERPOLATIONS = ["nearest", "linear", "cubic"] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

/** Fields every transformation may have. `input`/`output` may be omitted inside sequence, bijection and byDimension. */
interface Common {
  name?: string;
  input?: Reference;
  output?: Reference;
  [key: string]: unknown;
}

export interface Identity extends Common {
  type: "identity";
}
export interface MapAxis extends Common {
  type: "mapAxis";
  /** Output axis i is input axis mapAxis[i]. */
  mapAxis: number[];
}
export interface ProjectAxis extends Common {
  type: "projectAxis";
  /** Input axes removed. */
  droppedInputs?: number[];
  /** Output axes inserted (set to zero). */
  createdOutputs?: number[];
}
export interface Scale extends Common {
  type: "scale";
  scale: number[];
}
export interface Translation extends Common {
  type: "translation";
  translation: number[];
}
/** An M×(N+1) matrix (the upper rows of the homogeneous matrix), inline or stored as a 2D array at `path`. */
export interface Affine extends Common {
  type: "affine";
  affine?: number[][];
  path?: string;
}
/** An N×N orthonormal matrix with determinant 1, inline or at `path`. */
export interface Rotation extends Common {
  type: "rotation";
  rotation?: number[][];
  path?: string;
}
export interface Sequence extends Common {
  type: "sequence";
  /** Applied first to last. */
  transformations: Transformation[];
}
export interface ByDimensionItem {
  transformation: Transformation;
  inputAxes: number[];
  outputAxes: number[];
  [key: string]: unknown;
}
export interface ByDimension extends Common {
  type: "byDimension";
  transformations: ByDimensionItem[];
}
export interface Bijection extends Common {
  type: "bijection";
  forward: Transformation;
  inverse: Transformation;
}
/** A vector field stored as a multiscale group at `path`: displacements are added to the input point. */
export interface Displacements extends Common {
  type: "displacements";
  path: string;
  interpolation?: Interpolation;
}
/** A vector field stored as a multiscale group at `path`: its vectors are the output points. */
export interface Coordinates extends Common {
  type: "coordinates";
  path: string;
  interpolation?: Interpolation;
}

export type Transformation =
  | Identity
  | MapAxis
  | ProjectAxis
  | Scale
  | Translation
  | Affine
  | Rotation
  | Sequence
  | ByDimension
  | Bijection
  | Displacements
  | Coordinates;

export type TransformationType = Transformation["type"];

export const TRANSFORMATION_TYPES: readonly TransformationType[] = [
  "identity",
  "mapAxis",
  "projectAxis",
  "scale",
  "translation",
  "affine",
  "rotation",
  "sequence",
  "byDimension",
  "bijection",
  "displacements",
  "coordinates",
];

/** The types whose parameters are other transformations (their children may omit input/output). */
export const WRAPPER_TYPES: readonly TransformationType[] = ["sequence", "byDimension", "bijection"];

// A lenient structural schema: every field with its JSON type, recursive through the wrappers. The
// per-type requirements (which fields a type needs) are checked in validate.ts with better messages.
const common = {
  type: z.string(),
  name: z.string().optional(),
  input: referenceSchema.optional(),
  output: referenceSchema.optional(),
  mapAxis: indices.optional(),
  droppedInputs: indices.optional(),
  createdOutputs: indices.optional(),
  scale: vector.optional(),
  translation: vector.optional(),
  affine: matrix.optional(),
  rotation: matrix.optional(),
  path: z.string().optional(),
  interpolation: z.string().optional(),
};

export const transformationSchema: z.ZodType<Transformation> = z.looseObject({
  ...common,
  get transformations() {
    return z.array(z.union([transformationSchema, byDimensionItemSchema])).optional();
  },
  get forward() {
    return transformationSchema.optional();
  },
  get inverse() {
    return transformationSchema.optional();
  },
}) as unknown as z.ZodType<Transformation>;

export const byDimensionItemSchema: z.ZodType<ByDimensionItem> = z.looseObject({
  get transformation() {
    return transformationSchema;
  },
  inputAxes: indices,
  outputAxes: indices,
}) as unknown as z.ZodType<ByDimensionItem>;

export const transformationListSchema = z.array(transformationSchema);
