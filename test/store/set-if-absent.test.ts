/** setIfAbsent: of many racing callers exactly one creates the key, the others see it exists. */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { LocalStore } from "../../src/store/local.js";
import { MemoryStore } from "../../src/store/memory.js";
import { tempDir } from "../helpers/python.js";

describe("setIfAbsent", () => {
  for (const [name, make] of [
    ["LocalStore", (dir: string) => new LocalStore(dir)],
    ["MemoryStore", () => new MemoryStore()],
  ] as const) {
    it(`${name}: one of 20 racing callers wins, the value is the winner's, no temporary files remain`, async () => {
      const { dir, cleanup } = tempDir();
      try {
        const store = make(join(dir, "s"));
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.setIfAbsent("a/claim.json", new Uint8Array([i]))),
        );
        assert.equal(results.filter(Boolean).length, 1);
        const winner = results.indexOf(true);
        assert.deepEqual([...((await store.get("a/claim.json")) ?? [])], [winner]);
        assert.equal(await store.setIfAbsent("a/claim.json", new Uint8Array([99])), false);
        assert.deepEqual([...((await store.get("a/claim.json")) ?? [])], [winner]);
        if (store instanceof LocalStore) assert.deepEqual(readdirSync(join(dir, "s", "a")), ["claim.json"]);
      } finally {
        cleanup();
      }
    });
  }
});
