/**
 * `upgrade(store, path, { to })`: moves an OME-Zarr hierarchy between versions by rewriting its
 * metadata documents only. 0.4 → 0.5 turns every Zarr v2 node into a Zarr v3 node whose arrays
 * read the same chunk objects (see zarr-format.ts); 0.5 → 0.4 goes back where Zarr v2 can express
 * the arrays. No chunk is read, decoded or written in place; into another store (`out`) every
 * other object is copied byte for byte.
 *
 * In place, the order of writes keeps the hierarchy readable after a crash at any point: the old
 * documents are first copied under `<path>/.zarrsmith-backup/<from>-<time>/`; then the new array
 * documents are written (each file atomically by the store), then the groups deepest first and the
 * root last — the root's document is the commit point —, and only then are the old documents
 * removed. Downgrading removes the root's `zarr.json` first (readers then see the v2 root) and the
 * other `zarr.json` documents after it.
 */
import { ExistsError, NotFoundError, UnsupportedError, ZarrsmithError } from "../../errors.js";
import { readJSON } from "../../hierarchy/metadata-io.js";
import { joinKey, normalizePath } from "../../store/keys.js";
import { isListable, isWritable, type Store } from "../../store/types.js";
import { isObject, type JSONObject } from "../common/json.js";
import { isV06Version } from "../v06/version.js";
import { attributes04to05, attributes05to04 } from "./attributes.js";
import { attributes05to06, attributes06to05 } from "./multiscales-v06.js";
import { v2ArrayToV3, v3ArrayToV2 } from "./zarr-format.js";

export { NotRepresentableError } from "./errors.js";

import { UPGRADE_VERSIONS, type UpgradeVersion } from "./versions.js";

export { UPGRADE_VERSIONS, type UpgradeVersion } from "./versions.js";

export interface UpgradeOptions {
  /** The target OME-Zarr version (older than the source's means a downgrade). */
  to: UpgradeVersion;
  /**
   * Write the upgraded hierarchy into this store (at `outPath`) instead of in place: metadata
   * documents are the new ones, every other object is copied byte for byte. It must not hold a
   * node at `outPath` yet.
   */
  out?: Store;
  /** Where in `out` to write (default ""). */
  outPath?: string;
  /** In place: keep the replaced documents under `<path>/.zarrsmith-backup/` (default true). */
  backup?: boolean;
  /** Objects copied at once when writing into `out` (default 8). */
  concurrency?: number;
}

export interface UpgradeResult {
  from: UpgradeVersion;
  to: UpgradeVersion;
  /** Zarr nodes (groups and arrays) whose metadata was converted. */
  nodes: number;
  /** Metadata keys written (relative to the store root of the written store). */
  written: string[];
  /** Old metadata keys removed (in place only). */
  removed: string[];
  /** Other objects (chunks, ...) copied byte for byte into `out`; 0 in place. */
  copied: number;
  /** Where the old metadata documents were kept (in place with backup). */
  backup?: string;
}

/** The folder (below the upgraded path) that holds backups; never part of the hierarchy. */
export const BACKUP_FOLDER = ".zarrsmith-backup";

type Node =
  | { path: string; kind: "array" | "group"; format: 2; zarray?: JSONObject; attributes: JSONObject }
  | { path: string; kind: "array" | "group"; format: 3; document: JSONObject };

const V2_NAMES = [".zarray", ".zgroup", ".zattrs", ".zmetadata"];
const METADATA_NAMES = new Set([...V2_NAMES, "zarr.json"]);

function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}
function dirName(key: string): string {
  const i = key.lastIndexOf("/");
  return i < 0 ? "" : key.slice(0, i);
}
function depth(path: string): number {
  return path === "" ? 0 : path.split("/").length;
}
function within(root: string, key: string): string {
  return root === "" ? key : key.slice(root.length + 1);
}

