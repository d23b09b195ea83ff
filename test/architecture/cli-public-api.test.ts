/**
 * The CLI is a client of the package: `src/cli/**` parses flags and calls the public API, so every
 * feature the command line has is there for library users too, and library internals can change
 * without breaking the CLI. An import from src/cli may go to another CLI file, to the package's
 * entry points (src/index.ts for Node, src/browser.ts), or to a module in ALLOWED below.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { test } from "node:test";
import { type Graph, importGraph } from "./import-graph.js";

/** The package's entry points (package.json "exports"), relative to src/. */
const ENTRY_POINTS = new Set(["index.ts", "browser.ts"]);

/**
 * Internal modules the CLI may import directly, each with why it is not public API. Keep it short:
 * a module belongs here only when it serves the command line and nothing a library user calls.
 */
const ALLOWED: Record<string, string> = {
  // empty: everything the CLI needs is public (a progress bar and Ctrl-C handling live in src/cli)
};

const root = resolve(import.meta.dirname, "../../src");

/** Imports from src/cli/** that go neither to the CLI, nor to an entry point, nor to ALLOWED. */
function internalImports(graph: Graph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    if (!from.startsWith("cli/")) continue;
    for (const to of targets) {
      if (to.startsWith("cli/") || ENTRY_POINTS.has(to) || to in ALLOWED) continue;
      out.push(`${from} -> ${to}`);
    }
  }
  return out.sort();
}

test("src/cli imports only the package's public entry points (or the documented allow-list)", () => {
  const graph = importGraph(root);
  assert.ok(
    [...graph.keys()].filter((m) => m.startsWith("cli/")).length > 10,
    `read the CLI's modules from ${root}`,
  );
  assert.deepEqual(
    internalImports(graph),
    [],
    "CLI imports of internal modules: export what the CLI needs from src/index.ts (or src/browser.ts) and import it from there",
  );
  for (const m of Object.keys(ALLOWED))
    assert.ok(graph.has(m), `ALLOWED names ${m}, which is not a module in src/`);
});

test("the check names a deep import from a CLI module and passes imports of entry points", () => {
  const graph: Graph = new Map([
    ["cli/main.ts", new Set(["cli/output.ts", "index.ts"])],
    ["cli/output.ts", new Set(["browser.ts", "store/local.ts"])],
    ["index.ts", new Set(["store/local.ts"])],
  ]);
  assert.deepEqual(internalImports(graph), ["cli/output.ts -> store/local.ts"]);
  // importGraph records type-only and dynamic imports as edges (no-cycles.test.ts checks that), so
  // an `import type` from an internal module fails here as an ordinary import does
});
