/**
 * Public OME-Zarr metadata (../shared/conformance/real-world): every group document parses into
 * the typed model, serialises back to the same JSON value, and validates (the labels groups whose
 * `ome.version` is missing are the reader-leniency cases the manifest describes).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as v04 from "../../src/ome/v04/models.js";
import * as v05 from "../../src/ome/v05/models.js";
import { validateAttributes } from "../../src/ome/validate/attributes.js";
import { needs, shared } from "../helpers/requirements.js";
import { CONFORMANCE } from "./helpers.js";

interface Entry {
  path: string;
  ngff_version: "0.4" | "0.5";
  keys: string[];
  jsonschema: { schema: string; valid: boolean } | null;
}

const DIR = join(CONFORMANCE, "real-world");
const skip = needs(shared("conformance/real-world"));
const manifest = (skip ? [] : JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8"))) as Entry[];

function attributesOf(e: Entry): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(join(DIR, e.path), "utf8"));
  return e.path.endsWith("zarr.json") ? doc.attributes : doc;
}

const KIND: Record<string, string> = {
  plate: "plate",
  well: "well",
  "image-label": "image-label",
  multiscales: "image",
  labels: "labels",
  "bioformats2raw.layout": "bioformats2raw",
};

describe("real-world metadata", { skip }, () => {
  test("the manifest lists 58 documents", () => assert.equal(manifest.length, 58));

  for (const e of manifest) {
    test(`${e.path} parses, round-trips and validates`, () => {
      const attrs = attributesOf(e);
      const model = e.ngff_version === "0.4" ? v04.parseAttributes(attrs) : v05.parseAttributes(attrs);
      // Lossless: the model serialises to the same JSON value (key order aside).
      assert.deepStrictEqual(JSON.parse(JSON.stringify(model)), attrs);

      const report = validateAttributes(attrs, { version: e.ngff_version });
      const ns = (e.ngff_version === "0.5" ? attrs.ome : attrs) as Record<string, unknown>;
      const lacksVersion = e.ngff_version === "0.5" && ns.version === undefined;
      assert.equal(report.valid, !lacksVersion, JSON.stringify(report.errors));
      if (lacksVersion)
        assert.deepEqual(
          report.errors.map((x) => x.path),
          ["ome.version"],
        );
      // The kind follows the most specific key the manifest lists.
      const expected = Object.keys(KIND).find((k) => e.keys.includes(k))!;
      assert.equal(report.kind, KIND[expected]);
      assert.equal(report.version, e.ngff_version);
    });
  }

  test("typed access works on a parsed plate and image", () => {
    const plate = v04.parseAttributes(
      attributesOf(manifest.find((e) => e.path === "yaozarrs/v04/2551.zarr/.zattrs")!),
    );
    assert.ok(plate.plate!.wells.length > 0);
    assert.equal(typeof plate.plate!.wells[0].rowIndex, "number");
    const image = v05.parseAttributes(
      attributesOf(manifest.find((e) => e.path === "yaozarrs/v05/6001240_labels.zarr/labels/0/zarr.json")!),
    );
    assert.equal(typeof image.ome.multiscales![0].datasets[0].path, "string");
    assert.ok(Array.isArray(image.ome["image-label"]!.colors));
  });

  test("structural errors are reported with JSON paths", () => {
    assert.throws(
      () =>
        v05.parseAttributes({
          ome: { version: "0.5", multiscales: [{ axes: [{ name: 1 }], datasets: "0" }] },
        }),
      (err: Error & { issues?: { path: string }[] }) => {
        assert.deepEqual(
          err.issues!.map((i) => i.path),
          ["ome.multiscales[0].axes[0].name", "ome.multiscales[0].datasets"],
        );
        return true;
      },
    );
  });
});
