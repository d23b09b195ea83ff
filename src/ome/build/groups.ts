/**
 * Builders for the OME groups that hold no arrays themselves: the labels group, HCS plates and
 * wells, and the bioformats2raw root (with its OME series group). Each generates its attributes
 * for 0.4 or 0.5 and validates them on construction.
 */
import type { Issue } from "../../errors.js";
import type { Store } from "../../store/types.js";
import { cloneJSON, type JSONObject } from "../common/json.js";
import type { Acquisition } from "../common/models.js";
import { BF2RAW_KEY } from "../common/models.js";
import type { OmeVersion } from "../validate/report.js";
import {
  type AnyGroupSpec,
  buildGroupSpec,
  type CreateOptions,
  type Group,
  writeGroup,
} from "../zarr-adapter.js";
import { checkGenerated, envelope, formatOf, OmeGroup } from "./common.js";

/** A group whose children are other OME groups (label images, ...), written along with it. */
abstract class ParentGroup<A extends JSONObject> extends OmeGroup<A> {
  protected async children(): Promise<Record<string, AnyGroupSpec>> {
    return {};
  }

  override async toGroupSpec(): Promise<AnyGroupSpec> {
    return buildGroupSpec(formatOf(this.version), this.toJSON(), {}, await this.children());
  }

  override async toZarr(store: Store, path = "", options: CreateOptions = {}): Promise<Group> {
    return writeGroup(await this.toGroupSpec(), store, path, options);
  }
}

// ---- labels ----

/** Anything that can be written as a group below another (label images). */
export interface GroupLike {
  toGroupSpec(): Promise<AnyGroupSpec>;
}

export interface LabelsOptions {
  /** The label image paths to list; default: the keys of `images`. */
  labels?: readonly string[];
  /** Label images to write below the labels group, keyed by path. */
  images?: Readonly<Record<string, GroupLike>>;
}

export class LabelsBase extends ParentGroup<JSONObject> {
  readonly images: Readonly<Record<string, GroupLike>>;

  protected constructor(version: OmeVersion, o: LabelsOptions) {
    const labels = [...(o.labels ?? Object.keys(o.images ?? {}))];
    const issues: Issue[] = [];
    for (const name of Object.keys(o.images ?? {})) {
      if (!labels.includes(name))
        issues.push({
          path: `images.${name}`,
          message: `is not listed in "labels"; all label images SHOULD be listed`,
        });
    }
    const attributes = envelope(version, { labels });
    const warnings = checkGenerated(version, attributes, "labels group", []);
    super(version, attributes, [...issues, ...warnings]);
    this.images = o.images ?? {};
  }

  protected override async children(): Promise<Record<string, AnyGroupSpec>> {
    const out: Record<string, AnyGroupSpec> = {};
    for (const [k, v] of Object.entries(this.images)) out[k] = await v.toGroupSpec();
    return out;
  }
}

/** The `labels` group of a 0.4 image: `{ "labels": [...] }`, optionally with its label images. */
export class LabelsV04 extends LabelsBase {
  static new(options: LabelsOptions): LabelsV04 {
    return new LabelsV04("0.4", options);
  }
}

/** The `labels` group of a 0.5 image. */
export class LabelsV05 extends LabelsBase {
  static new(options: LabelsOptions): LabelsV05 {
    return new LabelsV05("0.5", options);
  }
}

// ---- plates and wells ----

export interface PlateOptions {
  /** Row names, in order ("A", "B", ...): every row of the physical plate. */
  rows: readonly string[];
  /** Column names, in order ("1", "2", ...): every column of the physical plate. */
  columns: readonly string[];
  /** Well paths "<row>/<column>"; rowIndex and columnIndex are derived from them. */
  wells: readonly string[];
  name?: string;
  acquisitions?: readonly Acquisition[];
  /** The maximum number of fields of view per well. */
  fieldCount?: number;
}

export class PlateBase extends ParentGroup<JSONObject> {
  protected constructor(version: OmeVersion, o: PlateOptions) {
    const issues: Issue[] = [];
    const wells = o.wells.map((path, i) => {
      const [row, column] = path.split("/");
      const rowIndex = o.rows.indexOf(row);
      const columnIndex = o.columns.indexOf(column);
      if (rowIndex < 0)
        issues.push({ path: `wells[${i}]`, message: `row "${row}" of "${path}" is not one of the rows` });
      if (columnIndex < 0)
        issues.push({
          path: `wells[${i}]`,
          message: `column "${column}" of "${path}" is not one of the columns`,
        });
      return { path, rowIndex: Math.max(rowIndex, 0), columnIndex: Math.max(columnIndex, 0) };
    });
    const plate: JSONObject = {};
    if (version === "0.4") plate.version = "0.4";
    if (o.name !== undefined) plate.name = o.name;
    if (o.acquisitions) plate.acquisitions = cloneJSON([...o.acquisitions]);
    plate.rows = o.rows.map((name) => ({ name }));
    plate.columns = o.columns.map((name) => ({ name }));
    plate.wells = wells;
    if (o.fieldCount !== undefined) plate.field_count = o.fieldCount;
    const attributes = envelope(version, { plate });
    super(version, attributes, checkGenerated(version, attributes, "plate", issues));
  }
}

