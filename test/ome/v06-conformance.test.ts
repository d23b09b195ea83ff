/**
 * OME-Zarr 0.6 against the upstream material of the release candidate
 * (../shared/conformance/ngff/0.6rc0: schemas, examples, tests/attributes/**, tests/zarr/**).
 *
 * - Schema-only mode gives every case its expected verdict (the folder / `_conformance.valid`),
 *   and so does Ajv 2020 with the official schemas, loaded independently here (the upstream
 *   runner's rules: the generic `ome_zarr.schema`, or `strict_ome_zarr.schema` for strict cases).
 * - Release vs. release candidate: the released schemas (ome/ngff-spec tag 0.6) differ from rc0 in
 *   the version string ("0.6" instead of "0.6rc0") and the `$id`s (…/0.6/… instead of …/0.6rc0/…).
 *   The release set is derived here by that substitution; each case gives the same verdict under it
 *   with "version": "0.6", while rc0's own schemas reject "0.6" and the release's reject "0.6rc0".
 *   We follow the release: we write "0.6" and accept "0.6rc0" with a warning.
 * - Full mode (every MUST of the text) keeps every invalid case invalid; the valid cases that break
 *   a rule no schema expresses are listed below with the rule, and every other valid case passes.
 * - Round trips: every case and example parses into the 0.6 model and serialises back to the same
 *   JSON; stored as a group and read back, it is unchanged.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { MemoryStore, ome, open } from "../../src/index.js";
import { CONFORMANCE, storeOf } from "./helpers.js";

const RC0 = join(CONFORMANCE, "ngff", "0.6rc0");

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return files(p, suffix);
      return n.endsWith(suffix) && !n.startsWith(".") ? [p] : [];
    })
    .sort();
}

/** The official schemas (rc0 as stored, or the release derived from it) → validators of the generic and strict schema. */
function schemaSet(release: boolean) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const dir = join(RC0, "schemas");
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), "utf8");
    ajv.addSchema(JSON.parse(release ? text.replaceAll("0.6rc0", "0.6") : text));
  }
  const v = release ? "0.6" : "0.6rc0";
  const get = (name: string) => {
    const fn = ajv.getSchema(`https://ngff.openmicroscopy.org/${v}/schemas/${name}.schema`);
    assert.ok(fn, `${name}.schema (${v}) registered`);
    return (doc: unknown) => fn(doc) as boolean;
  };
  return { generic: get("ome_zarr"), strict: get("strict_ome_zarr"), get };
}

const rc0Schemas = schemaSet(false);
const releaseSchemas = schemaSet(true);

interface Case {
  id: string;
  doc: Record<string, unknown>;
  valid: boolean;
  strict: boolean;
}

const attributeCases: Case[] = files(join(RC0, "tests", "attributes"), ".json").map((f) => {
  const { _conformance, ...doc } = JSON.parse(readFileSync(f, "utf8"));
  const id = relative(join(RC0, "tests", "attributes"), f);
  return {
    id,
    doc,
    valid: _conformance?.valid ?? true,
    strict: _conformance?.strict ?? id.startsWith("strict/"),
  };
});

// kept as bytes: two upstream invalid cases are not even JSON (a missing quote and comma)
const zarrCases = files(join(RC0, "tests", "zarr"), "zarr.json").map((f) => {
  const id = relative(join(RC0, "tests", "zarr"), f);
  return {
    id,
    bytes: readFileSync(f),
    valid: id.split("/")[1] === "valid",
    strict: id.startsWith("strict/"),
  };
});

/** With the release's version string in place of the release candidate's. */
const asRelease = (doc: Record<string, unknown>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(doc).replaceAll('"0.6rc0"', '"0.6"'));

/**
 * Valid upstream cases (schema-valid) that break a MUST of the specification text, with the
 * JSON path of the rule full mode reports first.
 */
