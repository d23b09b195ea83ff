/** Group: an opened Zarr v2 or v3 group — its attributes and members. */
import type { ZarrArray } from "../array/zarr-array.js";
import type { DataType } from "../dtype/index.js";
import { NotFoundError } from "../errors.js";
import type { Attributes } from "../spec/shared.js";
import type { ArraySpec as ArraySpecV2 } from "../spec/v2.js";
import type { ArraySpec as ArraySpecV3 } from "../spec/v3.js";
import { joinKey, normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import type { CreateOptions } from "./create.js";
import { readNodeMetadata } from "./metadata-io.js";
import { createArray, createGroup } from "./node.js";

export interface Member {
  name: string;
  kind: "array" | "group";
}

export class Group {
  readonly store: Store;
  readonly path: string;
  readonly zarrFormat: 2 | 3;
  readonly attrs: Attributes;

  constructor(store: Store, path: string, zarrFormat: 2 | 3, attrs: Attributes) {
    this.store = store;
    this.path = normalizePath(path);
    this.zarrFormat = zarrFormat;
    this.attrs = attrs;
  }

  /** The path of a child, relative to the store root. */
  childPath(name: string): string {
    return this.path === "" ? normalizePath(name) : joinKey(this.path, normalizePath(name));
  }

  /** Opens the array at `name` (a relative path, e.g. "0" or "labels/cells/0"). */
  async array<D extends DataType = DataType>(name: string): Promise<ZarrArray<D>> {
    const { open } = await import("./open.js");
    // the child has the group's format: only its keys are read (no v3 probe of a v2 child, or back)
    return open.array<D>(this.store, this.childPath(name), { format: this.zarrFormat });
  }

  /** Opens the group at `name`. */
  async group(name: string): Promise<Group> {
    const { open } = await import("./open.js");
    return open.group(this.store, this.childPath(name), { consolidated: false, format: this.zarrFormat });
  }

  /** The direct children that are arrays or groups (needs a listable store). */
  async members(): Promise<Member[]> {
    if (!this.store.listDir) throw new NotFoundError("listing members needs a listable store");
    const { prefixes } = await this.store.listDir(this.path);
    const out: Member[] = [];
    for (const name of prefixes.sort()) {
      const meta = await readNodeMetadata(this.store, this.childPath(name), { format: this.zarrFormat });
      if (meta) out.push({ name, kind: meta.kind });
    }
    return out;
  }

  /** Creates an array under this group from a spec. */
  createArray<D extends DataType = DataType>(
    name: string,
    spec: ArraySpecV2 | ArraySpecV3,
    options?: CreateOptions,
  ): Promise<ZarrArray<D>> {
    return createArray<D>(this.store, this.childPath(name), spec, options);
  }

  /** Creates a child group. */
  createGroup(name: string, attributes: Attributes = {}, options?: CreateOptions): Promise<Group> {
    return createGroup(this.store, this.childPath(name), this.zarrFormat, attributes, options);
  }
}
