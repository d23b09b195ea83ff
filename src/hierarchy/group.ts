/**
 * Groups and the nodes in them: opening (`openNode`, `openArray`, `openGroup`), creating
 * (`createArray`, `createGroup`) and the Group class that navigates and creates below itself.
 * They live in one module because each needs the others (a Group opens and creates children;
 * opening and creating return Groups) and a module cycle is what the layering forbids.
 * `open.ts` assembles the public `open` from these; `create.ts` holds the path claiming and
 * metadata writing that creation uses.
 *
 * This module also gives the metadata models their store-writing convenience methods
 * (`ArraySpec.toZarr`, `GroupSpec.toZarr`): the models in `metadata/` hold data only and import
 * nothing from stores or hierarchy, so the methods are declared onto them here (module
 * augmentation) and attached to their prototypes when this module loads. Every entry point
 * (`index.ts`, `browser.ts`, `open.ts`) loads it, so a spec obtained from the package always has them.
 */
import { ZarrArray } from "../array/zarr-array.js";
import type { ArrayDataType, DataType } from "../dtype/index.js";
import { NotFoundError, SpecError } from "../errors.js";
import { GroupSpecV2, GroupSpecV3 } from "../metadata/group.js";
import type { Attributes } from "../metadata/shared.js";
import { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import { ArraySpec as ArraySpecV3, unknownV3Fields } from "../metadata/v3.js";
import { joinKey, normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import { consolidatedFromV3, readConsolidatedV2, withConsolidated } from "./consolidated.js";
import {
  type CreateOptions,
  claimPath,
  ensureParents,
  writeArrayMetadata,
  writeGroupMetadata,
} from "./create.js";
import {
  type NodeHint,
  type NodeMetadata,
  readJSON,
  readNodeMetadata,
  readV2NodeMetadata,
  v3NodeMetadata,
} from "./metadata-io.js";

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
  array<D extends ArrayDataType = DataType>(name: string): Promise<ZarrArray<D>> {
    // the child has the group's format: only its keys are read (no v3 probe of a v2 child, or back)
    return openArray<D>(this.store, this.childPath(name), { format: this.zarrFormat });
  }

  /** Opens the group at `name`. */
  group(name: string): Promise<Group> {
    return openGroup(this.store, this.childPath(name), { consolidated: false, format: this.zarrFormat });
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
  createArray<D extends ArrayDataType = DataType>(
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

/** Creating: claim the path, write parents, write metadata, open. */
export async function createArray<D extends ArrayDataType = DataType>(
  store: Store,
  path: string,
  spec: ArraySpecV2 | ArraySpecV3,
  options: CreateOptions = {},
): Promise<ZarrArray<D>> {
  const p = normalizePath(path);
  await claimPath(store, p, options);
  await ensureParents(store, p, spec.zarr_format);
  await writeArrayMetadata(store, p, spec);
  return new ZarrArray<D>(store, p, spec);
}

export async function createGroup(
  store: Store,
  path: string,
  format: 2 | 3,
  attributes: Attributes = {},
  options: CreateOptions = {},
): Promise<Group> {
  const p = normalizePath(path);
  await claimPath(store, p, options);
  await ensureParents(store, p, format);
  await writeGroupMetadata(store, p, format, attributes);
  return new Group(store, p, format, attributes);
}

/** Writes a group spec (the group, its members and their metadata; no chunks); returns the opened group. */
export async function createFromGroupSpec(
  store: Store,
  path: string,
  spec: GroupSpecV2 | GroupSpecV3,
  options: CreateOptions = {},
): Promise<Group> {
  const group = await createGroup(store, path, spec.zarr_format, spec.attributes, options);
  for (const [name, m] of Object.entries(spec.members)) {
    const child = group.childPath(name);
    if (m instanceof GroupSpecV2 || m instanceof GroupSpecV3)
      await createFromGroupSpec(store, child, m, options);
    else await createArray(store, child, m as ArraySpecV2 | ArraySpecV3, options);
  }
  return group;
}

export interface OpenOptions {
  /** Use consolidated metadata at the opened path if present (default: true for groups). */
  consolidated?: boolean;
}

export type { NodeHint } from "./metadata-io.js";

export function where(store: Store, path: string): string {
  const p = path === "" ? "/" : `/${path}`;
  return store.description ? `${store.description} at ${p}` : p;
}

export function rethrowWithPath(e: unknown, store: Store, path: string): never {
  if (e instanceof SpecError) {
    throw new SpecError(`array metadata (${where(store, path)})`, e.issues);
  }
  throw e;
}

/** Builds the node object for metadata already read. */
export function nodeFromMetadata(store: Store, path: string, meta: NodeMetadata): ZarrArray | Group {
  if (meta.format === 3) {
    const issues = unknownV3Fields(meta.document, meta.kind);
    if (issues.length) throw new SpecError(`Zarr v3 ${meta.kind} metadata (${where(store, path)})`, issues);
  }
  try {
    if (meta.format === 3) {
      if (meta.kind === "array") {
        return new ZarrArray(store, path, ArraySpecV3.parse(meta.document, { strict: false }));
      }
      return new Group(store, path, 3, (meta.document.attributes ?? {}) as Record<string, unknown>);
    }
    if (meta.kind === "array") {
      return new ZarrArray(
        store,
        path,
        ArraySpecV2.parse({ ...meta.zarray, attributes: meta.attributes }, { strict: false }),
      );
    }
    return new Group(store, path, 2, meta.attributes);
  } catch (e) {
    rethrowWithPath(e, store, path);
  }
}

/**
 * Reads the node's metadata with as few requests as possible (each miss is a 404 over HTTP):
 * `zarr.json` once (it is the v3 node and holds v3 consolidated metadata); without it, `.zmetadata`
 * (when consolidated metadata is wanted) answers every v2 document at once; otherwise only the
 * expected v2 kind is probed first.
 */
async function readForOpen(
  store: Store,
  p: string,
  options: OpenOptions & NodeHint,
): Promise<{ view: Store; meta: NodeMetadata | undefined }> {
  const consolidated = options.consolidated !== false;
  if (options.format !== 2) {
    const v3 = (await readJSON(store, p, "zarr.json")) as Record<string, unknown> | undefined;
    if (v3) {
      const meta = v3NodeMetadata(p, v3);
      const docs = consolidated && meta.kind === "group" ? consolidatedFromV3(p, v3) : undefined;
      return { view: docs ? withConsolidated(store, docs, p) : store, meta };
    }
    if (options.format === 3) return { view: store, meta: undefined };
  }
  if (consolidated) {
    const docs = await readConsolidatedV2(store, p).catch(() => undefined);
    if (docs) {
      const view = withConsolidated(store, docs, p);
      return { view, meta: await readV2NodeMetadata(view, p, options.kind) };
    }
  }
  return { view: store, meta: await readV2NodeMetadata(store, p, options.kind) };
}

export async function openNode(
  store: Store,
  path = "",
  options: OpenOptions & NodeHint = {},
): Promise<ZarrArray | Group> {
  const p = normalizePath(path);
  // a root is usually a group: its v2 document is probed first
  const { view, meta } = await readForOpen(store, p, { kind: "group", ...options });
  if (!meta) throw new NotFoundError(`no Zarr array or group at ${where(store, p)}`);
  return nodeFromMetadata(view, p, meta);
}

/**
 * Opens the array at `path`. `D` is the caller's word for its data type (unchecked, as
 * `open.array<"uint16">` always was): numeric by default, `open.array<"string">` for strings;
 * `open` returns `ZarrArray` (any data type), narrowed with `is(...)`.
 */
export async function openArray<D extends ArrayDataType = DataType>(
  store: Store,
  path = "",
  hint: NodeHint = {},
): Promise<ZarrArray<D>> {
  const node = await openNode(store, path, { consolidated: false, kind: "array", ...hint });
  if (!(node instanceof ZarrArray))
    throw new NotFoundError(`${where(store, normalizePath(path))} is a group, not an array`);
  return node as ZarrArray<D>;
}

export async function openGroup(
  store: Store,
  path = "",
  options: OpenOptions & NodeHint = {},
): Promise<Group> {
  const node = await openNode(store, path, { kind: "group", ...options });
  if (!(node instanceof Group))
    throw new NotFoundError(`${where(store, normalizePath(path))} is an array, not a group`);
  return node;
}

declare module "../metadata/v2.js" {
  interface ArraySpec {
    /**
     * Writes the array metadata at `path` and returns the opened (empty) array. Existing nodes need
     * `overwrite`. `D`: the data type, as `open.array`'s (numeric unless said, e.g. `toZarr<"string">`).
     */
    toZarr<D extends ArrayDataType = DataType>(
      store: Store,
      path?: string,
      options?: CreateOptions,
    ): Promise<ZarrArray<D>>;
  }
}
declare module "../metadata/v3.js" {
  interface ArraySpec {
    /**
     * Writes the array metadata at `path` and returns the opened (empty) array. Existing nodes need
     * `overwrite`. `D`: the data type, as `open.array`'s (numeric unless said, e.g. `toZarr<"string">`).
     */
    toZarr<D extends ArrayDataType = DataType>(
      store: Store,
      path?: string,
      options?: CreateOptions,
    ): Promise<ZarrArray<D>>;
  }
}
declare module "../metadata/group.js" {
  interface GroupSpecV2 {
    /** Writes the group and all members; returns the opened group. Existing nodes need `overwrite`. */
    toZarr(store: Store, path?: string, options?: CreateOptions): Promise<Group>;
  }
  interface GroupSpecV3 {
    /** Writes the group and all members; returns the opened group. Existing nodes need `overwrite`. */
    toZarr(store: Store, path?: string, options?: CreateOptions): Promise<Group>;
  }
}

/** Adds a method as a class body would (non-enumerable), so specs look the same as before. */
function attach(proto: object, name: string, fn: unknown): void {
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
}
attach(
  ArraySpecV2.prototype,
  "toZarr",
  function (this: ArraySpecV2, store: Store, path = "", options: CreateOptions = {}) {
    return createArray(store, path, this, options);
  },
);
attach(
  ArraySpecV3.prototype,
  "toZarr",
  function (this: ArraySpecV3, store: Store, path = "", options: CreateOptions = {}) {
    return createArray(store, path, this, options);
  },
);
for (const proto of [GroupSpecV2.prototype, GroupSpecV3.prototype]) {
  attach(
    proto,
    "toZarr",
    function (this: GroupSpecV2 | GroupSpecV3, store: Store, path = "", options: CreateOptions = {}) {
      return createFromGroupSpec(store, path, this, options);
    },
  );
}
