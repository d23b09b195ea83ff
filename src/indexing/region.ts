/** A box in an array's coordinates: per axis, [start, stop) in elements, slowest axis first. */
export type Region = ReadonlyArray<readonly [number, number]>;

/**
 * What a region source whose bytes can only be produced front to back (a gzip stream: .nii.gz, a
 * gzip NRRD) tells its reader: reads in the source's byte order cost one pass; a read further
 * behind the stream than the kept window restarts it from the beginning, decoding everything again.
 * A writer that knows its read order plans it with `span` and asks for the window it needs.
 */
export interface ForwardOnlyReads {
  /** The bytes of the stream a region's read touches: [first, one past the last). */
  span(region: Region): readonly [number, number];
  /** Bytes kept behind the stream's position now. */
  readonly window: number;
  /** Keep `bytes` behind the stream's position from now on (the reader's largest step back). */
  keep(bytes: number): void;
  /** Times the stream was started so far (1 for reads in byte order). */
  readonly passes: number;
}
