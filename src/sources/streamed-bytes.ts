/**
 * Random-access reads of bytes that can only be produced front to back: a gzip stream (.nii.gz,
 * NRRD gzip encoding) or the unfiltered rows of a PNG. Nothing is copied to disk and nothing but a
 * bounded window is kept in memory.
 *
 * Why this shape. Converters ask for regions in the order their pyramid schedule visits them: at
 * the default memory target that is whole z slabs front to back, but with a small target (or
 * several tasks in flight) it is a depth-first walk that comes back to an earlier slab after it
 * has visited later ones (measured: back by two slabs of a 300x280x160 volume at 16 MiB). A
 * stream cannot seek, so three things together keep memory bounded and the work near one pass:
 * - a window: the last `window` bytes produced stay in memory, so a read a little behind the
 *   stream (the next x tile of the same slab, overlapping halos) is served without decoding again;
 * - one pass serves every read waiting on it (an elevator that only goes forward): reads in
 *   flight at once (several per region, several regions) are filled as the stream passes them,
 *   whatever order they came in;
 * - a read behind the window waits until no read ahead of the stream is left, then the stream is
 *   restarted from its beginning and the next pass serves it (and everything else behind).
 * zlib has no way to resume inflation from a midpoint (no inflateCopy/inflatePrime in node:zlib),
 * so a restart always decodes from the start; `passes` and `produced` count the cost.
 */
import { StoreError, ValueError } from "../errors.js";
import type { ByteSource } from "../store/types.js";
import { num } from "./format.js";

/** A stream of the bytes from the beginning; `return()` releases it early. */
export type ForwardStream = AsyncIterator<Uint8Array, unknown, undefined>;

export interface StreamedBytesOptions {
  /** The file named in messages. */
  name: string;
  /** Starts a new stream from the first byte. */
  open(): ForwardStream;
  /** Exactly how many bytes the stream must produce (what the file's header declares). */
  size: number;
  /** Bytes kept behind the stream position for reads that come back a little. */
  window: number;
  /** Why the stream must end at `size`, for the message when it goes on (e.g. "its NIfTI header describes"). */
  rule: string;
}

interface Pending {
  offset: number;
  length: number;
  into: Uint8Array;
  /** Bytes [offset, offset + filled) are in `into`. */
  filled: number;
  resolve(bytes: Uint8Array): void;
  reject(error: unknown): void;
}

export class StreamedBytes implements ByteSource {
  readonly description: string;
  /** Times the stream was started (1 for a front-to-back reader). */
  passes = 0;
  /** Bytes the streams produced in all passes together. */
  produced = 0;
  readonly #options: StreamedBytesOptions;
  #stream: ForwardStream | undefined;
  /** Stream position: bytes produced by the current pass. */
  #position = 0;
  /** The window: pieces of the current pass ending after `#position - window`, oldest first. */
  #pieces: Array<{ start: number; bytes: Uint8Array }> = [];
  /** Reads the current pass will fill (they start at or after the window's start). */
  #attached: Pending[] = [];
  /** Reads behind the window: served by the next pass. */
  #behind: Pending[] = [];
  #pumping = false;
  /** Bytes kept behind the position (`options.window`, or what `keep` asked for). */
  #window: number;
  #failure: { error: unknown } | undefined;
  #closed = false;

  constructor(options: StreamedBytesOptions) {
    this.description = options.name;
    this.#options = options;
    this.#window = options.window;
  }

  /** Bytes kept behind the stream's position. */
  get window(): number {
    return this.#window;
  }

  /** Keeps `bytes` behind the stream's position from now on (a reader that knows how far it steps back). */
  keep(bytes: number): void {
    this.#window = Math.max(0, Math.min(this.#options.size, Math.ceil(bytes)));
  }

  async size(): Promise<number> {
    return this.#options.size;
  }

  /** True while a read waits (closing now would fail it). */
  get busy(): boolean {
    return this.#pumping || this.#attached.length + this.#behind.length > 0;
  }