async function readNodes(store: Store, root: string, keys: string[]): Promise<Node[]> {
  const dirs = new Map<string, Set<string>>();
  for (const key of keys) {
    const name = baseName(key);
    if (!METADATA_NAMES.has(name)) continue;
    const dir = dirName(key);
    if (!dirs.has(dir)) dirs.set(dir, new Set());
    dirs.get(dir)?.add(name);
  }
  // After an interrupted run a node may have both formats' documents; the root's format wins, so
  // running again finishes what was started.
  const rootNames = dirs.get(root);
  const preferV3 = rootNames?.has("zarr.json") ?? false;
  const nodes: Node[] = [];
  for (const [dir, names] of dirs) {
    const hasV2 = names.has(".zarray") || names.has(".zgroup");
    if (names.has("zarr.json") && (preferV3 || !hasV2)) {
      const document = (await readJSON(store, dir, "zarr.json")) as JSONObject;
      const kind = document?.node_type;
      if (kind !== "array" && kind !== "group")
        throw new ZarrsmithError(
          "invalid_spec",
          `${joinKey(dir, "zarr.json")}: node_type must be "array" or "group"`,
        );
      nodes.push({ path: dir, kind, format: 3, document });
    } else if (hasV2) {
      const attributes = ((await readJSON(store, dir, ".zattrs")) ?? {}) as JSONObject;
      if (names.has(".zarray")) {
        const zarray = (await readJSON(store, dir, ".zarray")) as JSONObject;
        nodes.push({ path: dir, kind: "array", format: 2, zarray, attributes });
      } else nodes.push({ path: dir, kind: "group", format: 2, attributes });
    }
  }
  if (!nodes.some((n) => n.path === root))
    throw new NotFoundError(`no Zarr group at "${root || "/"}" of ${store.description ?? "the store"}`);
  return nodes;
}

function versionOf(node: Node): UpgradeVersion | string | undefined {
  if (node.format === 2) {
    const ms = node.attributes.multiscales;
    const v = Array.isArray(ms) && isObject(ms[0]) ? ms[0].version : undefined;
    for (const key of ["plate", "well"]) {
      const o = node.attributes[key];
      if (v === undefined && isObject(o) && typeof o.version === "string") return o.version;
    }
    return typeof v === "string" ? v : "0.4";
  }
  const ome = (node.document.attributes as JSONObject | undefined)?.ome;
  if (!isObject(ome) || typeof ome.version !== "string") return undefined;
  // The 0.6 release candidate's layout is the release's (see v06/version.ts).
  return isV06Version(ome.version) ? "0.6" : ome.version;
}

/** Axis names of every dataset array, from the multiscales of the groups (0.5 arrays MUST carry them). */
function datasetAxes(nodes: Node[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.kind !== "group") continue;
    const attrs = node.format === 2 ? node.attributes : ((node.document.attributes ?? {}) as JSONObject);
    const ns = node.format === 2 ? attrs : ((attrs.ome ?? {}) as JSONObject);
    const multiscales = ns.multiscales;
    if (!Array.isArray(multiscales)) continue;
    for (const ms of multiscales) {
      if (!isObject(ms) || !Array.isArray(ms.axes) || !Array.isArray(ms.datasets)) continue;
      const names = ms.axes.map((a) => (isObject(a) ? a.name : a));
      if (!names.every((n) => typeof n === "string")) continue;
      for (const ds of ms.datasets) {
        if (isObject(ds) && typeof ds.path === "string")
          out.set(node.path === "" ? ds.path : `${node.path}/${ds.path}`, names as string[]);
      }
    }
  }
  return out;
}

function step04to05(nodes: Node[]): Node[] {
  const axes = datasetAxes(nodes);
  return nodes.map((node): Node => {
    if (node.format !== 2) return node;
    const where = node.path || "/";
    if (node.kind === "group") {
      return {
        path: node.path,
        kind: "group",
        format: 3,
        document: { zarr_format: 3, node_type: "group", attributes: attributes04to05(node.attributes) },
      };
    }
    const document = v2ArrayToV3(node.zarray ?? {}, node.attributes, axes.get(node.path), where);
    return { path: node.path, kind: "array", format: 3, document };
  });
}

