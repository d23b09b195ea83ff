/**
 * Group specifications (pydantic-zarr's GroupSpec) for Zarr v2 and v3: attributes plus nested
 * `members`, each an array spec or a group spec. Also the flat form (`toFlat`/`fromFlat`):
 * `{ "": group, "/a": array, "/b": group, "/b/c": array }` without nesting.
 */
import { type Issue, SpecError } from "../errors.js";
import type { Attributes } from "./shared.js";
import { type ArraySpecJSON as ArraySpecJSONV2, ArraySpec as ArraySpecV2 } from "./v2.js";
import { type ArraySpecJSON as ArraySpecJSONV3, ArraySpec as ArraySpecV3 } from "./v3.js";

type ArraySpecOf<F extends 2 | 3> = F extends 2 ? ArraySpecV2 : ArraySpecV3;
type ArrayJSONOf<F extends 2 | 3> = F extends 2 ? ArraySpecJSONV2 : ArraySpecJSONV3;

export interface GroupSpecJSON<F extends 2 | 3 = 2 | 3> {
  zarr_format: F;
  node_type?: "group";
  attributes: Attributes;
  members: Record<string, ArrayJSONOf<F> | GroupSpecJSON<F>>;
}

/** A flat node: an array spec JSON, or a group without members. */
export type FlatNode<F extends 2 | 3> = ArrayJSONOf<F> | Omit<GroupSpecJSON<F>, "members">;

function isArrayDoc(x: unknown): boolean {
  return (
    typeof x === "object" &&
    x !== null &&
    ("shape" in x || (x as { node_type?: string }).node_type === "array")
  );
}

function checkMemberName(name: string, path: string): Issue[] {
  if (name === "" || name.includes("/") || name === "." || name === ".." || name.startsWith("__")) {
    return [
      {
        path,
        message: `member name ${JSON.stringify(name)} must be non-empty, contain no '/', not be '.'/'..' and not start with '__'`,
      },
    ];
  }
  return [];
}

/**
 * A stored group as `fromZarr` reads it (hierarchy's Group is one). Structural, so that this module
 * holds data only and imports no store or hierarchy code; writing (`toZarr`) lives in hierarchy.
 */
export interface StoredGroup {
  readonly zarrFormat: 2 | 3;
  readonly attrs: Attributes;
  members(): Promise<{ name: string; kind: "array" | "group" }[]>;
  group(name: string): Promise<StoredGroup>;
  array(name: string): Promise<{ spec: { toJSON(): unknown } }>;
}

abstract class BaseGroupSpec<F extends 2 | 3> {
  abstract readonly zarr_format: F;
  readonly attributes: Attributes;
  readonly members: Record<string, ArraySpecOf<F> | BaseGroupSpec<F>>;

  protected constructor(attributes: Attributes, members: Record<string, ArraySpecOf<F> | BaseGroupSpec<F>>) {
    this.attributes = attributes;
    this.members = members;
  }

  toJSON(): GroupSpecJSON<F> {
    const members: Record<string, ArrayJSONOf<F> | GroupSpecJSON<F>> = {};
    for (const [name, m] of Object.entries(this.members))
      members[name] = m.toJSON() as ArrayJSONOf<F> | GroupSpecJSON<F>;
    const json: GroupSpecJSON<F> = { zarr_format: this.zarr_format, attributes: this.attributes, members };
    if (this.zarr_format === 3) json.node_type = "group";
    return json;
  }

  /** The hierarchy as a flat map of absolute paths ("" is this group) to nodes without members. */
  toFlat(root = ""): Record<string, FlatNode<F>> {
    const { members: _, ...self } = this.toJSON();
    const out: Record<string, FlatNode<F>> = { [root]: self };
    for (const [name, m] of Object.entries(this.members)) {
      const p = `${root}/${name}`;
      if (m instanceof BaseGroupSpec) Object.assign(out, m.toFlat(p));
      else out[p] = m.toJSON() as ArrayJSONOf<F>;
    }
    return out;
  }
}

function parseMembers<F extends 2 | 3>(
  input: Record<string, unknown>,
  format: F,
  parseGroup: (x: unknown) => BaseGroupSpec<F>,
): Record<string, ArraySpecOf<F> | BaseGroupSpec<F>> {
  const issues: Issue[] = [];
  const out: Record<string, ArraySpecOf<F> | BaseGroupSpec<F>> = {};
  for (const [name, doc] of Object.entries(input)) {
    const base = `members.${name}`;
    issues.push(...checkMemberName(name, base));
    try {
      out[name] = isArrayDoc(doc)
        ? ((format === 2 ? ArraySpecV2.parse(doc) : ArraySpecV3.parse(doc)) as ArraySpecOf<F>)
        : parseGroup(doc);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      issues.push(
        ...e.issues.map((i) => ({ path: i.path ? `${base}.${i.path}` : base, message: i.message })),
      );
    }
  }
  if (issues.length) throw new SpecError(`Zarr v${format} group spec`, issues);
  return out;
}

