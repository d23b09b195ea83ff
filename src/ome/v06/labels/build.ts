/** The `labels` group of a 0.6 image (label images themselves are `ImageLabel`, in image/build.ts). */
import { LabelsBase, type LabelsOptions } from "../../build/groups.js";

export type { LabelsOptions };

/** The `labels` group of a 0.6 image: `{ "ome": { "version": "0.6", "labels": [...] } }`, optionally with its label images. */
export class LabelsV06 extends LabelsBase {
  static new(options: LabelsOptions): LabelsV06 {
    return new LabelsV06("0.6", options);
  }
}