function step05to04(nodes: Node[]): Node[] {
  return nodes.map((node): Node => {
    if (node.format !== 3) return node;
    const where = node.path || "/";
    if (node.kind === "group") {
      const { consolidated_metadata: _, ...doc } = node.document;
      const attributes = attributes05to04((doc.attributes ?? {}) as JSONObject);
      return { path: node.path, kind: "group", format: 2, attributes };
    }
    const { zarray, attributes } = v3ArrayToV2(node.document, where);
    return { path: node.path, kind: "array", format: 2, zarray, attributes };
  });
}

/** 0.5 ↔ 0.6: group attributes only (arrays are Zarr v3 in both). */
function attributesStep(convert: (attrs: JSONObject, node: string) => JSONObject) {
  return (nodes: Node[]): Node[] =>
    nodes.map((node): Node => {
      if (node.format !== 3 || node.kind !== "group") return node;
      const attributes = convert((node.document.attributes ?? {}) as JSONObject, node.path || "/");
      return { ...node, document: { ...node.document, attributes } };
    });
}

/** One step between neighbouring versions, in either direction. */
const STEPS: Record<string, (nodes: Node[]) => Node[]> = {
  "0.4>0.5": step04to05,
  "0.5>0.4": step05to04,
  "0.5>0.6": attributesStep(attributes05to06),
  "0.6>0.5": attributesStep(attributes06to05),
};

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/** The metadata documents of a node in its (new) format. */
function documentsOf(node: Node): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (node.format === 3) {
    // A v3 root's consolidated metadata would describe the old documents; drop it.
    const { consolidated_metadata: _, ...doc } = node.document;
    out.set(joinKey(node.path, "zarr.json"), json(doc));
    return out;
  }
  if (node.kind === "array") out.set(joinKey(node.path, ".zarray"), json(node.zarray));
  else out.set(joinKey(node.path, ".zgroup"), json({ zarr_format: 2 }));
  if (Object.keys(node.attributes).length > 0) out.set(joinKey(node.path, ".zattrs"), json(node.attributes));
  return out;
}

function timestamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Converts the OME-Zarr hierarchy at `path` of `store` to OME-Zarr `options.to`, rewriting
 * metadata only. Throws NotRepresentableError (before anything is written) when the target
 * cannot express the metadata, naming the array and field.
 */
