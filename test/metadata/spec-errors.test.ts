/**
 * SpecError lists every broken rule of a spec at once, each as `path: rule` in the README's words
 * (issue 9 item 14): a bad entry does not hide a length mismatch, a bad dtype or fill value, and no
 * message is the schema library's own text.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecError, v2, v3 } from "../../src/index.js";

function issuesOf(f: () => unknown): { path: string; message: string }[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected a SpecError, got ${e}`);
    return e.issues;
  }
  assert.fail("no SpecError thrown");
}

const ZOD_TEXT =
  /Too small|Too big|Invalid input|Invalid option|expected (int|number|string|array|object)|received /;

test("the README's v2 example reports chunks[0] and the fill value together", () => {
  const issues = issuesOf(() =>
    v2.ArraySpec.parse({ shape: [10, 10], dtype: "|u1", chunks: [0, 5], fill_value: 300 }),
  );
  assert.deepEqual(issues, [
    { path: "chunks[0]", message: "must be a positive integer (got 0)" },
    { path: "fill_value", message: "300 is outside the uint8 range [0, 255]" },
  ]);
});

test("a bad dtype, a length mismatch and a bad entry are reported in one error (v2)", () => {
  const issues = issuesOf(() =>
    v2.ArraySpec.parse({ shape: [10, 10], dtype: "|x9", chunks: [0, 5, 5], order: "Z", fill_value: {} }),
  );
  const paths = issues.map((i) => i.path);
  assert.deepEqual(paths.sort(), ["chunks", "chunks[0]", "dtype", "fill_value", "order"].sort());
  const by = Object.fromEntries(issues.map((i) => [i.path, i.message]));
  assert.match(by.dtype, /unsupported dtype "\|x9"/);
  assert.match(by.chunks, /has 3 dimensions but shape has 2/);
  assert.equal(by.order, 'must be one of "C", "F" (got "Z")');
  assert.match(by.fill_value, /^must be a number/);
  for (const i of issues) assert.doesNotMatch(i.message, ZOD_TEXT, `${i.path}: ${i.message}`);
});

test("the message names the field and the rule: types, missing fields, not an object", () => {
  assert.deepEqual(
    issuesOf(() => v2.ArraySpec.parse({ dtype: "<u2" })),
    [
      { path: "shape", message: "is required" },
      { path: "chunks", message: "is required" },
    ],
  );
  assert.deepEqual(
    issuesOf(() => v2.ArraySpec.parse({ shape: [4, 1.5], chunks: "a", dtype: 7 })).map(
      (i) => `${i.path}: ${i.message}`,
    ),
    [
      "shape[1]: must be an integer (got 1.5)",
      'chunks: must be a list (got "a")',
      "dtype: must be a string (got 7)",
    ],
  );
  assert.deepEqual(
    issuesOf(() => v2.ArraySpec.parse([1, 2])),
    [{ path: "", message: "must be an object (got a list)" }],
  );
});

test("v3: data type, chunk shape entries and count, fill value and dimension names in one error", () => {
  const issues = issuesOf(() =>
    v3.ArraySpec.parse({
      shape: [10, 10],
      data_type: "uint9",
      chunk_grid: { name: "regular", configuration: { chunk_shape: [0, 5, 5] } },
      chunk_key_encoding: { name: "x" },
      dimension_names: ["y", "x", "z"],
    }),
  );
  const by = Object.fromEntries(issues.map((i) => [i.path, i.message]));
  assert.match(by.data_type, /^must be one of "bool", .*"complex128", "string" \(got "uint9"\)$/);
  assert.equal(by["chunk_grid.configuration.chunk_shape[0]"], "must be a positive integer (got 0)");
  assert.match(by["chunk_grid.configuration.chunk_shape"], /has 3 dimensions but shape has 2/);
  assert.equal(by["chunk_key_encoding.name"], 'must be one of "default", "v2" (got "x")');
  assert.equal(by.dimension_names, "has 3 names but the array has 2 dimensions");
  for (const i of issues) assert.doesNotMatch(i.message, ZOD_TEXT, `${i.path}: ${i.message}`);

  const fill = issuesOf(() =>
    v3.ArraySpec.parse({
      shape: [10, 10],
      data_type: "uint8",
      chunk_grid: { name: "regular", configuration: { chunk_shape: [0, 5] } },
      fill_value: 300,
    }),
  );
  assert.deepEqual(fill, [
    { path: "chunk_grid.configuration.chunk_shape[0]", message: "must be a positive integer (got 0)" },
    { path: "fill_value", message: "300 is outside the uint8 range [0, 255]" },
  ]);
});

test("a valid spec still parses with its defaults after the field-by-field checks", () => {
  const a = v2.ArraySpec.parse({ shape: [10, 10], dtype: "|u1", chunks: [5, 5] });
  assert.equal(a.fill_value, 0);
  assert.equal(a.order, "C");
  assert.equal(a.compressor, null);
  const b = v3.ArraySpec.parse({
    shape: [4],
    data_type: "float32",
    chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
    fill_value: "NaN",
  });
  assert.equal(b.chunk_key_encoding.configuration.separator, "/");
  assert.ok(Number.isNaN(b.fillValue));
});
