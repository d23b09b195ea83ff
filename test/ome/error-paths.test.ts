/**
 * Exact error paths: a table of invalid documents, each with the complete list of error paths we
 * must report (errors are collected, not first-only) and a phrase of the rule each one names.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateAttributes } from "../../src/ome/validate/attributes.js";

const yx = [
  { name: "y", type: "space", unit: "micrometer" },
  { name: "x", type: "space", unit: "micrometer" },
];
const scale = (s: number[]) => [{ type: "scale", scale: s }];
const ms = (extra: Record<string, unknown> = {}) => ({
  version: "0.4",
  name: "m",
  type: "mean",
  metadata: {},
  axes: yx,
  datasets: [{ path: "0", coordinateTransformations: scale([1, 1]) }],
  ...extra,
});
const image04 = (extra: Record<string, unknown> = {}, doc: Record<string, unknown> = {}) => ({
  multiscales: [ms(extra)],
  ...doc,
});
const image05 = (extra: Record<string, unknown> = {}) => {
  const { version: _, ...m } = ms(extra);
  return { ome: { version: "0.5", multiscales: [m] } };
};
const plate = (p: Record<string, unknown>) => ({
  ome: {
    version: "0.5",
    plate: { name: "p", field_count: 1, rows: [{ name: "A" }], columns: [{ name: "1" }], ...p },
  },
});

interface Row {
  name: string;
  doc: unknown;
  version?: "0.4" | "0.5";
  /** Validate in schema-only mode (the upstream suites' verdicts). */
  schemaOnly?: boolean;
  /** [path, a phrase the message contains] for every error, in order. */
  errors: [string, RegExp][];
}

