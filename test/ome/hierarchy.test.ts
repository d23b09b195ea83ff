/**
 * Hierarchy validation: the deliberately broken 0.5 plate of ../shared/conformance/hierarchies
 * (14 expected errors, one optional), and small hierarchies built in memory for the rules that
 * connect nodes (plate → wells → fields → labels, bioformats2raw series, version consistency).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { validate } from "../../src/ome/validate/hierarchy.js";
import { LocalStore } from "../../src/store/local.js";
import { needs, shared } from "../helpers/requirements.js";
import { CONFORMANCE, storeOf } from "./helpers.js";

interface ExpectedError {
  upstream_type: string;
  node: string;
  what: string;
}

const BROKEN = join(CONFORMANCE, "hierarchies");
const skipBroken = needs(shared("conformance/hierarchies"));
const [broken] = (skipBroken ? [] : JSON.parse(readFileSync(join(BROKEN, "cases.json"), "utf8"))) as {
  root: string;
  errors: ExpectedError[];
}[];

// The spec does not constrain an array's `attributes.dimension_names` (README: treat as optional).
const OPTIONAL = new Set(["dimension_names_mismatch"]);

describe("broken 0.5 plate (hierarchies/)", { skip: skipBroken }, () => {
  const store = new LocalStore(join(BROKEN, broken.root));

  test("reports every expected error at its node, and nothing elsewhere", async () => {
    const report = await validate(store);
    assert.equal(report.valid, false);
    assert.equal(report.version, "0.5");
    assert.equal(report.kind, "plate");
    assert.equal(broken.errors.length, 14);
    const at = (node: string) => report.errors.filter((e) => e.node === node || e.target === node);
    const found = broken.errors.filter((e) => at(e.node).length > 0);
    for (const e of broken.errors) {
      if (!OPTIONAL.has(e.upstream_type))
        assert.ok(at(e.node).length > 0, `${e.upstream_type} at ${e.node}: ${e.what}`);
    }
    assert.ok(found.length >= 13, `found ${found.length} of the 14 expected errors`);
    for (const e of report.errors) {
      assert.ok(
        broken.errors.some((x) => x.node === e.node || x.node === e.target),
        `unexpected error ${e.path}: ${e.message}`,
      );
    }
  });

  test("names the rule and the JSON path for each kind of problem", async () => {
    const report = await validate(store);
    const find = (path: string) => report.errors.find((e) => e.path === path);
    assert.match(find("A/1/0#ome.multiscales[0].datasets[0].path")!.message, /does not exist/);
    assert.match(find("ome.plate.wells[1].path")!.message, /"A\/2" is an array; it MUST be a group/);
    assert.match(find("B/1/0#ome.multiscales[0].datasets[0].path")!.message, /5 dimensions .* 3 axes/);
    assert.match(find("B/2/0#ome.multiscales[0].datasets[0].path")!.message, /is a group/);
    assert.match(find("B/3#ome.well.images[1].path")!.message, /is an array/);
    assert.match(find("C/1#ome.well.images[1].path")!.message, /does not exist/);
    assert.match(find("C/2/0#ome.multiscales")!.message, /is empty/);
    assert.match(find("C/3#ome.version")!.message, /missing required field "version"/);
    assert.match(find("A/1/0/labels#ome.labels[0]")!.message, /does not exist/);
    assert.match(find("A/1/1/labels#ome.labels[0]")!.message, /is an array/);
    assert.match(find("A/3/0/labels/annotations#ome.version")!.message, /missing/);
    assert.match(
      find("B/1/0/labels/annotations#ome.multiscales[0].datasets[0].path")!.message,
      /float32.*integer/,
    );
    assert.equal(find("B/3/0")!.target, "B/3/0/labels");
  });

  test("the intact parts validate on their own", async () => {
    for (const path of ["B/1/1", "C/1/0", "A/2/0", "C/3/0"]) {
      const report = await validate(store, path);
      assert.equal(report.valid, true, `${path}: ${JSON.stringify(report.errors)}`);
      assert.equal(report.kind, "image");
    }
  });
});

// ---- small hierarchies in memory ----

const axes3 = [
  { name: "c", type: "channel" },
  { name: "y", type: "space", unit: "micrometer" },
  { name: "x", type: "space", unit: "micrometer" },
];

function multiscale(levels: number, extra: Record<string, unknown> = {}) {
  return {
    name: "img",
    axes: axes3,
    datasets: Array.from({ length: levels }, (_, i) => ({
      path: String(i),
      coordinateTransformations: [{ type: "scale", scale: [1, 2 ** i, 2 ** i] }],
    })),
    ...extra,
  };
}

const zarray = (shape: number[], dtype = "<u2") => ({
  zarr_format: 2,
  shape,
  chunks: shape,
  dtype,
  compressor: null,
  fill_value: 0,
  order: "C",
  filters: null,
});

const v3array = (shape: number[], dataType = "uint16", names: unknown = ["c", "y", "x"]) => ({
  zarr_format: 3,
  node_type: "array",
  shape,
  data_type: dataType,
  chunk_grid: { name: "regular", configuration: { chunk_shape: shape } },
  chunk_key_encoding: { name: "default" },
  fill_value: 0,
  codecs: [{ name: "bytes", configuration: { endian: "little" } }],
  ...(names === null ? {} : { dimension_names: names }),
});

const group2 = (attrs: unknown) => ({ ".zgroup": { zarr_format: 2 }, ".zattrs": attrs });

/** A 0.4 image at `path` with two levels (and optional extra documents). */
function image04(path: string, attrs: Record<string, unknown> = {}): Record<string, unknown> {
  const p = path === "" ? "" : `${path}/`;
  return {
    [`${p}.zgroup`]: { zarr_format: 2 },
    [`${p}.zattrs`]: { multiscales: [{ ...multiscale(2), version: "0.4" }], ...attrs },
    [`${p}0/.zarray`]: zarray([2, 64, 64]),
    [`${p}1/.zarray`]: zarray([2, 32, 32]),
  };
}

