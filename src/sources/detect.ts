/** Which reader an input file needs: by its name first, then by its first bytes. */
import { basename } from "node:path";
import { FileBytes } from "./byte-source.js";
import { NPY_MAGIC } from "./npy.js";
import { PNG_SIGNATURE } from "./png.js";
import type { SourceFormat } from "./types.js";

const BY_EXTENSION: Array<[RegExp, SourceFormat]> = [
  [/\.ome\.tiff?$/i, "tiff"], // OME is detected inside; "ome-tiff" would make it mandatory
  [/\.(tiff?|btf|tf8|tf2)$/i, "tiff"],
  [/\.nii(\.gz)?$/i, "nifti"],
  [/\.hdr$/i, "nifti"],
  [/\.(nrrd|nhdr)$/i, "nrrd"],
  [/\.npy$/i, "npy"],
  [/\.png$/i, "png"],
  [/\.(raw|bin|dat|img)$/i, "raw"],
];

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/** The format of `head` (a file's first bytes), or undefined if they match no known magic. */
export function formatFromMagic(head: Uint8Array): SourceFormat | undefined {
  if (startsWith(head, [0x49, 0x49, 42, 0]) || startsWith(head, [0x49, 0x49, 43, 0])) return "tiff";
  if (startsWith(head, [0x4d, 0x4d, 0, 42]) || startsWith(head, [0x4d, 0x4d, 0, 43])) return "tiff";
  if (startsWith(head, PNG_SIGNATURE)) return "png";
  if (startsWith(head, NPY_MAGIC)) return "npy";
  if (startsWith(head, [...new TextEncoder().encode("NRRD000")])) return "nrrd";
  if (head.length >= 348) {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const sizes = [view.getInt32(0, true), view.getInt32(0, false)];
    const magic = String.fromCharCode(...head.subarray(344, 347));
    if (sizes.includes(348) && (magic === "n+1" || magic === "ni1")) return "nifti";
    if (
      sizes.includes(540) &&
      (magic.startsWith("n+2") || String.fromCharCode(...head.subarray(4, 7)) === "n+2")
    ) {
      return "nifti";
    }
  }
  return undefined;
}

/** Detects a single file's format; undefined when neither the name nor the bytes say. */
export async function detectFormat(path: string): Promise<SourceFormat | undefined> {
  const bytes = await FileBytes.open(path);
  let head: Uint8Array;
  try {
    head = await bytes.read(0, Math.min(await bytes.size(), 352));
  } finally {
    await bytes.close();
  }
  // Magic bytes win over a misleading name, except that raw data may start with anything.
  const magic = formatFromMagic(head);
  if (magic) return magic;
  const name = basename(path);
  for (const [re, format] of BY_EXTENSION) if (re.test(name)) return format;
  return undefined;
}
