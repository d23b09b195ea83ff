/**
 * Every Zarr fixture in ../shared/conformance/zarr (written by zarr-python, zarrita.js, zarrs and the
 * zarr-implementations project) reads to its expected values — string arrays too, through plain
 * `open`, as a ZarrArray — or, for codecs with no JavaScript implementation (pcodec, zfpy), fails
 * with a clear UnsupportedError naming what is missing.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { toBytes } from "../../src/dtype/index.js";
import { LocalStore, open, SpecError, UnsupportedError, ZarrArray } from "../../src/index.js";
import { needs, SHARED, shared } from "../helpers/requirements.js";

const ROOT = join(SHARED, "conformance", "zarr");
const skip = needs(shared("conformance/zarr"));
const expected = (
  skip ? { arrays: [], groups: [] } : JSON.parse(readFileSync(join(ROOT, "expected.json"), "utf8"))
) as {
  arrays: Array<{
    path: string;
    zarr_format: number;
    shape: number[];
    dtype: string;
    values_c_order?: unknown[];
    sha256_c_order_bytes?: string;
    tolerance?: number;
  }>;
  groups: Array<{ path: string; zarr_format: number; attributes: Record<string, unknown> }>;
};

/** Known-unsupported features: codecs with no JavaScript implementation. */
function unsupportedReason(path: string): string | undefined {
  if (/pcodec|zfpy/.test(path)) return "pcodec/zfpy codecs";
  return undefined;
}

/** String and object data types: they read as the data type "string". */
function isStringDType(dtype: string): boolean {
  return /^[<>|=]?[SUO]\d*$|^string$/.test(dtype);
}

function asNumbers(data: ArrayLike<unknown>): unknown[] {
  return Array.from(data, (v) => (typeof v === "bigint" ? Number(v) : v));
}

describe("conformance fixtures: arrays", { skip }, () => {
  for (const a of expected.arrays) {
    if (isStringDType(a.dtype)) {
      test(a.path, async () => {
        const store = new LocalStore(ROOT);
        const arr = await open(store, a.path);
        assert.ok(arr instanceof ZarrArray);
        assert.ok(arr.is("string"));
        assert.deepEqual(arr.shape, a.shape);
        const got = await arr.get();
        assert.equal(got.dtype, "string");
        assert.deepEqual(got.shape, a.shape);
        assert.deepEqual(got.data, a.values_c_order);
        // open.array gives the same engine
        const same = await open.array<"string">(store, a.path);
        assert.ok(same instanceof ZarrArray);
        assert.deepEqual((await same.get()).data, a.values_c_order);
      });
      continue;
    }
    test(a.path, async () => {
      const reason = unsupportedReason(a.path);
      const run = async () => {
        const arr = await open.array(new LocalStore(ROOT), a.path);
        assert.ok(arr instanceof ZarrArray);
        assert.deepEqual(arr.shape, a.shape);
        return arr.get(null, { workers: 0 });
      };
      if (reason) {
        await assert.rejects(
          run(),
          (e: unknown) => e instanceof UnsupportedError || e instanceof SpecError,
          reason,
        );
        return;
      }
      const got = await run();
      if (a.sha256_c_order_bytes) {
        assert.equal(
          createHash("sha256")
            .update(toBytes(got.data, got.dtype, "little"))
            .digest("hex"),
          a.sha256_c_order_bytes,
        );
        return;
      }
      let want = a.values_c_order!;
      let values = asNumbers(got.data);
      if (got.dtype === "bool") values = values.map((v) => v === 1);
      if (got.dtype.startsWith("complex")) {
        want = (want as Array<[number, number]>).flat();
      }
      if (a.tolerance !== undefined) {
        for (const [i, v] of values.entries()) {
          assert.ok(Math.abs((v as number) - (want[i] as number)) <= a.tolerance!, `${i}`);
        }
      } else {
        const norm = (x: unknown[]) => x.map((v) => (typeof v === "number" && Number.isNaN(v) ? "NaN" : v));
        assert.deepEqual(norm(values), norm(want));
      }
    });
  }
});

describe("conformance fixtures: groups", { skip }, () => {
  for (const g of expected.groups) {
    test(g.path, async () => {
      const group = await open.group(new LocalStore(ROOT), g.path);
      assert.equal(group.zarrFormat, g.zarr_format);
      const { consolidated_metadata: _, ...attrs } = group.attrs;
      assert.deepEqual(attrs, g.attributes);
    });
  }
});
