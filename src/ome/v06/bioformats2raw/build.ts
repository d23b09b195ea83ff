/** The transitional bioformats2raw layout in OME-Zarr 0.6 (unchanged from 0.5). */
import { BioFormats2RawBase, type BioFormats2RawOptions } from "../../build/groups.js";

export type { BioFormats2RawOptions };

export class BioFormats2RawV06 extends BioFormats2RawBase {
  static new(options: BioFormats2RawOptions = {}): BioFormats2RawV06 {
    return new BioFormats2RawV06("0.6", options);
  }
}
