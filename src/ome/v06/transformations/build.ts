/**
 * Constructors for 0.6 transformations: `transform.scale([2, 2], { input: cs("a"), output: cs("b") })`.
 * Each returns a plain JSON object (copied, so the caller's arrays are never shared); only the
 * fields given are set. Validation happens where the transformation is used (image, scene).
 */
import { cloneJSON } from "../../common/json.js";
import type {
  Affine,
  Bijection,
  ByDimension,
  ByDimensionItem,
  Coordinates,
  Displacements,
  Identity,
  Interpolation,
  MapAxis,
  ProjectAxis,
  Reference,
  Rotation,
  Scale,
  Sequence,
  Transformation,
  Translation,
} from "./models.js";

export interface Ends {
  input?: Reference;
  output?: Reference;
  name?: string;
}

/** A reference to the coordinate system `name` (in the group at `path`, when given). */
export function cs(name: string, path?: string): Reference {
  return path === undefined ? { name } : { name, path };
}

/** A reference to the array coordinate system of the array at `path`. */
export function arrayRef(path: string): Reference {
  return { path };
}

function withEnds<T extends Transformation>(t: T, ends: Ends): T {
  const out = t as T & Ends;
  if (ends.name !== undefined) out.name = ends.name;
  if (ends.input !== undefined) out.input = { ...ends.input };
  if (ends.output !== undefined) out.output = { ...ends.output };
  return out;
}

export function identity(ends: Ends = {}): Identity {
  return withEnds({ type: "identity" }, ends);
}

export function scale(values: readonly number[], ends: Ends = {}): Scale {
  return withEnds({ type: "scale", scale: [...values] }, ends);
}

export function translation(values: readonly number[], ends: Ends = {}): Translation {
  return withEnds({ type: "translation", translation: [...values] }, ends);
}

/** An affine from its M×(N+1) matrix (rows), or stored at `{ path }`. */
export function affine(matrix: readonly (readonly number[])[] | { path: string }, ends: Ends = {}): Affine {
  const t: Affine = { type: "affine" };
  if ("path" in matrix) t.path = matrix.path;
  else t.affine = matrix.map((row) => [...row]);
  return withEnds(t, ends);
}

/** A rotation from its N×N matrix (rows), or stored at `{ path }`. */
export function rotation(
  matrix: readonly (readonly number[])[] | { path: string },
  ends: Ends = {},
): Rotation {
  const t: Rotation = { type: "rotation" };
  if ("path" in matrix) t.path = matrix.path;
  else t.rotation = matrix.map((row) => [...row]);
  return withEnds(t, ends);
}

export function mapAxis(order: readonly number[], ends: Ends = {}): MapAxis {
  return withEnds({ type: "mapAxis", mapAxis: [...order] }, ends);
}

export function projectAxis(
  o: { droppedInputs?: readonly number[]; createdOutputs?: readonly number[] },
  ends: Ends = {},
): ProjectAxis {
  const t: ProjectAxis = { type: "projectAxis" };
  if (o.droppedInputs) t.droppedInputs = [...o.droppedInputs];
  if (o.createdOutputs) t.createdOutputs = [...o.createdOutputs];
  return withEnds(t, ends);
}

export function sequence(list: readonly Transformation[], ends: Ends = {}): Sequence {
  return withEnds({ type: "sequence", transformations: cloneJSON([...list]) }, ends);
}

export function byDimension(items: readonly ByDimensionItem[], ends: Ends = {}): ByDimension {
  return withEnds({ type: "byDimension", transformations: cloneJSON([...items]) }, ends);
}

export function bijection(forward: Transformation, inverse: Transformation, ends: Ends = {}): Bijection {
  return withEnds({ type: "bijection", forward: cloneJSON(forward), inverse: cloneJSON(inverse) }, ends);
}

/** A displacement field stored (as a multiscale group) at `path`. */
export function displacements(path: string, o: { interpolation?: Interpolation } & Ends = {}): Displacements {
  const t: Displacements = { type: "displacements", path };
  if (o.interpolation) t.interpolation = o.interpolation;
  return withEnds(t, o);
}

/** A coordinate field stored (as a multiscale group) at `path`. */
export function coordinates(path: string, o: { interpolation?: Interpolation } & Ends = {}): Coordinates {
  const t: Coordinates = { type: "coordinates", path };
  if (o.interpolation) t.interpolation = o.interpolation;
  return withEnds(t, o);
}
