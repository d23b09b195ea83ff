/** Units: the specification's lists, abbreviations mapped by `normalizeUnit`, and the warnings validation gives. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { normalizeUnit, SPACE_UNITS, TIME_UNITS, unitKind } from "../../src/ome/common/units.js";
import { validateAttributes } from "../../src/ome/validate/attributes.js";

function imageWithUnits(units: (string | null | undefined)[], types = ["time", "space", "space"]) {
  const names = ["t", "y", "x"];
  return {
    ome: {
      version: "0.5",
      multiscales: [
        {
          name: "u",
          type: "mean",
          metadata: {},
          axes: units.map((unit, i) => ({
            name: names[i],
            type: types[i],
            ...(unit === undefined ? {} : { unit }),
          })),
          datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [1, 1, 1] }] }],
        },
      ],
    },
  };
}

describe("units", () => {
  test("the specification's lists", () => {
    assert.equal(SPACE_UNITS.length, 26);
    assert.equal(TIME_UNITS.length, 23);
    assert.equal(unitKind("micrometer"), "space");
    assert.equal(unitKind("millisecond"), "time");
    assert.equal(unitKind("um"), undefined);
  });

  test("normalizeUnit maps abbreviations and spellings, and keeps the case of SI prefixes", () => {
    const cases: [string, string | undefined][] = [
      ["um", "micrometer"],
      ["µm", "micrometer"],
      ["μm", "micrometer"],
      ["micron", "micrometer"],
      ["Micrometers", "micrometer"],
      ["nm", "nanometer"],
      ["mm", "millimeter"],
      ["Mm", "megameter"],
      ["Å", "angstrom"],
      ["metre", "meter"],
      ["s", "second"],
      ["ms", "millisecond"],
      ["µs", "microsecond"],
      ["min", "minute"],
      ["h", "hour"],
      ["seconds", "second"],
      ["nanometer", "nanometer"],
      ["furlong", undefined],
      ["pixel", undefined],
    ];
    for (const [input, expected] of cases) assert.equal(normalizeUnit(input), expected, input);
  });

  test('"um" is a warning naming the specification\'s unit; the document stays as given', () => {
    const doc = imageWithUnits(["ms", "um", "micrometer"]);
    const before = JSON.stringify(doc);
    const report = validateAttributes(doc);
    assert.equal(report.valid, true);
    assert.deepEqual(report.warnings, [
      {
        path: "ome.multiscales[0].axes[0].unit",
        message: '"ms" is not a unit of the specification; use "millisecond"',
      },
      {
        path: "ome.multiscales[0].axes[1].unit",
        message: '"um" is not a unit of the specification; use "micrometer"',
      },
    ]);
    assert.equal(JSON.stringify(doc), before);
  });

  test("wrong kind, unknown and missing units are warnings too", () => {
    const report = validateAttributes(imageWithUnits(["micrometer", "pixel", undefined]));
    assert.equal(report.valid, true);
    assert.deepEqual(
      report.warnings.map((w) => w.path),
      ["ome.multiscales[0].axes[0].unit", "ome.multiscales[0].axes[1].unit", "ome.multiscales[0].axes[2]"],
    );
    assert.match(report.warnings[0].message, /space unit but the axis is of type "time"/);
    assert.match(report.warnings[1].message, /not one of the specification's space units/);
    assert.match(report.warnings[2].message, /has no "unit"/);
    // A null unit (seen on channel and time axes in the wild) reads as absent.
    const nullUnit = validateAttributes(imageWithUnits([null, "micrometer", "micrometer"]));
    assert.equal(nullUnit.valid, true);
    assert.match(nullUnit.warnings[0].message, /has no "unit"/);
  });
});