/** An HCS plate (0.4). */
export class PlateV04 extends PlateBase {
  static new(options: PlateOptions): PlateV04 {
    return new PlateV04("0.4", options);
  }
}

/** An HCS plate (0.5). */
export class PlateV05 extends PlateBase {
  static new(options: PlateOptions): PlateV05 {
    return new PlateV05("0.5", options);
  }
}

export interface WellOptions {
  /** Fields of view: a path, or a path with the id of the acquisition it belongs to. */
  images: readonly (string | { path: string; acquisition?: number })[];
}

export class WellBase extends ParentGroup<JSONObject> {
  protected constructor(version: OmeVersion, o: WellOptions) {
    const well: JSONObject = {};
    if (version === "0.4") well.version = "0.4";
    well.images = o.images.map((img) => (typeof img === "string" ? { path: img } : { ...img }));
    const attributes = envelope(version, { well });
    super(version, attributes, checkGenerated(version, attributes, "well", []));
  }
}

/** An HCS well (0.4). */
export class WellV04 extends WellBase {
  static new(options: WellOptions): WellV04 {
    return new WellV04("0.4", options);
  }
}

/** An HCS well (0.5). */
export class WellV05 extends WellBase {
  static new(options: WellOptions): WellV05 {
    return new WellV05("0.5", options);
  }
}

/** A plate of any version, for the bioformats2raw root that embeds one. */
class AnyPlate extends PlateBase {
  static of(version: OmeVersion, options: PlateOptions): AnyPlate {
    return new AnyPlate(version, options);
  }
}

// ---- bioformats2raw ----

export interface BioFormats2RawOptions {
  /** Paths of the images, in the order of the OME-XML's images; written as `series` in the OME group. */
  series?: readonly string[];
  /** A plate instead of a series of images ("plate" takes precedence). */
  plate?: PlateOptions;
}

export class BioFormats2RawBase extends ParentGroup<JSONObject> {
  /** The attributes of the `OME` group (`series`), when series are given. */
  readonly seriesAttributes: JSONObject | undefined;

  protected constructor(version: OmeVersion, o: BioFormats2RawOptions) {
    const ns: JSONObject = { [BF2RAW_KEY]: 3 };
    let warnings: Issue[] = [];
    if (o.plate) {
      const plate = AnyPlate.of(version, o.plate);
      const plateNs = version === "0.4" ? plate.attributes : (plate.attributes.ome as JSONObject);
      ns.plate = plateNs.plate;
      warnings = plate.warnings;
    }
    const attributes = envelope(version, ns);
    warnings = [...warnings, ...checkGenerated(version, attributes, "bioformats2raw layout", [], "bf2raw")];
    let seriesAttributes: JSONObject | undefined;
    if (o.series) {
      seriesAttributes = envelope(version, { series: [...o.series] });
      warnings.push(...checkGenerated(version, seriesAttributes, "bioformats2raw OME group", [], "ome"));
    }
    super(version, attributes, warnings);
    this.seriesAttributes = seriesAttributes;
  }

  protected override async children(): Promise<Record<string, AnyGroupSpec>> {
    if (!this.seriesAttributes) return {};
    return { OME: await buildGroupSpec(formatOf(this.version), cloneJSON(this.seriesAttributes)) };
  }
}

/** The root of a bioformats2raw layout (0.4): `"bioformats2raw.layout": 3` (+ an OME group with `series`). */
export class BioFormats2RawV04 extends BioFormats2RawBase {
  static new(options: BioFormats2RawOptions = {}): BioFormats2RawV04 {
    return new BioFormats2RawV04("0.4", options);
  }
}

/** The root of a bioformats2raw layout (0.5). */
export class BioFormats2RawV05 extends BioFormats2RawBase {
  static new(options: BioFormats2RawOptions = {}): BioFormats2RawV05 {
    return new BioFormats2RawV05("0.5", options);
  }
}
