/**
 * `zarrsmith info PATH` — the hierarchy as a tree (each array's shape, dtype, chunks, shards,
 * codecs, stored size and ratio), the OME-Zarr summary of each image, and the store's top-level
 * contents (the textbook's get_directory_contents).
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import {
  type Group,
  itemSize,
  LocalStore,
  membersOf,
  ome,
  open,
  type Store,
  ZarrArray,
} from "../../index.js";
import { formatBytes, type GlobalOptions, printResult } from "../output.js";
import { directoryUsage, openReadStore } from "../stores.js";
import { formatViewerNotes } from "./validate.js";

export interface ArrayInfo {
  path: string;
  kind: "array";
  zarrFormat: 2 | 3;
  shape: number[];
  dtype: string;
  chunks: number[];
  shards?: number[];
  codecs: unknown[];
  fillValue: unknown;
  dimensionNames?: (string | null)[];
  bytesRaw: number;
  bytesStored?: number;
  compressionRatio?: number;
}

export interface GroupInfo {
  path: string;
  kind: "group";
  zarrFormat: 2 | 3;
  attributes: string[];
  ome?: ome.OmeImageInfo;
  /** OME-Zarr 0.6 scene: its coordinate systems and transformations, in words. */
  scene?: string[];
  members: Array<ArrayInfo | GroupInfo>;
}

function arrayInfo(a: ZarrArray, root?: string): ArrayInfo {
  const spec = a.spec;
  const codecs =
    spec.zarr_format === 2
      ? [...(spec.filters ?? []), ...(spec.compressor ? [spec.compressor] : [])]
      : spec.codecs;
  // (strings have no fixed size in memory: 0)
  const bytesRaw = a.isNumeric() ? a.shape.reduce((p, s) => p * s, itemSize(a.dtype)) : 0;
  const bytesStored = root === undefined ? undefined : directoryUsage(join(root, a.path)).bytes;
  return {
    path: a.path,
    kind: "array",
    zarrFormat: a.zarrFormat,
    shape: a.shape,
    dtype: a.dtype,
    chunks: a.chunks,
    ...(a.shards && { shards: a.shards }),
    codecs,
    fillValue: spec.fill_value,
    ...(a.dimensionNames && { dimensionNames: a.dimensionNames }),
    bytesRaw,
    ...(bytesStored !== undefined && {
      bytesStored,
      compressionRatio: bytesStored > 0 ? bytesRaw / bytesStored : undefined,
    }),
  };
}

async function groupInfo(g: Group, root?: string): Promise<GroupInfo> {
  const members: GroupInfo["members"] = [];
  for (const m of (await membersOf(g)).members) {
    members.push(
      m.kind === "array"
        ? arrayInfo(await g.array(m.name), root)
        : await groupInfo(await g.group(m.name), root),
    );
  }
  const image = ome.omeImage(g.attrs);
  const scene = ome.omeScene(g.attrs);
  return {
    path: g.path,
    kind: "group",
    zarrFormat: g.zarrFormat,
    attributes: Object.keys(g.attrs),
    ...(image && { ome: image }),
    ...(scene && { scene }),
    members,
  };
}

/** Top-level entries of a local store directory: files with sizes, folders with their total size. */
function directoryContents(root: string) {
  return readdirSync(root, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => {
      const p = join(root, e.name);
      if (e.isDirectory()) return { name: `${e.name}/`, kind: "directory", ...directoryUsage(p) };
      return { name: e.name, kind: "file", bytes: statSync(p).size, files: 1 };
    });
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : Number(n.toPrecision(6)).toString());

function codecName(c: unknown): string {
  const o = c as {
    id?: string;
    name?: string;
    configuration?: Record<string, unknown>;
    level?: number;
    cname?: string;
    clevel?: number;
  };
  if (o.id)
    return o.id === "blosc"
      ? `blosc(${o.cname}:${o.clevel})`
      : o.level !== undefined
        ? `${o.id}(${o.level})`
        : o.id;
  const cfg = o.configuration ?? {};
  if (o.name === "sharding_indexed") return `sharding[${(cfg.codecs as unknown[]).map(codecName).join(",")}]`;
  return cfg.level !== undefined ? `${o.name}(${cfg.level})` : (o.name ?? "?");
}