  read(offset: number, length: number, into: Uint8Array = new Uint8Array(length)): Promise<Uint8Array> {
    if (this.#closed)
      return Promise.reject(
        new StoreError(`${this.description} was already closed`, { store: this.description }),
      );
    if (this.#failure) return Promise.reject(this.#failure.error);
    const size = this.#options.size;
    if (offset + length > size) {
      return Promise.reject(
        new StoreError(
          `${this.description}: a read of bytes ${num(offset)}..${num(offset + length)} is past the ${num(size)} bytes ${this.#options.rule}`,
          { store: this.description },
        ),
      );
    }
    const view = into.subarray(0, length);
    return new Promise((resolve, reject) => {
      const p: Pending = { offset, length, into: view, filled: 0, resolve, reject };
      if (length === 0) return resolve(view);
      if (offset >= this.#windowStart()) {
        this.#fillFromWindow(p);
        if (p.filled === p.length) return resolve(view);
        this.#attached.push(p);
      } else {
        this.#behind.push(p);
      }
      this.#pump();
    });
  }

  /**
   * Reads the whole stream once, without keeping it, to check that it ends exactly at `size`
   * (used when a cheap hint such as the gzip trailer disagrees with the header).
   */
  async verifyLength(): Promise<void> {
    if (this.#options.size === 0) return;
    await this.read(this.#options.size - 1, 1);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const error = new StoreError(`${this.description} was closed while a read was waiting`, {
      store: this.description,
    });
    for (const p of [...this.#attached, ...this.#behind]) p.reject(error);
    this.#attached = [];
    this.#behind = [];
    this.#pieces = [];
    await this.#stopStream();
  }

  #windowStart(): number {
    return this.#pieces.length > 0 ? this.#pieces[0].start : this.#position;
  }

  #fillFromWindow(p: Pending): void {
    for (const piece of this.#pieces) this.#fill(p, piece.start, piece.bytes);
  }

  /** Copies the part of `bytes` (stream bytes from `start`) that continues what `p` has. */
  #fill(p: Pending, start: number, bytes: Uint8Array): void {
    const from = p.offset + p.filled;
    const to = p.offset + p.length;
    const end = start + bytes.length;
    if (end <= from || start > from) return;
    const take = Math.min(end, to) - from;
    p.into.set(bytes.subarray(from - start, from - start + take), p.filled);
    p.filled += take;
  }

  async #stopStream(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.return?.().catch(() => {});
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    for (const p of [...this.#attached, ...this.#behind]) p.reject(this.#failure.error);
    this.#attached = [];
    this.#behind = [];
    this.#pieces = [];
    void this.#stopStream();
  }

  /** Runs passes until no read is waiting; one pump at a time. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#run()
      .catch((e) => this.#fail(e))
      .finally(() => {
        this.#pumping = false;
        // reads that came in after the loop's last look
        if (!this.#failure && !this.#closed && this.#attached.length + this.#behind.length > 0) this.#pump();
      });
  }

  async #run(): Promise<void> {
    const { size } = this.#options;
    while (!this.#closed && this.#attached.length + this.#behind.length > 0) {
      if (this.#attached.length === 0 || !this.#stream) {
        // nothing left ahead of the stream: start again from the beginning for the reads behind
        await this.#stopStream();
        this.#stream = this.#options.open();
        this.passes++;
        this.#position = 0;
        this.#pieces = [];
        this.#attached.push(...this.#behind);
        this.#behind = [];
      }
      const next = await this.#stream.next();
      if (this.#closed) return;
      if (next.done) {
        throw new ValueError(
          `${this.description} ends after ${num(this.#position)} bytes of data but ${this.#options.rule} ${num(size)}: the file is truncated`,
        );
      }
      const start = this.#position;
      let bytes = next.value;
      this.produced += bytes.length;
      if (start + bytes.length > size) {
        bytes = bytes.subarray(0, size - start);
        this.#excess();
      }
      this.#position += bytes.length;
      if (bytes.length === 0) continue;
      this.#pieces.push({ start, bytes });
      while (this.#pieces.length > 1 && this.#pieces[1].start <= this.#position - this.#window)
        this.#pieces.shift();
      // the read that reaches the end is answered only once the stream is known to end there
      if (this.#position >= size) await this.#confirmEnd();
      const waiting: Pending[] = [];
      for (const p of this.#attached) {
        this.#fill(p, start, bytes);
        if (p.filled === p.length) p.resolve(p.into);
        else waiting.push(p);
      }
      this.#attached = waiting;
      if (!this.#stream) {
        // the pass is over; whatever is still attached goes to the next one
        this.#behind.push(...this.#attached);
        this.#attached = [];
      }
    }
  }

  /** At `size`: the stream must end here; anything more is data the header does not account for. */
  async #confirmEnd(): Promise<void> {
    const stream = this.#stream;
    if (!stream) return;
    for (;;) {
      const next = await stream.next();
      if (next.done) break;
      this.produced += next.value.length;
      if (next.value.length > 0) this.#excess();
    }
    await this.#stopStream();
  }

  #excess(): never {
    throw new ValueError(
      `${this.description} holds more than the ${num(this.#options.size)} bytes ${this.#options.rule}: the data does not match its header`,
    );
  }
}
