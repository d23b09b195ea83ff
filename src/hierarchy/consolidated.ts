/**
 * Consolidated metadata: v2 `.zmetadata` and v3 inline `consolidated_metadata` in the root
 * `zarr.json`. Reading wraps the store so metadata keys are answered from the consolidated
 * document (one request instead of one per node, which matters over HTTP).
 */
import { NotFoundError, UnsupportedError } from "../errors.js";
import { joinKey, normalizePath } from "../store/keys.js";
import type { RangeQuery, Store } from "../store/types.js";
import { readJSON, readNodeMetadata, writeJSON } from "./metadata-io.js";

const encoder = new TextEncoder();
const METADATA_NAME = /(^|\/)(zarr\.json|\.zarray|\.zgroup|\.zattrs)$/;

/** All metadata documents under `path`, keyed by store key, found by listing the store. */
async function collectMetadata(store: Store, path: string): Promise<Map<string, unknown>> {
  if (!store.list) throw new UnsupportedError("consolidating metadata needs a store that can list its keys");
  const prefix = normalizePath(path);
  const out = new Map<string, unknown>();
  for (const key of await store.list(prefix)) {
    if (!METADATA_NAME.test(key)) continue;
    const bytes = await store.get(key);
    if (bytes) out.set(key, JSON.parse(new TextDecoder().decode(bytes)));
  }
  return out;
}

function relative(prefix: string, key: string): string {
  return prefix === "" ? key : key.slice(prefix.length + 1);
}

/**
 * Writes consolidated metadata for the hierarchy at `path`: `.zmetadata` for v2, an inline
 * `consolidated_metadata` field in the group's `zarr.json` for v3.
 */
export async function consolidateMetadata(store: Store, path = ""): Promise<void> {
  const root = normalizePath(path);
  const node = await readNodeMetadata(store, root);
  if (node?.kind !== "group") throw new NotFoundError(`no Zarr group at "/${root}" to consolidate`);
  const docs = await collectMetadata(store, root);
  if (node.format === 2) {
    const metadata: Record<string, unknown> = {};
    for (const [key, doc] of docs) metadata[relative(root, key)] = doc;
    await writeJSON(store, root, ".zmetadata", { zarr_consolidated_format: 1, metadata });
    return;
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, doc] of docs) {
    if (!key.endsWith("zarr.json")) continue;
    const rel = relative(root, key).replace(/\/?zarr\.json$/, "");
    if (rel === "") continue;
    metadata[rel] = doc;
  }
  const { consolidated_metadata: _, ...rest } = node.document;
  await writeJSON(store, root, "zarr.json", {
    ...rest,
    consolidated_metadata: { kind: "inline", must_understand: false, metadata },
  });
}

/** Reads consolidated metadata at `path` into a key → document map, or undefined when there is none. */
export async function readConsolidated(store: Store, path = ""): Promise<Map<string, unknown> | undefined> {
  const root = normalizePath(path);
  return (
    (await readConsolidatedV2(store, root)) ??
    consolidatedFromV3(
      root,
      (await readJSON(store, root, "zarr.json")) as Record<string, unknown> | undefined,
    )
  );
}

/** The v2 `.zmetadata` at `root` as a key → document map (undefined without one). */
export async function readConsolidatedV2(
  store: Store,
  root: string,
): Promise<Map<string, unknown> | undefined> {
  const zmeta = (await readJSON(store, root, ".zmetadata")) as
    | { metadata?: Record<string, unknown> }
    | undefined;
  if (!zmeta?.metadata) return undefined;
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(zmeta.metadata)) out.set(joinKey(root, k), v);
  return out;
}

/** The inline consolidated metadata of a v3 group's `zarr.json` (already read) as a key → document map. */
export function consolidatedFromV3(
  root: string,
  v3: Record<string, unknown> | undefined,
): Map<string, unknown> | undefined {
  const inner = (v3?.consolidated_metadata as { metadata?: Record<string, unknown> } | undefined)?.metadata;
  if (!inner) return undefined;
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(inner)) out.set(joinKey(root, `${k}/zarr.json`), v);
  return out;
}

/**
 * A read-through view of `store` that answers metadata keys below `root` from consolidated metadata
 * (a key missing from it is absent, as in zarr-python: no request is made), and lists members from
 * it when the store cannot list (HTTP).
 */
export function withConsolidated(store: Store, docs: Map<string, unknown>, root = ""): Store {
  const base = normalizePath(root);
  const own = new Set([joinKey(base, "zarr.json"), joinKey(base, ".zmetadata")]);
  const below = (key: string) => base === "" || key.startsWith(`${base}/`);
  const view: Store = {
    description: store.description,
    async get(key: string, range?: RangeQuery) {
      if (METADATA_NAME.test(key) && below(key) && !own.has(key)) {
        const doc = docs.get(key);
        if (doc === undefined) return undefined;
        const bytes = encoder.encode(JSON.stringify(doc));
        return range ? store.get(key, range) : bytes;
      }
      return store.get(key, range);
    },
  };
  for (const m of ["set", "delete", "list", "listDir", "deletePrefix", "close", "has"] as const) {
    const fn = store[m];
    if (typeof fn === "function") (view as unknown as Record<string, unknown>)[m] = fn.bind(store);
  }
  if (!store.listDir) view.listDir = async (prefix = "") => listFromDocs(docs, normalizePath(prefix));
  return view;
}

/** Direct children of `prefix` according to the metadata keys in `docs`. */
function listFromDocs(docs: Map<string, unknown>, prefix: string): { keys: string[]; prefixes: string[] } {
  const keys = new Set<string>();
  const prefixes = new Set<string>();
  for (const key of docs.keys()) {
    if (prefix !== "" && !key.startsWith(`${prefix}/`)) continue;
    const rest = prefix === "" ? key : key.slice(prefix.length + 1);
    const slash = rest.indexOf("/");
    if (slash < 0) keys.add(rest);
    else prefixes.add(rest.slice(0, slash));
  }
  return { keys: [...keys].sort(), prefixes: [...prefixes].sort() };
}