const table: Row[] = [
  { name: "valid 0.4 image", doc: image04(), errors: [] },
  { name: "valid 0.5 image", version: "0.5", doc: image05(), errors: [] },
  {
    name: "0.5 metadata given as 0.4",
    doc: image05(),
    errors: [["", /OME-Zarr 0.5 layout; 0.4 metadata MUST be at the top level/]],
  },
  {
    name: "scale lengths, a scale on a deeper level finer than the first",
    doc: image04({
      datasets: [
        { path: "0", coordinateTransformations: scale([2, 2]) },
        { path: "1", coordinateTransformations: scale([1, 4]) },
        { path: "2", coordinateTransformations: [{ type: "scale", scale: [8, 8, 8] }] },
      ],
    }),
    errors: [
      [
        "multiscales[0].datasets[1].coordinateTransformations[0].scale",
        /finer than datasets\[0\] on axis "y"/,
      ],
      ["multiscales[0].datasets[2].coordinateTransformations[0].scale", /has 3 values but there are 2 axes/],
    ],
  },
  {
    name: "axis problems are all collected",
    doc: image04({
      axes: [
        { name: "x", type: "space" },
        { name: "t", type: "time" },
        { name: "x", type: "space" },
      ],
      datasets: [{ path: "0", coordinateTransformations: scale([1, 1, 1]) }],
    }),
    errors: [
      ["multiscales[0].axes[1]", /axis "t" \(time\) comes after axis "x" \(space\)/],
      ["multiscales[0].axes[2].name", /axis names MUST be unique/],
    ],
  },
  {
    name: "two channel-like axes, two time axes",
    doc: image04({
      axes: [
        { name: "t", type: "time" },
        { name: "t2", type: "time" },
        { name: "c", type: "channel" },
        { name: "a" },
        ...yx,
      ].slice(0, 5),
      datasets: [{ path: "0", coordinateTransformations: scale([1, 1, 1, 1, 1]) }],
    }),
    errors: [
      ["multiscales[0].axes", /has 1 axis of type "space"/],
      ["multiscales[0].axes[1]", /second "time" axis/],
      ["multiscales[0].axes[3]", /second axis of type channel or custom/],
    ],
  },
  {
    name: "transformations: identity, missing vector, translation first",
    doc: image04({
      datasets: [
        { path: "0", coordinateTransformations: [{ type: "identity" }] },
        {
          path: "1",
          coordinateTransformations: [
            { type: "translation", translation: [0, 0] },
            { type: "scale", scale: [2, 2] },
          ],
        },
        { path: "2", coordinateTransformations: [{ type: "scale" }] },
        { path: "3", coordinateTransformations: [{ type: "rotation" }] },
      ],
    }),
    errors: [
      ["multiscales[0].datasets[0].coordinateTransformations[0].type", /"identity" is not allowed here/],
      ["multiscales[0].datasets[0].coordinateTransformations", /has no "scale"/],
      [
        "multiscales[0].datasets[1].coordinateTransformations[0]",
        /"translation" MUST be listed after "scale"/,
      ],
      ["multiscales[0].datasets[2].coordinateTransformations[0]", /MUST have a "scale" vector/],
      [
        "multiscales[0].datasets[3].coordinateTransformations[0].type",
        /must be one of "identity", "scale", "translation"/,
      ],
      ["multiscales[0].datasets[3].coordinateTransformations", /has no "scale"/],
    ],
  },
  {
    name: "structure: wrong types and missing fields",
    doc: {
      multiscales: [{ version: "0.4", axes: [{ type: "space" }, { name: 3 }], datasets: [{ path: 0 }] }],
    },
    errors: [
      ["multiscales[0].axes[0].name", /missing required field "name"/],
      ["multiscales[0].axes[1].name", /must be a string, not an integer/],
      ["multiscales[0].datasets[0].path", /must be a string/],
      [
        "multiscales[0].datasets[0].coordinateTransformations",
        /missing required field "coordinateTransformations"/,
      ],
      ["multiscales[0].axes[1]", /axis #1 \(untyped\) comes after axis #0 \(space\)/],
      ["multiscales[0].axes", /has 1 axis of type "space"/],
    ],
  },
  {
    name: "dataset paths: duplicate, absolute, escaping",
    doc: image04({
      datasets: ["0", "0", "/abs", "../up"].map((path, i) => ({
        path,
        coordinateTransformations: scale([2 ** i, 2 ** i]),
      })),
    }),
    errors: [
      ["multiscales[0].datasets[1].path", /also the path of datasets\[0\]/],
      ["multiscales[0].datasets[2].path", /not a relative path/],
      ["multiscales[0].datasets[3].path", /not a relative path/],
    ],
  },
  {
    name: "0.4 version fields",
    doc: image04({ version: "0.3" }, { "image-label": { version: "0.5", colors: [{ "label-value": 1 }] } }),
    errors: [
      ["multiscales[0].version", /MUST be "0.4"/],
      ["image-label.version", /MUST be "0.4"/],
    ],
  },
  {
    name: "0.5 envelope",
    version: "0.5",
    doc: { ome: { version: "0.4", multiscales: [] } },
    errors: [
      ["ome.version", /MUST have "version": "0.5"/],
      ["ome.multiscales", /is empty/],
    ],
  },
  {
    name: "0.4 metadata given as 0.5",
    version: "0.5",
    doc: image04(),
    errors: [["ome", /missing required field "ome".*look like OME-Zarr 0.4/]],
  },
  {
    name: "omero structure (0.4 requires window and color)",
    doc: image04(
      {},
      {
        omero: { channels: [{ label: "a" }, { color: 255, window: { start: 0, end: "9", min: 0, max: 9 } }] },
      },
    ),
    errors: [
      ["omero.channels[0].window", /missing required field "window"/],
      ["omero.channels[0].color", /missing required field "color"/],
      ["omero.channels[1].window.end", /must be a number, not a string/],
      ["omero.channels[1].color", /must be a string, not an integer/],
    ],
  },
  {
    name: "image-label: label values, rgba, a label image needs multiscales",
    version: "0.5",
    doc: {
      ome: {
        version: "0.5",
        "image-label": {
          colors: [
            { "label-value": 1, rgba: [0, 0, 0] },
            { "label-value": 1, rgba: [0, 0, 300, 1.5] },
            { "label-value": 2.5 },
          ],
          properties: [],
        },
      },
    },
    errors: [
      ["ome.image-label.colors[0].rgba", /"rgba" MUST be four integers/],
      ["ome.image-label.colors[1].label-value", /label values MUST be unique/],
      ["ome.image-label.colors[1].rgba[2]", /300 is not an integer between 0 and 255/],
      ["ome.image-label.colors[1].rgba[3]", /1.5 is not an integer between 0 and 255/],
      ["ome.image-label.colors[2].label-value", /not an integer/],
      ["ome.image-label.properties", /is empty/],
      ["ome.image-label", /MUST also contain "multiscales"/],
    ],
  },
  {
    name: "plate: names, wells, indices",
    version: "0.5",
    doc: plate({
      rows: [{ name: "A" }, { name: "B" }, { name: "A" }],
      columns: [{ name: "1" }, { name: "x-1" }],
      acquisitions: [
        { id: 0, name: "a", maximumfieldcount: 0 },
        { id: 0, name: "b", maximumfieldcount: 1, starttime: -5 },
      ],
      wells: [
        { path: "A/1", rowIndex: 1, columnIndex: 0 },
        { path: "1/B", rowIndex: 1, columnIndex: 0 },
        { path: "A/1/0", rowIndex: 0, columnIndex: 0 },
        { path: "B/1", rowIndex: 1, columnIndex: 5 },
        { path: "B/1", rowIndex: 1, columnIndex: 0 },
      ],
    }),
    errors: [
      ["ome.plate.acquisitions[0].maximumfieldcount", /not a positive integer/],
      ["ome.plate.acquisitions[1].id", /acquisition ids MUST be unique/],
      ["ome.plate.acquisitions[1].starttime", /-5 is not an integer epoch timestamp/],
      ["ome.plate.rows[2].name", /row names MUST be unique/],
      ["ome.plate.columns[1].name", /not alphanumeric/],
      ["ome.plate.wells[0].rowIndex", /points at row "B" but the path names row "A"/],
      ["ome.plate.wells[1].path", /row "1" of well path "1\/B" is not in "rows".*column before the row/],
      ["ome.plate.wells[1].path", /column "B" of well path "1\/B" is not in "columns"/],
      ["ome.plate.wells[2].path", /is not "<row>\/<column>"/],
      ["ome.plate.wells[3].columnIndex", /out of range/],
      ["ome.plate.wells[4].path", /each well MUST be listed once/],
    ],
  },
  {
    name: "schema-only 0.4 tolerates column/row well paths (its own test suite uses them) but not wrong indices",
    schemaOnly: true,
    doc: {
      plate: {
        version: "0.4",
        name: "p",
        rows: [{ name: "1" }, { name: "2" }],
        columns: [{ name: "A" }],
        wells: [
          { path: "A/1", rowIndex: 0, columnIndex: 0 },
          { path: "A/2", rowIndex: 0, columnIndex: 0 },
        ],
      },
    },
    errors: [["plate.wells[1].rowIndex", /does not point at row "2"/]],
  },
  {
    name: "by default a 0.4 column/row well path is an error (the text says MUST <row>/<column>)",
    doc: {
      plate: {
        version: "0.4",
        name: "p",
        rows: [{ name: "1" }],
        columns: [{ name: "A" }],
        wells: [{ path: "A/1", rowIndex: 0, columnIndex: 0 }],
      },
    },
    errors: [
      ["plate.wells[0].path", /row "A" of well path "A\/1" is not in "rows".*column before the row/],
      ["plate.wells[0].path", /column "1" of well path "A\/1" is not in "columns"/],
    ],
  },
  {
    name: "well: paths and acquisitions",
    version: "0.5",
    doc: {
      ome: {
        version: "0.5",
        well: { images: [{ path: "0" }, { path: "0" }, { path: "a/b", acquisition: 1.5 }] },
      },
    },
    errors: [
      ["ome.well.images[1].path", /field of view paths MUST be unique/],
      ["ome.well.images[2].path", /not alphanumeric/],
      ["ome.well.images[2].acquisition", /not an integer acquisition id/],
    ],
  },
  {
    name: "bioformats2raw layout and series",
    version: "0.5",
    doc: { ome: { version: "0.5", "bioformats2raw.layout": 2, series: ["0", "../x", 3] } },
    errors: [
      ['ome["bioformats2raw.layout"]', /MUST be 3/],
      ["ome.series[2]", /must be a string, not an integer/],
      ["ome.series[1]", /not a relative path/],
    ],
  },
  {
    name: "labels group",
    doc: { labels: ["a", "/b", 4] },
    errors: [
      ["labels[2]", /must be a string/],
      ["labels[1]", /not a relative path/],
    ],
  },
  { name: "not an object", doc: [1, 2], errors: [["", /must be a JSON object/]] },
  { name: "no OME metadata", doc: { foo: 1 }, errors: [["", /has no OME-Zarr metadata/]] },
];

describe("error paths", () => {
  for (const row of table) {
    test(row.name, () => {
      const report = validateAttributes(row.doc, {
        version: row.version ?? "0.4",
        schemaOnly: row.schemaOnly,
      });
      // Order by path (stable): structural and rule checks run separately, the set is what counts.
      const byPath = <T>(list: T[], path: (x: T) => string) =>
        list
          .map((x, i) => ({ x, i }))
          .sort((a, b) => path(a.x).localeCompare(path(b.x)) || a.i - b.i)
          .map((e) => e.x);
      const actual = byPath(report.errors, (e) => e.path);
      const expected = byPath(row.errors, ([p]) => p);
      assert.deepEqual(
        actual.map((e) => e.path),
        expected.map(([p]) => p),
        JSON.stringify(report.errors, null, 1),
      );
      actual.forEach((e, i) => {
        assert.match(e.message, expected[i][1], `${e.path}: ${e.message}`);
      });
      assert.equal(report.valid, row.errors.length === 0);
    });
  }

  test("strict mode turns the recommended fields into errors", () => {
    const doc = {
      multiscales: [{ axes: yx, datasets: [{ path: "0", coordinateTransformations: scale([1, 1]) }] }],
    };
    const lenient = validateAttributes(doc);
    assert.equal(lenient.valid, true);
    const strict = validateAttributes(doc, { strict: true });
    assert.deepEqual(
      strict.errors.map((e) => e.message.match(/has no "(\w+)"/)?.[1]),
      ["name", "type", "metadata", "version"],
    );
  });
});