function parseGroupInput(
  input: unknown,
  format: 2 | 3,
): { attributes: Attributes; members: Record<string, unknown> } {
  const issues: Issue[] = [];
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new SpecError(`Zarr v${format} group spec`, [{ path: "", message: "must be an object" }]);
  }
  const g = input as Record<string, unknown>;
  if (g.zarr_format !== undefined && g.zarr_format !== format) {
    issues.push({ path: "zarr_format", message: `must be ${format}` });
  }
  if (format === 3 && g.node_type !== undefined && g.node_type !== "group") {
    issues.push({ path: "node_type", message: 'must be "group"' });
  }
  const attributes = g.attributes ?? {};
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
    issues.push({ path: "attributes", message: "must be an object" });
  }
  const members = g.members ?? {};
  if (typeof members !== "object" || members === null || Array.isArray(members)) {
    issues.push({ path: "members", message: "must be an object mapping names to array or group specs" });
  }
  if (issues.length) throw new SpecError(`Zarr v${format} group spec`, issues);
  return { attributes: attributes as Attributes, members: members as Record<string, unknown> };
}

/** Nests a flat map back into {node, members} form (shared by both versions' `fromFlat`). */
function nestFlat(flat: Record<string, unknown>): unknown {
  const root = flat[""] ?? flat["/"];
  if (!root)
    throw new SpecError("flat hierarchy", [{ path: "", message: 'must contain the root node under ""' }]);
  const tree = { ...(root as object), members: {} } as { members: Record<string, unknown> };
  const paths = Object.keys(flat)
    .filter((k) => k !== "" && k !== "/")
    .sort((a, b) => a.split("/").length - b.split("/").length);
  for (const p of paths) {
    const parts = p.replace(/^\//, "").split("/");
    let node = tree;
    for (const part of parts.slice(0, -1)) {
      const next = node.members[part] as { members: Record<string, unknown> } | undefined;
      if (!next || isArrayDoc(next)) {
        throw new SpecError("flat hierarchy", [
          { path: p, message: `parent "${part}" is missing or is an array` },
        ]);
      }
      node = next;
    }
    const doc = flat[p] as object;
    node.members[parts[parts.length - 1]] = isArrayDoc(doc) ? doc : { ...doc, members: {} };
  }
  return tree;
}

export class GroupSpecV2 extends BaseGroupSpec<2> {
  readonly zarr_format = 2 as const;

  static parse(input: unknown): GroupSpecV2 {
    const { attributes, members } = parseGroupInput(input, 2);
    return new GroupSpecV2(
      attributes,
      parseMembers(members, 2, (x) => GroupSpecV2.parse(x)),
    );
  }
  static fromFlat(flat: Record<string, unknown>): GroupSpecV2 {
    return GroupSpecV2.parse(nestFlat(flat));
  }
  static async fromZarr(group: StoredGroup): Promise<GroupSpecV2> {
    return GroupSpecV2.parse(await readTree(group));
  }
  with(update: Partial<GroupSpecJSON<2>>): GroupSpecV2 {
    return GroupSpecV2.parse({ ...this.toJSON(), ...update });
  }
}

export class GroupSpecV3 extends BaseGroupSpec<3> {
  readonly zarr_format = 3 as const;

  static parse(input: unknown): GroupSpecV3 {
    const { attributes, members } = parseGroupInput(input, 3);
    return new GroupSpecV3(
      attributes,
      parseMembers(members, 3, (x) => GroupSpecV3.parse(x)),
    );
  }
  static fromFlat(flat: Record<string, unknown>): GroupSpecV3 {
    return GroupSpecV3.parse(nestFlat(flat));
  }
  static async fromZarr(group: StoredGroup): Promise<GroupSpecV3> {
    return GroupSpecV3.parse(await readTree(group));
  }
  with(update: Partial<GroupSpecJSON<3>>): GroupSpecV3 {
    return GroupSpecV3.parse({ ...this.toJSON(), ...update });
  }
}

/** Reads a stored hierarchy into spec JSON (needs a listable store). */
async function readTree(group: StoredGroup): Promise<unknown> {
  const members: Record<string, unknown> = {};
  for (const m of await group.members()) {
    if (m.kind === "group") members[m.name] = await readTree(await group.group(m.name));
    else members[m.name] = (await group.array(m.name)).spec.toJSON();
  }
  return { zarr_format: group.zarrFormat, attributes: group.attrs, members };
}
