/**
 * The chunk buffers of one write, on shared memory and reused: `set` cuts each whole chunk into a
 * free buffer and the worker encodes it from there, in place. A new buffer per chunk, moved to the
 * worker and freed there, cost more of the main thread than the cut itself (allocation, first-touch
 * page faults, garbage collection: 0.3 s of a 2.3 s 512^3 write, measured per thread).
 * A write takes at most as many buffers as it has chunks in flight.
 */
import { type ArrayScalar, allocate, type DataType } from "../dtype/index.js";
import { fillWith, type NDArray, product } from "../ndarray.js";

export class SharedChunks {
  readonly #free: NDArray[] = [];
  readonly #shape: readonly number[];
  readonly #dtype: DataType;

  constructor(shape: readonly number[], dtype: DataType) {
    this.#shape = shape;
    this.#dtype = dtype;
  }

  /**
   * A chunk buffer no one else uses. With `fill` (null: zeros) every element is set to it; without,
   * it holds whatever the last chunk cut into it left, for a caller that overwrites all of it.
   */
  take(fill?: ArrayScalar | null): NDArray {
    const reused = this.#free.pop();
    const chunk = reused ?? {
      data: allocate(this.#dtype, product(this.#shape), true),
      shape: [...this.#shape],
      dtype: this.#dtype,
    };
    // (a new buffer holds zeros already)
    if (fill !== undefined && (reused || fill !== null)) fillWith(chunk, fill);
    return chunk;
  }

  /** Hands a buffer back once its encode has settled. */
  give(chunk: NDArray): void {
    this.#free.push(chunk);
  }
}
