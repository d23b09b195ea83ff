/**
 * No import cycles in src/: every module can be loaded, tested and replaced on its own, and layers
 * depend one way (metadata <- hierarchy <- ome/pyramid <- cli). The graph counts type-only and
 * dynamic imports too (see import-graph.ts).
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { test } from "node:test";
import { cycles, exampleLoop, importGraph } from "./import-graph.js";

/**
 * Cycles allowed for now, each only while it stays inside its modules (a shrinking cycle passes;
 * one that reaches any other module fails).
 */
const KNOWN: { owner: string; modules: string[] }[] = [
  // empty: the codec cycle (h10b) and the concurrency type cycle (perf) are gone; an entry here
  // is a module set one cycle may stay inside while its owner breaks it
];

const root = resolve(import.meta.dirname, "../../src");

test("src/ has no import cycles outside the known list", () => {
  const graph = importGraph(root);
  assert.ok(graph.size > 50, `read ${graph.size} modules from ${root}`);
  const unexpected = cycles(graph).filter(
    (scc) => !KNOWN.some((k) => scc.every((m) => k.modules.includes(m))),
  );
  assert.deepEqual(
    unexpected.map((scc) => exampleLoop(graph, scc).join(" -> ")),
    [],
    "import cycles in src/ (each shown as one loop through its modules)",
  );
});

test("the cycle finder finds a cycle, including one through a type-only or dynamic import", () => {
  const graph = new Map([
    ["a.ts", new Set(["b.ts"])],
    ["b.ts", new Set(["c.ts"])],
    ["c.ts", new Set(["a.ts"])],
    ["d.ts", new Set(["a.ts"])],
  ]);
  assert.deepEqual(cycles(graph), [["a.ts", "b.ts", "c.ts"]]);
  assert.deepEqual(exampleLoop(graph, ["a.ts", "b.ts", "c.ts"]), ["a.ts", "b.ts", "c.ts", "a.ts"]);
  // the real graph records type-only and dynamic imports as edges: ome/index.ts loads the upgrader lazily
  const real = importGraph(root);
  assert.ok(real.get("ome/index.ts")?.has("ome/upgrade/index.ts"), "dynamic import() is an edge");
  assert.ok(real.get("array/layout.ts")?.has("metadata/v3.ts"), "import type is an edge");
});
