/**
 * What the 0.6 hierarchy checks need from the hierarchy validator (validate/hierarchy.ts), as an
 * interface so that the 0.6 modules do not import the walker itself.
 */

import type { ZarrNode } from "../validate/nodes.js";
import type { OmeKind } from "../validate/report.js";

export type GroupNode = ZarrNode & { kind: "group" };

export interface HierarchyWalker {
  error(node: string, json: string, message: string, target?: string): void;
  warn(node: string, json: string, message: string, target?: string): void;
  read(rel: string): Promise<ZarrNode | undefined>;
  group(node: string, json: string, target: string, what: string): Promise<GroupNode | undefined>;
  visit(path: string, group: GroupNode, expect?: OmeKind[]): Promise<unknown>;
}

export function joinPath(a: string, b: string): string {
  return a === "" ? b : `${a}/${b}`;
}