function render(node: ArrayInfo | GroupInfo, indent: string, lines: string[]): void {
  const name = node.path === "" ? "/" : (node.path.split("/").pop() as string);
  if (node.kind === "array") {
    const size =
      node.bytesStored !== undefined
        ? `  ${formatBytes(node.bytesStored)} stored, ratio ${node.compressionRatio?.toFixed(2) ?? "-"}`
        : "";
    lines.push(
      `${indent}${name}  array v${node.zarrFormat}  ${node.shape.join("x")} ${node.dtype}  chunks ${node.chunks.join("x")}${node.shards ? `  shards ${node.shards.join("x")}` : ""}  codecs ${node.codecs.map(codecName).join(",") || "none"}${size}`,
    );
    return;
  }
  lines.push(
    `${indent}${name}  group v${node.zarrFormat}${node.attributes.length ? `  attributes: ${node.attributes.join(", ")}` : ""}`,
  );
  if (node.ome) {
    const o = node.ome;
    lines.push(
      `${indent}  OME-Zarr ${o.version ?? "?"} ${o.labels ? "label image" : "image"}${o.name ? ` "${o.name}"` : ""}, axes ${o.axes.map((a) => `${a.name}${a.unit ? ` (${a.unit})` : ""}`).join(", ")}`,
    );
    for (const l of o.levels) {
      lines.push(
        `${indent}    level ${l.path}: scale ${l.scale?.map(fmt).join(",") ?? "-"}${l.translation ? `  translation ${l.translation.map(fmt).join(",")}` : ""}`,
      );
    }
    for (const t of o.transformations ?? []) lines.push(`${indent}    ${t}`);
  }
  for (const t of node.scene ?? []) lines.push(`${indent}  ${t}`);
  for (const m of node.members) render(m, `${indent}  `, lines);
}

/**
 * How members were found: a store that lists (a directory, a zip) is listed; one that cannot (plain
 * HTTP has no listing) is read through its consolidated metadata, else through the names the OME
 * metadata gives (multiscale datasets, labels, plate wells, well images).
 */
type Discovery = "listing" | "consolidated metadata" | "OME metadata";

export async function describeStore(store: Store, path: string) {
  const root = store instanceof LocalStore ? store.root : undefined;
  const listable = typeof store.listDir === "function";
  const node = await open(store, "", { consolidated: !listable });
  const discovery: Discovery = listable
    ? "listing"
    : node.store.listDir
      ? "consolidated metadata"
      : "OME metadata";
  const tree = node instanceof ZarrArray ? arrayInfo(node, root) : await groupInfo(node, root);
  const usage = root ? directoryUsage(root) : undefined;
  // per-viewer compatibility notes, for an image at the root
  const viewers =
    tree.kind === "group" && tree.ome?.levels.length ? await ome.viewerNotes(node.store, "") : undefined;
  return {
    path,
    members: discovery,
    ...(usage && { bytesStored: usage.bytes, files: usage.files }),
    contents: root ? directoryContents(root) : undefined,
    tree,
    ...(viewers && { viewers }),
  };
}

export function registerInfo(program: Command): void {
  program
    .command("info")
    .description(
      "show the hierarchy (arrays, codecs, sizes), the OME-Zarr metadata and the store's top-level contents",
    )
    .argument("<path>", "Zarr store or OME-Zarr image (directory, .zip or URL)")
    .action(async (path: string, _opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const info = await describeStore(await openReadStore(path), path);
      printResult(globals, info, () => {
        const lines: string[] = [
          `${path}${info.bytesStored !== undefined ? `  (${formatBytes(info.bytesStored)} in ${info.files} files)` : ""}`,
        ];
        if (info.contents) {
          lines.push("contents:");
          for (const c of info.contents) {
            lines.push(
              `  ${c.name.padEnd(24)} ${formatBytes(c.bytes).padStart(10)}${c.kind === "directory" ? `  ${c.files} files` : ""}`,
            );
          }
        }
        if (info.members !== "listing" && info.tree.kind === "group") {
          lines.push(
            `note: ${path} cannot be listed (HTTP has no directory listing); members found from its ${info.members}${info.members === "OME metadata" ? ": arrays it does not name are not shown (write consolidated metadata to list everything)" : ""}`,
          );
        }
        lines.push("hierarchy:");
        render(info.tree, "  ", lines);
        if (info.viewers) lines.push(...formatViewerNotes(info.viewers).map((l) => l.slice(2)));
        return lines.join("\n");
      });
    });
}
