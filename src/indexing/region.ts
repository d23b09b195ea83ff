/** A box in an array's coordinates: per axis, [start, stop) in elements, slowest axis first. */
export type Region = ReadonlyArray<readonly [number, number]>;
