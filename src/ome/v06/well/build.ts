/** HCS wells in OME-Zarr 0.6 (field of view paths may also hold "-", "_" and "."). */
import { WellBase, type WellOptions } from "../../build/groups.js";

export type { WellOptions };

export class WellV06 extends WellBase {
  static new(options: WellOptions): WellV06 {
    return new WellV06("0.6", options);
  }
}