const BREAKS_TEXT_RULE: Record<string, string> = {
  // a scale of 2 values for 3 axes: "the array MUST have length N"
  "spec/valid/image/mismatch_axes_units.json":
    "ome.multiscales[0].datasets[0].coordinateTransformations[0].scale",
  // the last byDimension produces output axes 0 and 1 of 3: "every axis index of the output MUST appear"
  "spec/valid/image/multiscales_transform_additional_transforms.json":
    "ome.multiscales[0].coordinateTransformations[0].transformations[5].transformations",
  // an image-label document alone: "a label image MUST also contain multiscales"
  "spec/valid/label/minimal.json": "ome.image-label",
  "spec/valid/label/minimal_properties.json": "ome.image-label",
  // row/column swapped against the path ("A/1" with rows ["1"], columns ["A"])
  "spec/valid/plate/minimal_acquisitions.json": "ome.plate.wells[0].path",
  "spec/valid/plate/minimal_no_acquisitions.json": "ome.plate.wells[0].path",
  "spec/valid/plate/non_alphanumeric_row.json": "ome.plate.wells[0].path",
  "strict/valid/plate/strict_acquisitions.json": "ome.plate.wells[0].path",
  "strict/valid/plate/strict_no_acquisitions.json": "ome.plate.wells[0].path",
  // two transformations named alike in one list: "name MUST be unique"
  "spec/valid/scene/scene.json": "ome.scene.coordinateTransformations[1].name",
  // input "intrinsic" while the datasets map to "physical": "the input MUST be the intrinsic system"
  "strict/valid/image/image_omero.json": "ome.multiscales[0].coordinateTransformations[0].input.name",
  // dataset "1" whose transformation's input is "s1": "input MUST equal path"
  "strict/valid/image/multiscales_example.json":
    "ome.multiscales[0].datasets[1].coordinateTransformations[0].input.path",
};

describe("OME-Zarr 0.6 conformance: tests/attributes", () => {
  test("the corpus is complete", () => {
    assert.equal(attributeCases.length, 143);
    assert.equal(attributeCases.filter((c) => !c.valid).length, 106);
  });

  for (const c of attributeCases) {
    test(`${c.id}: ${c.valid ? "valid" : "invalid"} in schema-only mode (as Ajv with the official schemas)`, () => {
      const ajv = c.strict ? rc0Schemas.strict : rc0Schemas.generic;
      assert.equal(ajv(c.doc), c.valid, "Ajv with the rc0 schemas");
      // judged as 0.6 (as the upstream runner judges every case with the 0.6 schemas), also when "version" is missing or wrong
      const report = ome.validateAttributes(c.doc, { version: "0.6", schemaOnly: true, strict: c.strict });
      assert.equal(report.valid, c.valid, JSON.stringify(report.errors));
      if ((c.doc.ome as Record<string, unknown> | undefined)?.version === "0.6rc0")
        assert.equal(ome.validateAttributes(c.doc).version, "0.6", "detected from ome.version");
      if (!c.valid) assert.ok(report.errors.every((e) => typeof e.path === "string" && e.message.length > 0));
      // the same case in the release's spelling
      const release = asRelease(c.doc);
      assert.equal(
        (c.strict ? releaseSchemas.strict : releaseSchemas.generic)(release),
        c.valid,
        "Ajv with the release schemas",
      );
      assert.equal(
        ome.validateAttributes(release, { version: "0.6", schemaOnly: true, strict: c.strict }).valid,
        c.valid,
      );
    });

    test(`${c.id}: full mode`, () => {
      const report = ome.validateAttributes(c.doc, { version: "0.6", strict: c.strict });
      const rule = BREAKS_TEXT_RULE[c.id];
      if (!c.valid) assert.equal(report.valid, false);
      else if (rule) {
        assert.equal(report.valid, false);
        assert.ok(
          report.errors.some((e) => e.path === rule),
          `${rule} in ${JSON.stringify(report.errors)}`,
        );
      } else assert.deepEqual(report.errors, []);
    });

    test(`${c.id}: round trip through the 0.6 model`, async () => {
      let parsed: unknown;
      try {
        parsed = ome.v06.parseAttributes(c.doc);
      } catch (e) {
        assert.equal(c.valid, false, `a valid case must parse: ${e}`);
        return;
      }
      assert.deepEqual(parsed, c.doc);
      const store = storeOf({ "zarr.json": { zarr_format: 3, node_type: "group", attributes: parsed } });
      const group = await open.group(store, "");
      assert.deepEqual(group.attrs, c.doc);
      assert.equal(
        ome.validateAttributes(group.attrs, { version: "0.6", schemaOnly: true, strict: c.strict }).valid,
        c.valid,
      );
    });
  }
});

/**
 * Dataset transformations with plain-string `input`/`output` ("input": "0"): the syntax before
 * 0.6.dev4, whose changelog made them `{"name", "path"}` objects; rc0's own schemas and the
 * release's reject strings. Ten hierarchies of tests/zarr/.../valid still use it: their folder
 * says valid, the official schemas (Ajv) say invalid. We follow the schemas and the release, and
 * check that the same documents with object references are valid.
 */
