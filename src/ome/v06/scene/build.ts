/**
 * The 0.6 scene group: images below it placed in shared spaces by transformations between their
 * coordinate systems (`{"name", "path"}` references) and, optionally, coordinate systems of the
 * scene itself. Arrays holding transformation parameters (displacement fields, ...) go in a
 * `coordinateTransformations` group beside the images, as the specification recommends.
 */

import type { Store } from "../../../store/types.js";
import { checkGenerated, envelope, OmeGroup } from "../../build/common.js";
import type { GroupLike } from "../../build/groups.js";
import { cloneJSON, type JSONObject } from "../../common/json.js";
import {
  type AnyGroupSpec,
  buildGroupSpec,
  type CreateOptions,
  type Group,
  writeGroup,
} from "../../zarr-adapter.js";
import type { SceneAttributes } from "../models.js";
import type { CoordinateSystem, Transformation } from "../transformations/models.js";

export interface SceneOptions {
  /** The scene's own coordinate systems (e.g. a common world space). */
  coordinateSystems?: readonly CoordinateSystem[];
  /** Transformations between coordinate systems of the images (`{ name, path }`) and of the scene (`{ name }`). */
  coordinateTransformations: readonly Transformation[];
  /** Groups written below the scene (images, field groups), keyed by path. */
  members?: Readonly<Record<string, GroupLike>>;
}

export class SceneV06 extends OmeGroup<SceneAttributes> {
  readonly members: Readonly<Record<string, GroupLike>>;

  private constructor(o: SceneOptions) {
    const scene: JSONObject = {};
    if (o.coordinateSystems) scene.coordinateSystems = cloneJSON([...o.coordinateSystems]);
    scene.coordinateTransformations = cloneJSON([...o.coordinateTransformations]);
    const attributes = envelope("0.6", { scene });
    super("0.6", attributes as SceneAttributes, checkGenerated("0.6", attributes, "scene", [], "scene"));
    this.members = o.members ?? {};
  }

  static new(options: SceneOptions): SceneV06 {
    return new SceneV06(options);
  }

  override async toGroupSpec(): Promise<AnyGroupSpec> {
    const groups: Record<string, AnyGroupSpec> = {};
    for (const [k, v] of Object.entries(this.members)) groups[k] = await v.toGroupSpec();
    return buildGroupSpec(3, this.toJSON(), {}, groups);
  }

  override async toZarr(store: Store, path = "", options: CreateOptions = {}): Promise<Group> {
    return writeGroup(await this.toGroupSpec(), store, path, options);
  }
}