export async function upgrade(store: Store, path: string, options: UpgradeOptions): Promise<UpgradeResult> {
  const root = normalizePath(path);
  const to = options.to;
  if (!(UPGRADE_VERSIONS as readonly string[]).includes(to))
    throw new UnsupportedError(
      `cannot upgrade to OME-Zarr ${JSON.stringify(to)}: expected one of ${UPGRADE_VERSIONS.join(", ")}`,
    );
  if (!isListable(store))
    throw new UnsupportedError(`cannot upgrade ${store.description ?? "the store"}: it cannot list its keys`);
  const backupRoot = joinKey(root, BACKUP_FOLDER);
  const allKeys = (await store.list(root)).filter(
    (k) => k !== backupRoot && !k.startsWith(`${backupRoot}/`) && (root === "" || k.startsWith(`${root}/`)),
  );
  const original = await readNodes(store, root, allKeys);
  const rootNode = original.find((n) => n.path === root) as Node;
  const from = versionOf(rootNode);
  if (!(UPGRADE_VERSIONS as readonly string[]).includes(from ?? "")) {
    throw new UnsupportedError(
      `${store.description ?? "the store"} at "${root || "/"}": OME-Zarr version ${from === undefined ? '(none: no "ome" metadata)' : JSON.stringify(from)} cannot be upgraded; expected one of ${UPGRADE_VERSIONS.join(", ")}`,
    );
  }
  const source = from as UpgradeVersion;
  // Every conversion happens in memory first, so an impossible one fails before anything is written.
  let nodes = original;
  const a = UPGRADE_VERSIONS.indexOf(source);
  const b = UPGRADE_VERSIONS.indexOf(to);
  for (let i = a; i !== b; i += b > a ? 1 : -1) {
    const next = i + (b > a ? 1 : -1);
    nodes = STEPS[`${UPGRADE_VERSIONS[i]}>${UPGRADE_VERSIONS[next]}`](nodes);
  }
  // New documents: arrays first, then groups deepest first, the root last (the commit point).
  const ordered = [...nodes].sort((x, y) => {
    if (x.path === root) return 1;
    if (y.path === root) return -1;
    if (x.kind !== y.kind) return x.kind === "array" ? -1 : 1;
    return depth(y.path) - depth(x.path) || (x.path < y.path ? -1 : 1);
  });
  const docs = new Map<string, Uint8Array>();
  for (const node of ordered) for (const [k, v] of documentsOf(node)) docs.set(k, v);
  const oldMetadata = allKeys.filter((k) => METADATA_NAMES.has(baseName(k)));
  const result: UpgradeResult = {
    from: source,
    to,
    nodes: nodes.length,
    written: [],
    removed: [],
    copied: 0,
  };

  if (options.out) {
    const out = options.out;
    if (!isWritable(out))
      throw new UnsupportedError(`${out.description ?? "the output store"} is not writable`);
    const outRoot = normalizePath(options.outPath ?? "");
    const place = (key: string) => joinKey(outRoot, within(root, key)).replace(/^\/+/, "");
    for (const name of ["zarr.json", ".zgroup", ".zarray"]) {
      if (await out.has?.(joinKey(outRoot, name)))
        throw new ExistsError(
          `${out.description ?? "the output"} already holds a Zarr node at "${outRoot || "/"}"`,
        );
    }
    const others = allKeys.filter((k) => !METADATA_NAMES.has(baseName(k)));
    const { forEachLimit } = await import("../../concurrency/limit.js");
    await forEachLimit(others, options.concurrency ?? 8, async (key) => {
      const bytes = await store.get(key);
      if (bytes === undefined) return; // removed meanwhile
      await out.set(place(key), bytes);
      result.copied++;
    });
    for (const [key, bytes] of docs) {
      await out.set(place(key), bytes);
      result.written.push(place(key));
    }
    return result;
  }

  if (!isWritable(store))
    throw new UnsupportedError(
      `cannot upgrade ${store.description ?? "the store"} in place: it is read-only; give an output to write to`,
    );
  const current = new Map<string, Uint8Array>();
  for (const key of oldMetadata) {
    const bytes = await store.get(key);
    if (bytes) current.set(key, bytes);
  }
  const writes = [...docs].filter(([k, v]) => !sameBytes(current.get(k), v));
  const removes = oldMetadata.filter((k) => !docs.has(k));
  if (writes.length === 0 && removes.length === 0) return result;
  if (options.backup !== false) {
    const folder = joinKey(backupRoot, `${source}-${timestamp()}`);
    for (const key of [...current.keys()].filter((k) => docs.has(k) || removes.includes(k))) {
      await store.set(joinKey(folder, within(root, key)), current.get(key) as Uint8Array);
    }
    result.backup = folder;
  }
  const downgradeFormat = rootNode.format === 3 && nodes.find((n) => n.path === root)?.format === 2;
  const rootDoc = joinKey(root, "zarr.json");
  if (downgradeFormat) {
    // The v2 documents go next to the v3 ones; removing the root's zarr.json switches readers over.
    for (const [key, bytes] of writes) {
      await store.set(key, bytes);
      result.written.push(key);
    }
    const order = [rootDoc, ...removes.filter((k) => k !== rootDoc)].filter((k) => removes.includes(k));
    for (const key of order) {
      await store.delete(key);
      result.removed.push(key);
    }
    return result;
  }
  for (const [key, bytes] of writes) {
    await store.set(key, bytes);
    result.written.push(key);
  }
  for (const key of removes) {
    await store.delete(key);
    result.removed.push(key);
  }
  return result;
}