describe("0.4 plate hierarchy in memory", () => {
  const plate = {
    version: "0.4",
    name: "p",
    field_count: 2,
    acquisitions: [
      { id: 0, name: "a", maximumfieldcount: 1 },
      { id: 1, name: "b", maximumfieldcount: 1 },
    ],
    rows: [{ name: "A" }],
    columns: [{ name: "1" }, { name: "2" }],
    wells: [
      { path: "A/1", rowIndex: 0, columnIndex: 0 },
      { path: "A/2", rowIndex: 0, columnIndex: 1 },
    ],
  };
  const docs = {
    ...Object.fromEntries(Object.entries(group2({ plate })).map(([k, v]) => [k, v])),
    ...Object.fromEntries(Object.entries(group2({})).map(([k, v]) => [`A/${k}`, v])),
    "A/1/.zgroup": { zarr_format: 2 },
    "A/1/.zattrs": {
      well: {
        version: "0.4",
        images: [
          { path: "0", acquisition: 0 },
          { path: "1", acquisition: 1 },
        ],
      },
    },
    ...image04("A/1/0"),
    ...image04("A/1/1", {
      omero: { channels: [{ color: "FF0000", window: { start: 0, end: 1, min: 0, max: 1 } }] },
    }),
    "A/1/1/labels/.zgroup": { zarr_format: 2 },
    "A/1/1/labels/.zattrs": { labels: ["cells"] },
    ...image04("A/1/1/labels/cells", { "image-label": { version: "0.4", colors: [{ "label-value": 1 }] } }),
    "A/1/1/labels/cells/0/.zarray": zarray([2, 64, 64], "<f4"),
    "A/1/1/labels/cells/1/.zarray": zarray([2, 32, 32], "<f4"),
    "A/2/.zgroup": { zarr_format: 2 },
    "A/2/.zattrs": { well: { version: "0.4", images: [{ path: "0" }, { path: "1", acquisition: 7 }] } },
    ...image04("A/2/0"),
    "A/2/1/zarr.json": {
      zarr_format: 3,
      node_type: "group",
      attributes: { ome: { version: "0.5", multiscales: [multiscale(1)] } },
    },
    "A/2/1/0/zarr.json": v3array([2, 64, 64]),
  };

  test("checks acquisitions, label data types, omero channels and version consistency", async () => {
    const report = await validate(storeOf(docs));
    const paths = report.errors.map((e) => e.path).sort();
    assert.deepEqual(paths, [
      "A/1/1/labels/cells#multiscales[0].datasets[0].path",
      "A/1/1/labels/cells#multiscales[0].datasets[1].path",
      "A/2#well.images[0]",
      "A/2#well.images[1].acquisition",
      "A/2/1",
    ]);
    const byPath = new Map(report.errors.map((e) => [e.path, e.message]));
    assert.match(byPath.get("A/2#well.images[0]")!, /2 acquisitions, so each field of view MUST name one/);
    assert.match(byPath.get("A/2#well.images[1].acquisition")!, /7 is not the id of an acquisition/);
    assert.match(byPath.get("A/2/1")!, /MUST be consistent within a hierarchy/);
    assert.match(
      byPath.get("A/1/1/labels/cells#multiscales[0].datasets[0].path")!,
      /data type <f4; label images MUST have an integer/,
    );
    const omero = report.warnings.find((w) => w.path === "A/1/1#omero.channels");
    assert.match(omero!.message, /1 entries but the channel axis has 2/);
  });

  test("integer labels and matching levels make it valid", async () => {
    const fixed: Record<string, unknown> = {
      ...docs,
      "A/1/1/labels/cells/0/.zarray": zarray([2, 64, 64], "|u1"),
      "A/1/1/labels/cells/1/.zarray": zarray([2, 32, 32], "<i4"),
      "A/2/.zattrs": { well: { version: "0.4", images: [{ path: "0", acquisition: 0 }] } },
    };
    const report = await validate(storeOf(fixed));
    assert.deepEqual(report.errors, []);
    assert.equal(report.valid, true);
    // Drop a level of the label image: it must have as many levels as its image.
    const labelDocs = { ...fixed } as Record<string, { multiscales?: unknown[] }>;
    labelDocs["A/1/1/labels/cells/.zattrs"] = {
      multiscales: [{ ...multiscale(1), version: "0.4" }],
      "image-label": { version: "0.4", colors: [{ "label-value": 1 }] },
    } as never;
    const mismatch = await validate(storeOf(labelDocs));
    assert.deepEqual(
      mismatch.errors.map((e) => [e.path, /has 1 levels but its image has 2/.test(e.message)]),
      [["A/1/1/labels/cells#multiscales[0].datasets", true]],
    );
  });
});

