/**
 * The official OME-NGFF test suites and examples (../shared/conformance/ngff/cases.json): our
 * validator must give the expected verdict for all 198 cases, and agree with the official JSON
 * schemas (Ajv 2020) wherever JSON Schema can express the rule.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as v04 from "../../src/ome/v04/models.js";
import * as v05 from "../../src/ome/v05/models.js";
import { type SchemaName, validateAttributes } from "../../src/ome/validate/attributes.js";
import { schemaValidator } from "./helpers.js";

const NGFF = join(process.cwd(), "../shared/conformance/ngff");

interface Case {
  version: "0.4" | "0.5";
  schema: string;
  file: string;
  valid: boolean;
  origin: string;
  jsonschema_detects?: boolean;
}

const cases = JSON.parse(readFileSync(join(NGFF, "cases.json"), "utf8")) as Case[];

/**
 * The one case where the suite's verdict contradicts the specification text: 0.4's
 * image_suite/valid/mismatch_axes_units.json (a test about units) has 3 axes but a 2-value scale,
 * while the spec says "The length of the scale and translation array MUST be the same as the length
 * of axes". Its 0.5 copy was corrected to [1.0, 0.13, 0.13], and ome-zarr-models' case
 * dataset_scale_rank_mismatch@0.4 requires exactly this defect to be rejected. We follow the
 * specification: the case must fail on that rule alone, and pass once the scale is completed.
 */
const SPEC_OVER_SUITE = "0.4/cases/image_suite/valid/mismatch_axes_units.json";

/** "0.5/schemas/strict_plate.schema" → { schema: "plate", strict: true } */
function schemaOf(c: Case): { schema: SchemaName; strict: boolean } {
  const name = c.schema
    .split("/")
    .pop()!
    .replace(/\.schema$/, "");
  const strict = name.startsWith("strict_");
  return { schema: name.replace(/^strict_/, "") as SchemaName, strict };
}

describe("ngff cases.json", () => {
  test("has the 198 cases the README describes", () => {
    assert.equal(cases.length, 198);
  });

  for (const c of cases) {
    const { schema, strict } = schemaOf(c);
    test(`${c.file} (${c.schema.split("/").pop()}) is ${c.valid ? "valid" : "invalid"}`, () => {
      const doc = JSON.parse(readFileSync(join(NGFF, c.file), "utf8"));
      const report = validateAttributes(doc, { version: c.version, schema, strict });
      // The official schema agrees with us, except on the rules it cannot express.
      const bySchema = schemaValidator(c.version, c.schema.split("/").pop()!)(doc);
      assert.equal(bySchema, c.jsonschema_detects === false || c.file === SPEC_OVER_SUITE ? true : c.valid);
      if (c.file === SPEC_OVER_SUITE) {
        const scalePath = "multiscales[0].datasets[0].coordinateTransformations[0].scale";
        assert.deepEqual(
          report.errors.map((e) => e.path),
          [scalePath],
        );
        assert.match(report.errors[0].message, /has 2 values but there are 3 axes/);
        doc.multiscales[0].datasets[0].coordinateTransformations[0].scale = [1, 0.13, 0.13];
        assert.equal(validateAttributes(doc, { version: c.version, schema, strict }).valid, true);
        return;
      }
      assert.equal(
        report.valid,
        c.valid,
        `expected ${c.valid ? "valid" : "invalid"}; errors: ${JSON.stringify(report.errors, null, 1)}`,
      );
      if (!c.valid) assert.ok(report.errors.every((e) => typeof e.path === "string" && e.message.length > 0));
    });
  }

  test("every valid case round-trips through the typed model to the same JSON value", () => {
    for (const c of cases.filter((x) => x.valid)) {
      const doc = JSON.parse(readFileSync(join(NGFF, c.file), "utf8"));
      const model = c.version === "0.4" ? v04.parseAttributes(doc) : v05.parseAttributes(doc);
      const again = JSON.parse(JSON.stringify(model));
      assert.deepStrictEqual(again, doc, c.file);
      const { schema, strict } = schemaOf(c);
      assert.equal(
        validateAttributes(again, { version: c.version, schema, strict }).valid,
        c.file !== SPEC_OVER_SUITE,
        c.file,
      );
    }
  });

  test("every valid 0.5 case also passes ome_zarr.schema and our whole-document check", () => {
    const generic = schemaValidator("0.5", "ome_zarr.schema");
    for (const c of cases.filter((x) => x.version === "0.5" && x.valid)) {
      const doc = JSON.parse(readFileSync(join(NGFF, c.file), "utf8"));
      assert.ok(generic(doc), c.file);
      // Without a schema scope, only label documents (image-label without multiscales) are incomplete groups.
      const whole = validateAttributes(doc);
      const isBareLabel = "image-label" in doc.ome && !("multiscales" in doc.ome);
      assert.equal(whole.valid, !isBareLabel, `${c.file}: ${JSON.stringify(whole.errors)}`);
    }
  });
});
