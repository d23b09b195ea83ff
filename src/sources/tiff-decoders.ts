/**
 * Bounded TIFF strip/tile decoders, registered into geotiff's decoder table in place of its own for
 * deflate and LZW: geotiff's deflate (pako) inflates a strip to whatever size the stream says (a 4 KiB
 * strip can inflate to 1 GiB), and its LZW decoder logs "ran off the end of the buffer" and returns
 * whatever it had, so a corrupt strip becomes garbage pixels.
 *
 * Deflate goes through node:zlib with `maxOutputLength` set to the block's decoded size; LZW keeps
 * geotiff's decoder and turns its warning into an error. The errors are `TiffBlockError`s, which
 * the TIFF reader reports with the file and page.
 */
import { inflateSync } from "node:zlib";
import { addDecoder, BaseDecoder, getDecoder } from "geotiff";
import { num } from "./format.js";

/** A strip or tile that cannot be decoded to its size; the reader adds the file and page. */
export class TiffBlockError extends Error {}

type Parameters = ConstructorParameters<typeof BaseDecoder>[0];

/** Bytes one block decodes to, from the parameters geotiff gives every decoder. */
function blockBytes(p: Parameters): number {
  const bits = Array.from(
    (typeof p.bitsPerSample === "number" ? [p.bitsPerSample] : p.bitsPerSample) as ArrayLike<number>,
  );
  const pixelBits = p.planarConfiguration === 2 ? bits[0] : bits.reduce((a, b) => a + b, 0);
  return Math.ceil((p.tileWidth * pixelBits) / 8) * p.tileHeight;
}

class BoundedDeflate extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const limit = blockBytes(this.parameters);
    try {
      const out = inflateSync(new Uint8Array(buffer), { maxOutputLength: Math.max(1, limit) });
      return new Uint8Array(out).buffer; // a copy: Buffers from the pool share one ArrayBuffer
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        throw new TiffBlockError(
          `a deflate strip or tile inflates to more than ${num(limit)} bytes, its decoded size`,
        );
      }
      throw new TiffBlockError(`a deflate strip or tile is corrupt (${(e as Error).message})`);
    }
  }
}

// geotiff looks the decoder class up when getDecoder is called, so asking now (before replacing it)
// yields its own LZW decoder.
const geotiffLzw = getDecoder(5, {
  tileWidth: 1,
  tileHeight: 1,
  predictor: 1,
  bitsPerSample: 8,
  planarConfiguration: 1,
});

class CheckedLzw extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const inner = await geotiffLzw;
    // geotiff's LZW signals a stream without its end code only through console.warn; the decode is
    // synchronous, so the warning is caught here and nothing else can log meanwhile
    const warn = console.warn;
    let warned: string | undefined;
    console.warn = (...args: unknown[]) => {
      warned = args.map(String).join(" ");
    };
    let out: ArrayBufferLike;
    try {
      out = inner.decodeBlock(buffer) as ArrayBufferLike;
    } catch (e) {
      throw new TiffBlockError(`an LZW strip or tile is corrupt (${(e as Error).message})`);
    } finally {
      console.warn = warn;
    }
    if (warned) throw new TiffBlockError(`an LZW strip or tile is corrupt (${warned})`);
    const limit = blockBytes(this.parameters);
    if (out.byteLength > limit) {
      throw new TiffBlockError(
        `an LZW strip or tile decodes to ${num(out.byteLength)} bytes, more than its ${num(limit)}`,
      );
    }
    return out;
  }
}

addDecoder([8, 32946], async () => BoundedDeflate);
addDecoder(5, async () => CheckedLzw);
