/**
 * Finding the members of a group on any store: by listing where the store can list (a local
 * directory, a zip, or consolidated metadata standing in for a listing), and where it cannot
 * (plain HTTP) from the OME-Zarr metadata, which names its arrays and groups: multiscale dataset
 * paths, the `labels` group and its label images, a plate's wells and a well's images.
 */
import type { ZarrArray } from "../array/zarr-array.js";
import type { Group, Member } from "./group.js";
import { readNodeMetadata } from "./metadata-io.js";

/** How the members were found: a listing of the store, or the names in the OME metadata. */
export type MemberDiscovery = "listing" | "ome";

/** The paths (relative to the group) an OME-Zarr group's attributes name as its members. */
export function omeMemberPaths(attrs: Record<string, unknown>): string[] {
  const ome = attrs.ome;
  const ns = (ome && typeof ome === "object" ? ome : attrs) as Record<string, unknown>;
  const names: string[] = [];
  const add = (p: unknown) => {
    if (typeof p === "string" && p !== "" && !names.includes(p)) names.push(p);
  };
  const list = (v: unknown): Array<Record<string, unknown>> =>
    Array.isArray(v) ? v.filter((x) => x && typeof x === "object") : [];
  for (const ms of list(ns.multiscales)) for (const d of list(ms.datasets)) add(d.path);
  if (Array.isArray(ns.labels)) for (const l of ns.labels) add(l);
  const plate = ns.plate as Record<string, unknown> | undefined;
  if (plate && typeof plate === "object") for (const w of list(plate.wells)) add(w.path);
  const well = ns.well as Record<string, unknown> | undefined;
  if (well && typeof well === "object") for (const i of list(well.images)) add(i.path);
  // an image's label images live in its "labels" group, which the image's own metadata does not name
  if (Array.isArray(ns.multiscales)) add("labels");
  return names;
}

/** The direct (or, from OME metadata, named) members of `group`, and how they were found. */
export async function membersOf(group: Group): Promise<{ members: Member[]; via: MemberDiscovery }> {
  if (group.store.listDir) return { members: await group.members(), via: "listing" };
  const members: Member[] = [];
  for (const name of omeMemberPaths(group.attrs)) {
    const meta = await readNodeMetadata(group.store, group.childPath(name)).catch(() => undefined);
    if (meta) members.push({ name, kind: meta.kind });
  }
  return { members, via: "ome" };
}

/** Every array at or below `group`, depth first. */
export async function arraysUnder(group: Group): Promise<ZarrArray[]> {
  const out: ZarrArray[] = [];
  const visit = async (g: Group) => {
    for (const m of (await membersOf(g)).members) {
      if (m.kind === "array") out.push(await g.array(m.name));
      else await visit(await g.group(m.name));
    }
  };
  await visit(group);
  return out;
}