const withObjectReferences = (doc: unknown): unknown =>
  JSON.parse(JSON.stringify(doc), (key, value) => {
    if (key === "datasets" && Array.isArray(value)) {
      // a dataset transformation's input is its array (by path)
      for (const d of value)
        for (const t of d.coordinateTransformations ?? [])
          if (typeof t.input === "object" && "name" in t.input) t.input = { path: t.input.name };
      return value;
    }
    return (key === "input" || key === "output") && typeof value === "string" ? { name: value } : value;
  });

const hasStringReferences = (doc: unknown): boolean => /"(input|output)":"/.test(JSON.stringify(doc));

describe("OME-Zarr 0.6 conformance: tests/zarr hierarchies", () => {
  test("the corpus is complete", () => assert.equal(zarrCases.length, 85));

  for (const c of zarrCases) {
    const doc = (() => {
      try {
        return JSON.parse(c.bytes.toString("utf8")) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })();
    const legacy = c.valid && doc !== undefined && hasStringReferences(doc.attributes);
    const title = legacy
      ? `${c.id}: string input/output (pre-0.6.dev4 syntax): invalid, as the official schemas judge it; valid with {"name"/"path"} objects`
      : `${c.id}: ${c.valid ? "valid" : "invalid"} in schema-only mode; invalid stays invalid in full mode`;
    test(title, async () => {
      const store = new MemoryStore();
      await store.set("zarr.json", new Uint8Array(c.bytes));
      const report = await ome.validate(store, "", { schemaOnly: true, strict: c.strict });
      if (doc !== undefined) {
        const ajv = c.strict ? rc0Schemas.strict : rc0Schemas.generic;
        assert.equal(ajv(doc.attributes), legacy ? false : c.valid, "Ajv with the rc0 schemas");
      }
      if (legacy) {
        assert.equal(report.valid, false);
        assert.ok(
          report.errors.every((e) => /\.(input|output)$/.test(e.path)),
          JSON.stringify(report.errors),
        );
        const fixed = { ...doc, attributes: withObjectReferences(doc!.attributes) };
        assert.equal((c.strict ? rc0Schemas.strict : rc0Schemas.generic)(fixed.attributes), true);
        const fixedStore = storeOf({ "zarr.json": fixed });
        const again = await ome.validate(fixedStore, "", { schemaOnly: true, strict: c.strict });
        assert.deepEqual(again.errors, []);
        return;
      }
      assert.equal(report.valid, c.valid, JSON.stringify(report.errors));
      if (!c.valid) {
        assert.equal((await ome.validate(store, "", { strict: c.strict })).valid, false);
      } else {
        // the arrays the metadata names are not part of the corpus: full mode says so, by path
        const full = await ome.validate(store, "");
        for (const e of full.errors.filter((x) => x.target !== undefined))
          assert.match(e.message, /does not exist/);
      }
    });
  }
});

describe("OME-Zarr 0.6: release vs. release candidate", () => {
  const doc = attributeCases.find((c) => c.id === "strict/valid/image/image.json")!.doc;
  test('rc0 schemas accept only "0.6rc0", the release schemas only "0.6"', () => {
    assert.equal(rc0Schemas.generic(doc), true);
    assert.equal(rc0Schemas.generic(asRelease(doc)), false);
    assert.equal(releaseSchemas.generic(asRelease(doc)), true);
    assert.equal(releaseSchemas.generic(doc), false);
  });
  test('we follow the release ("0.6", no warning) and accept "0.6rc0" with a warning', () => {
    const release = ome.validateAttributes(asRelease(doc));
    assert.deepEqual(release.errors, []);
    assert.ok(!release.warnings.some((w) => w.path === "ome.version"));
    const rc = ome.validateAttributes(doc);
    assert.deepEqual(rc.errors, []);
    assert.ok(rc.warnings.some((w) => w.path === "ome.version" && /release candidate/.test(w.message)));
    const other = ome.validateAttributes({ ome: { ...(doc.ome as object), version: "0.6.dev3" } });
    assert.ok(other.errors.some((e) => e.path === "ome.version"));
  });
});

/**
 * The examples: verdicts in full mode. Many transformation examples of rc0 still use syntax that
 * rc0's own schemas no longer allow (their `.config.json` names a schema that rc0 does not ship);
 * each such verdict names the rule it breaks.
 */
const EXAMPLE_VERDICT: Record<string, true | string> = {
  "bf2raw/image.json": true,
  "bf2raw/plate.json": true,
  "label_strict/colors_properties.json": true,
  "multiscales_strict/multiscales_example.json": true,
  // 0.4-style "multiscales" at the top of the attributes, no "ome" object
  "multiscales_strict/multiscales_example_relative.json": "ome",
  "multiscales_strict/multiscales_reference_to_label.json": true,
  "multiscales_strict/multiscales_transformations.json": true,
  "ome/series-2.json": true,
  "plate_strict/plate_2wells.json": true,
  "plate_strict/plate_6wells.json": true,
  "scene/scene_registration.json": true,
  "scene/scene_stitching.json": true,
  "subspace/subspacePermute.json": true,
  "transformations/affine2d2d.json": true,
  "transformations/affine2d2d_with_channel.json": true,
  "transformations/affine2d3d.json": true,
  "transformations/bijection.json": true,
  "transformations/bijection_verbose.json": true,
  "transformations/byDimension1.json": true,
  // a coordinate system of 4 space axes (axes schema: 2 or 3)
  "transformations/byDimension2.json": "coordinateSystems[0].axes",
  // the specification's own invalid examples: output axis 2 of a 2D system / an output axis twice
  "transformations/byDimensionInvalid1.json": "coordinateTransformations[0].transformations[0].outputAxes",
  "transformations/byDimensionInvalid2.json": "coordinateTransformations[0].transformations[1].outputAxes",
  // items without the "transformation" wrapper (pre-rc0 syntax)
  "transformations/byDimensionXarray.json": "coordinateTransformations[0].transformations[0]",
  // a scale of 2 values for a 3-axis system
  "transformations/displacements/displacement_field.json":
    "ome.multiscales[0].datasets[0].coordinateTransformations[0].scale",
  // "ome" is a string
  "transformations/displacements/multiscales.json": "ome",
  "transformations/identity.json": true,
  // plain-string input/output (0.6 requires {"name"} objects)
  "transformations/mapAxis1.json": "coordinateTransformations[0].input",
  // untyped axes: neither 2-3 space axes nor array axes
  "transformations/projectAxis.json": "coordinateSystems[0].axes",
  "transformations/projectAxis2.json": "coordinateSystems[0].axes",
  "transformations/rotation.json": true,
  "transformations/scale.json": true,
  "transformations/scale_with_discrete.json": true,
  "transformations/sequence.json": true,
  // sequence steps with inputAxes/outputAxes by name (pre-rc0 syntax): a 1-value scale as the last step of a 2D sequence
  "transformations/sequenceSubspace1.json": "coordinateTransformations[0].transformations[1].scale",
  "transformations/translation.json": true,
  "transformations/xarrayLike.json": true,
  "well_strict/well_2fields.json": true,
  "well_strict/well_4fields.json": true,
};

describe("OME-Zarr 0.6 examples", () => {
  const examples = files(join(RC0, "examples"), ".json");
  test("every example has a verdict", () => {
    assert.deepEqual(
      examples.map((f) => relative(join(RC0, "examples"), f)).sort(),
      Object.keys(EXAMPLE_VERDICT).sort(),
    );
  });
  for (const f of examples) {
    const id = relative(join(RC0, "examples"), f);
    test(`${id}: ${EXAMPLE_VERDICT[id] === true ? "valid" : `invalid at ${EXAMPLE_VERDICT[id]}`}; round trip`, () => {
      // examples keep the specification's // comment lines
      const text = readFileSync(f, "utf8")
        .split("\n")
        .filter((l) => !l.trimStart().startsWith("//"))
        .join("\n");
      const doc = JSON.parse(text);
      const attrs = doc.node_type === "group" ? doc.attributes : doc;
      const isAttributes = "ome" in attrs || "multiscales" in attrs;
      const report = isAttributes
        ? ome.validateAttributes(attrs, { version: "0.6" })
        : ome.v06.validateTransformations(attrs);
      const verdict = EXAMPLE_VERDICT[id];
      if (verdict === true) assert.deepEqual(report.errors, []);
      else
        assert.ok(
          report.errors.some((e) => e.path === verdict),
          `${verdict} in ${JSON.stringify(report.errors)}`,
        );
      if (isAttributes && verdict === true) {
        assert.deepEqual(ome.v06.parseAttributes(attrs), attrs);
        const official = releaseSchemas.generic(asRelease(attrs));
        assert.equal(official, true, "the release schemas accept it too");
      }
    });
  }
});
