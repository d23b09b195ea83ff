/** HCS plates in OME-Zarr 0.6 (the plate metadata is unchanged from 0.5). */
import { PlateBase, type PlateOptions } from "../../build/groups.js";

export type { PlateOptions };

export class PlateV06 extends PlateBase {
  static new(options: PlateOptions): PlateV06 {
    return new PlateV06("0.6", options);
  }
}