describe("bioformats2raw and 0.5 images in memory", () => {
  const image05 = (path: string, names: unknown = ["c", "y", "x"]) => ({
    [`${path}/zarr.json`]: {
      zarr_format: 3,
      node_type: "group",
      attributes: { ome: { version: "0.5", multiscales: [multiscale(1)] } },
    },
    [`${path}/0/zarr.json`]: v3array([2, 64, 64], "uint16", names),
  });
  const root = {
    "zarr.json": {
      zarr_format: 3,
      node_type: "group",
      attributes: { ome: { version: "0.5", "bioformats2raw.layout": 3 } },
    },
  };

  test("images in consecutive groups 0, 1, ... are validated", async () => {
    const ok = await validate(storeOf({ ...root, ...image05("0"), ...image05("1") }));
    assert.equal(ok.valid, true, JSON.stringify(ok.errors));
    assert.equal(ok.kind, "bioformats2raw");
    const bad = await validate(storeOf({ ...root, ...image05("0"), ...image05("1", null) }));
    assert.deepEqual(
      bad.errors.map((e) => e.path),
      ["1#ome.multiscales[0].datasets[0].path"],
    );
    assert.match(bad.errors[0].message, /no "dimension_names"/);
    const empty = await validate(storeOf(root));
    assert.deepEqual(
      empty.errors.map((e) => e.path),
      ['ome["bioformats2raw.layout"]'],
    );
  });

  test("OME/series lists the images, and each must exist", async () => {
    const ome = {
      "OME/zarr.json": {
        zarr_format: 3,
        node_type: "group",
        attributes: { ome: { version: "0.5", series: ["a", "b"] } },
      },
    };
    const report = await validate(storeOf({ ...root, ...ome, ...image05("a") }));
    assert.deepEqual(
      report.errors.map((e) => [e.path, e.target]),
      [["OME#ome.series[1]", "b"]],
    );
  });

  test("a root that is not an OME group is reported", async () => {
    const report = await validate(storeOf({ "zarr.json": v3array([4, 4], "uint8", ["y", "x"]) }));
    assert.equal(report.valid, false);
    assert.match(report.errors[0].message, /is an array/);
    const none = await validate(storeOf({}));
    assert.match(none.errors[0].message, /no Zarr group/);
  });
});

describe("0.5 labels with an intermediate group", () => {
  const group = (ome: Record<string, unknown>) => ({
    zarr_format: 3,
    node_type: "group",
    attributes: { ome: { version: "0.5", ...ome } },
  });
  const docs = (between: Record<string, unknown>) => ({
    "zarr.json": group({ multiscales: [multiscale(1)] }),
    "0/zarr.json": v3array([2, 64, 64]),
    "labels/zarr.json": group({ labels: ["seg/cells"] }),
    "labels/seg/zarr.json": between,
    "labels/seg/cells/zarr.json": group({
      multiscales: [multiscale(1)],
      "image-label": { colors: [{ "label-value": 1 }] },
    }),
    "labels/seg/cells/0/zarr.json": v3array([2, 64, 64], "uint8"),
  });

  test("is allowed without metadata, an error with OME metadata", async () => {
    const plain = await validate(storeOf(docs({ zarr_format: 3, node_type: "group", attributes: {} })));
    assert.deepEqual(plain.errors, []);
    const withMeta = await validate(storeOf(docs(group({ labels: ["cells"] }))));
    assert.deepEqual(
      withMeta.errors.map((e) => [e.path, e.target]),
      [["labels#ome.labels[0]", "labels/seg"]],
    );
    assert.match(withMeta.errors[0].message, /MUST NOT/);
  });
});
