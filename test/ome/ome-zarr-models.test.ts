/**
 * The 92 cases of ome-zarr-models-py (../shared/conformance/ome-zarr-models/cases.json): attribute
 * documents, fragments (the value of `plate` / `omero`) and small metadata-only hierarchies must get
 * the expected verdict; where the official JSON schema applies, it must agree with us.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { validateAttributes } from "../../src/ome/validate/attributes.js";
import { validate } from "../../src/ome/validate/hierarchy.js";
import { LocalStore } from "../../src/store/local.js";
import { needs, shared } from "../helpers/requirements.js";
import { CONFORMANCE, schemaValidator, storeOf } from "./helpers.js";

const DIR = join(CONFORMANCE, "ome-zarr-models");

interface Case {
  id: string;
  version: "0.4" | "0.5";
  level: string;
  valid: boolean;
  file?: string;
  document?: unknown;
  hierarchy?: Record<string, unknown>;
  expected_error?: string | string[];
  ngff_jsonschema?: { schema: string; valid: boolean };
}

const skip = needs(shared("conformance/ome-zarr-models"), shared("conformance/ngff"));
const cases = (skip ? [] : JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8"))) as Case[];

function load(c: Case): unknown {
  return c.document ?? JSON.parse(readFileSync(join(DIR, c.file!), "utf8"));
}

// A minimal valid image around an `omero` fragment, so that only the fragment is under test.
function imageWith(version: "0.4" | "0.5", omero: unknown): unknown {
  const ms = {
    name: "wrapper",
    axes: [
      { name: "c", type: "channel" },
      { name: "y", type: "space", unit: "micrometer" },
      { name: "x", type: "space", unit: "micrometer" },
    ],
    datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [1, 1, 1] }] }],
  };
  return version === "0.4"
    ? { multiscales: [{ ...ms, version: "0.4" }], omero }
    : { ome: { version: "0.5", multiscales: [ms], omero } };
}

describe("ome-zarr-models cases.json", { skip }, () => {
  test("has 92 cases", () => assert.equal(cases.length, 92));

  for (const c of cases) {
    test(`${c.id} (${c.level}) is ${c.valid ? "valid" : "invalid"}`, async () => {
      let report: { valid: boolean; errors: unknown[] };
      if (c.level === "hierarchy") {
        const store = c.hierarchy ? storeOf(c.hierarchy) : new LocalStore(join(DIR, c.file!));
        if (!c.hierarchy) assert.ok(statSync(join(DIR, c.file!)).isDirectory());
        report = await validate(store);
      } else if (c.level === "fragment:plate") {
        const plate = load(c);
        const doc = c.version === "0.4" ? { plate } : { ome: { version: "0.5", plate } };
        report = validateAttributes(doc, { version: c.version, schema: "plate" });
      } else if (c.level === "fragment:omero") {
        report = validateAttributes(imageWith(c.version, load(c)), { version: c.version });
      } else {
        assert.equal(c.level, "attributes");
        report = validateAttributes(load(c), { version: c.version });
      }
      assert.equal(
        report.valid,
        c.valid,
        `${c.expected_error ?? ""}\nerrors: ${JSON.stringify(report.errors, null, 1)}`,
      );

      if (c.level === "attributes" && c.ngff_jsonschema) {
        const name = c.ngff_jsonschema.schema.split("/").pop()!;
        const bySchema = schemaValidator(c.version, name)(load(c));
        assert.equal(
          bySchema,
          c.ngff_jsonschema.valid,
          "cases.json's record of the official schema's verdict",
        );
        // We check everything the schema checks: what it rejects, we reject.
        if (!bySchema) assert.equal(report.valid, false);
      }
    });
  }
});
