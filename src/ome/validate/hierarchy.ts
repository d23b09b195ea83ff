/**
 * `validate(store, path)`: validates an OME-Zarr hierarchy as stored — every group's attributes
 * (as `validateAttributes` does) plus the rules that connect nodes: dataset paths point at arrays
 * with one dimension per axis (and, in 0.5, `dimension_names` equal to the axis names), labels listed
 * in a labels group exist and are integer images with as many levels as their image, wells and
 * fields of view listed by plates and wells exist, bioformats2raw series exist. It recurses into
 * labels, wells and fields.
 */
import type { Issue } from "../../errors.js";
import { normalizePath } from "../../store/keys.js";
import type { Store } from "../../store/types.js";
import { childPath, isInteger, isObject, isRelativePath, type JSONObject } from "../common/json.js";
import { imageFieldChecks, intrinsicAxes } from "../v06/image/hierarchy.js";
import { sceneChecks } from "../v06/scene/hierarchy.js";
import { detectKind, detectVersion, validateAttributes } from "./attributes.js";
import { isIntegerType, readNode, type ZarrNode } from "./nodes.js";
import type { OmeKind, OmeVersion, ValidationReport } from "./report.js";

/** An issue found in a hierarchy: `node` is the group whose metadata it concerns (relative to the validated root). */
export interface HierarchyIssue extends Issue {
  node: string;
  /** The node a reference points at, when the issue is about it (a missing array, a well that is an array, ...). */
  target?: string;
}

export interface HierarchyReport extends ValidationReport {
  errors: HierarchyIssue[];
  warnings: HierarchyIssue[];
}

export interface HierarchyValidateOptions {
  /** Judge only the root group's attributes by what the official JSON schemas express (references are not followed). */
  schemaOnly?: boolean;
  /** Treat what the strict schemas require (multiscale name/type/metadata, plate name, ...) as required. */
  strict?: boolean;
}

/** Formats an issue path: `A/1/0#ome.multiscales[0].datasets[0].path`; the root's issues keep plain JSON paths. */
export function issuePath(node: string, json: string): string {
  if (node === "") return json;
  return json === "" ? node : `${node}#${json}`;
}

function join(a: string, b: string): string {
  return a === "" ? b : `${a}/${b}`;
}

const LABEL_TYPES = "uint8, int8, uint16, int16, uint32, int32, uint64 or int64";

/** What a visit learns about an image group, for the checks of its labels. */
interface ImageInfo {
  levels: number | undefined;
}

interface PlateInfo {
  acquisitionIds: number[] | undefined;
  fieldCount: number | undefined;
}

export class Walker {
  readonly errors: HierarchyIssue[] = [];
  readonly warnings: HierarchyIssue[] = [];
  version: OmeVersion | undefined;

  constructor(
    readonly store: Store,
    readonly root: string,
    readonly options: HierarchyValidateOptions = {},
  ) {}

  error(node: string, json: string, message: string, target?: string): void {
    this.errors.push({ path: issuePath(node, json), message, node, ...(target !== undefined && { target }) });
  }

  warn(node: string, json: string, message: string, target?: string): void {
    this.warnings.push({
      path: issuePath(node, json),
      message,
      node,
      ...(target !== undefined && { target }),
    });
  }

  /** Reads the node at `rel` (relative to the root); key errors (a hostile path) read as "absent". */
  async read(rel: string): Promise<ZarrNode | undefined> {
    try {
      return await readNode(this.store, join(this.root, rel));
    } catch {
      return undefined;
    }
  }

  /**
   * The OME-Zarr version of a group: 0.4 for Zarr v2; for Zarr v3, 0.6 or 0.5 by `ome.version`
   * (a v3 group without one, such as a plate row, inherits the hierarchy's version).
   */
  versionOf(group: ZarrNode & { kind: "group" }): OmeVersion {
    if (group.format === 2) return "0.4";
    const ome = group.attributes.ome;
    if (isObject(ome) && ome.version !== undefined) return detectVersion(group.attributes);
    return this.version === "0.6" ? "0.6" : "0.5";
  }

  /** The JSON path prefix of OME keys: "" in 0.4, "ome" in 0.5 and 0.6. */
  base(format: 2 | 3): string {
    return format === 3 ? "ome" : "";
  }

  /**
   * Follows a reference from `node` (at `json`) to `target`: reports it missing, broken or an array
   * (when a group is expected), and returns the group otherwise.
   */
  async group(
    node: string,
    json: string,
    target: string,
    what: string,
  ): Promise<(ZarrNode & { kind: "group" }) | undefined> {
    const found = await this.read(target);
    if (!found) {
      this.error(
        node,
        json,
        `${what} "${target}" does not exist; it MUST be a group in this hierarchy`,
        target,
      );
      return undefined;
    }
    if (found.kind === "broken") {
      this.error(node, json, `${what} "${target}": ${found.key} ${found.reason}`, target);
      return undefined;
    }
    if (found.kind === "array") {
      this.error(node, json, `${what} "${target}" is an array; it MUST be a group`, target);
      return undefined;
    }
    return found;
  }

  /**
   * Validates a group's attributes and recurses according to what it is. `expect` lists the kinds
   * allowed here; `labelOf` is the image a labels group or label image belongs to; `plate` the plate of a well.
   */
  async visit(
    path: string,
    group: ZarrNode & { kind: "group" },
    expect?: OmeKind[],
    labelOf?: ImageInfo,
    plate?: PlateInfo,
  ) {
    const version = this.versionOf(group);
    if (this.version === undefined) this.version = version;
    else if (version !== this.version) {
      this.error(
        path,
        "",
        `is a Zarr v${group.format} group (OME-Zarr ${version}) in an OME-Zarr ${this.version} hierarchy; the version MUST be consistent within a hierarchy`,
      );
    }
    const report = validateAttributes(group.attributes, { version, strict: this.options.strict });
    for (const e of report.errors) this.error(path, e.path, e.message);
    for (const w of report.warnings) this.warn(path, w.path, w.message);
    const base = this.base(group.format);
    const ns = (group.format === 3 ? group.attributes.ome : group.attributes) as JSONObject | undefined;
    if (expect && report.kind !== "unknown" && !expect.includes(report.kind)) {
      this.error(
        path,
        base,
        `holds ${report.kind} metadata but ${expect.join(" or ")} metadata is expected here`,
      );
    }
    if (!isObject(ns)) return report;
    switch (report.kind) {
      case "image":
      case "image-label":
        await this.image(
          path,
          ns,
          group.format,
          report.kind === "image-label" || labelOf !== undefined,
          labelOf,
        );
        break;
      case "labels":
        await this.labelsList(path, ns, group.format, labelOf);
        break;
      case "plate":
        await this.plate(path, ns, group.format);
        break;
      case "well":
        await this.well(path, ns, group.format, plate);
        break;
      case "bioformats2raw":
        await this.bioformats2raw(path, ns, group.format);
        break;
      case "scene":
        await sceneChecks(this, path, ns);
        break;
    }
    if (report.version === "0.6" && (report.kind === "image" || report.kind === "image-label"))
      await imageFieldChecks(this, path, ns);
    return report;
  }

  /** Dataset arrays of an image (and of a label image, which must be integer-typed and match its image's levels). */
  async image(
    path: string,
    ns: JSONObject,
    format: 2 | 3,
    isLabel: boolean,
    parent?: ImageInfo,
  ): Promise<void> {
    const base = this.base(format);
    const multiscales = Array.isArray(ns.multiscales) ? ns.multiscales : [];
    let levels: number | undefined;
    for (const [i, ms] of multiscales.entries()) {
      if (!isObject(ms) || !Array.isArray(ms.datasets)) continue;
      const msPath = childPath(childPath(base, "multiscales"), i);
      if (i === 0) levels = ms.datasets.length;
      // 0.6: the axes are those of the intrinsic coordinate system (the datasets' common output)
      const axes = this.version === "0.6" ? intrinsicAxes(ms) : Array.isArray(ms.axes) ? ms.axes : undefined;
      const axisNames = axes?.map((a) => (isObject(a) ? a.name : undefined));
      let firstShape: number[] | undefined;
      for (const [j, dataset] of ms.datasets.entries()) {
        if (!isObject(dataset) || typeof dataset.path !== "string" || !isRelativePath(dataset.path)) continue;
        const json = childPath(childPath(childPath(msPath, "datasets"), j), "path");
        const target = join(path, dataset.path);
        const node = await this.read(target);
        if (!node) {
          this.error(
            path,
            json,
            `dataset "${dataset.path}" does not exist; each dataset path MUST point to a Zarr array in the image group`,
            target,
          );
          continue;
        }
        if (node.kind === "broken") {
          this.error(path, json, `dataset "${dataset.path}": ${node.key} ${node.reason}`, target);
          continue;
        }
        if (node.kind === "group") {
          this.error(
            path,
            json,
            `dataset "${dataset.path}" is a group; each dataset path MUST point to a Zarr array`,
            target,
          );
          continue;
        }
        if (node.format !== format) {
          this.error(
            path,
            json,
            `dataset "${dataset.path}" is a Zarr v${node.format} array; OME-Zarr ${this.version} arrays MUST be Zarr v${format}`,
            target,
          );
        }
        if (j === 0) firstShape = node.shape;
        if (!node.shape) {
          this.error(
            path,
            json,
            `dataset "${dataset.path}" has no valid "shape" in its array metadata`,
            target,
          );
        } else if (axes && node.shape.length !== axes.length) {
          this.error(
            path,
            json,
            `dataset "${dataset.path}" has ${node.shape.length} dimensions (shape [${node.shape.join(", ")}]) but the multiscale has ${axes.length} axes; they MUST be equal`,
            target,
          );
        }
        if (this.version === "0.5" && node.format === 3 && axisNames) {
          const names = node.dimensionNames;
          if (names === undefined || names === null) {
            this.error(
              path,
              json,
              `array "${dataset.path}" has no "dimension_names"; in OME-Zarr 0.5 they MUST be given and match the axis names`,
              target,
            );
          } else if (
            !Array.isArray(names) ||
            names.length !== axisNames.length ||
            names.some((n, k) => n !== axisNames[k])
          ) {
            this.error(
              path,
              json,
              `array "${dataset.path}" has dimension_names ${JSON.stringify(names)} but the axes are ${JSON.stringify(axisNames)}; they MUST match`,
              target,
            );
          }
        }
        if (isLabel && !isIntegerType(node.dataType)) {
          this.error(
            path,
            json,
            `label array "${dataset.path}" has data type ${node.dataType ?? "(none)"}; label images MUST have an integer data type (${LABEL_TYPES})`,
            target,
          );
        }
      }
      this.omeroChannels(path, ns, base, axes, firstShape);
    }
    if (isLabel && parent?.levels !== undefined && levels !== undefined && levels !== parent.levels) {
      this.error(
        path,
        childPath(childPath(childPath(base, "multiscales"), 0), "datasets"),
        `has ${levels} levels but its image has ${parent.levels}; a label image MUST have as many datasets (scale levels) as the image it labels`,
      );
    }
    if (isLabel) return;
    const labels = await this.read(join(path, "labels"));
    if (!labels) return;
    const labelsPath = join(path, "labels");
    if (labels.kind === "broken")
      this.error(path, "", `"labels": ${labels.key} ${labels.reason}`, labelsPath);
    else if (labels.kind === "array") {
      this.error(path, "", `"labels" is an array; the labels of an image MUST be a group`, labelsPath);
    } else await this.visit(labelsPath, labels, ["labels"], { levels });
  }

  /** SHOULD: one omero channel per entry of the channel axis. */
  omeroChannels(
    path: string,
    ns: JSONObject,
    base: string,
    axes: unknown[] | undefined,
    shape: number[] | undefined,
  ): void {
    const channels = isObject(ns.omero) && Array.isArray(ns.omero.channels) ? ns.omero.channels : undefined;
    const c = axes?.findIndex((a) => isObject(a) && a.type === "channel") ?? -1;
    if (!channels || !shape || c < 0 || shape.length !== axes!.length || shape[c] === channels.length) return;
    this.warn(
      path,
      childPath(childPath(base, "omero"), "channels"),
      `has ${channels.length} entries but the channel axis has ${shape[c]}; omero SHOULD describe each channel`,
    );
  }

  async labelsList(path: string, ns: JSONObject, format: 2 | 3, image?: ImageInfo): Promise<void> {
    if (!Array.isArray(ns.labels)) return;
    for (const [i, name] of ns.labels.entries()) {
      if (typeof name !== "string" || !isRelativePath(name)) continue;
      const json = childPath(childPath(this.base(format), "labels"), i);
      const target = join(path, name);
      await this.intermediateGroups(path, json, name, format);
      const group = await this.group(path, json, target, "label image");
      if (group) await this.visit(target, group, ["image-label", "image"], image ?? { levels: undefined });
    }
  }

  /** Groups between the labels group and a label image ("a" of "a/cells") carry no OME metadata (0.5: MUST NOT). */
  async intermediateGroups(path: string, json: string, name: string, format: 2 | 3): Promise<void> {
    const parts = name.split("/");
    for (let k = 1; k < parts.length; k++) {
      const between = join(path, parts.slice(0, k).join("/"));
      const node = await this.read(between);
      if (node?.kind !== "group") continue;
      const ns = format === 3 ? node.attributes.ome : node.attributes;
      if (isObject(ns) && detectKind(ns) !== "unknown") {
        const message = `the intermediate group "${between}" holds OME metadata; groups between "labels" and a label image MUST NOT`;
        if (format === 3) this.error(path, json, message, between);
        else this.warn(path, json, message.replace("MUST NOT", "should not"), between);
      }
    }
  }

  async plate(path: string, ns: JSONObject, format: 2 | 3): Promise<void> {
    const plate = ns.plate;
    if (!isObject(plate) || !Array.isArray(plate.wells)) return;
    const ids = Array.isArray(plate.acquisitions)
      ? plate.acquisitions.flatMap((a) => (isObject(a) && isInteger(a.id) ? [a.id] : []))
      : undefined;
    const info: PlateInfo = {
      acquisitionIds: ids,
      fieldCount: isInteger(plate.field_count) ? plate.field_count : undefined,
    };
    for (const [i, well] of plate.wells.entries()) {
      if (!isObject(well) || typeof well.path !== "string" || !isRelativePath(well.path)) continue;
      const json = childPath(childPath(childPath(childPath(this.base(format), "plate"), "wells"), i), "path");
      const target = join(path, well.path);
      const group = await this.group(path, json, target, "well");
      if (group) await this.visit(target, group, ["well"], undefined, info);
    }
  }

  async well(path: string, ns: JSONObject, format: 2 | 3, plate?: PlateInfo): Promise<void> {
    const well = ns.well;
    if (!isObject(well) || !Array.isArray(well.images)) return;
    const imagesPath = childPath(childPath(this.base(format), "well"), "images");
    if (plate?.fieldCount !== undefined && well.images.length > plate.fieldCount) {
      this.warn(
        path,
        imagesPath,
        `lists ${well.images.length} fields of view but the plate's field_count is ${plate.fieldCount}`,
      );
    }
    for (const [i, image] of well.images.entries()) {
      if (!isObject(image)) continue;
      const p = childPath(imagesPath, i);
      const ids = plate?.acquisitionIds;
      if (ids && ids.length > 1 && image.acquisition === undefined) {
        this.error(
          path,
          p,
          `has no "acquisition"; the plate has ${ids.length} acquisitions, so each field of view MUST name one`,
        );
      } else if (ids && isInteger(image.acquisition) && !ids.includes(image.acquisition)) {
        this.error(
          path,
          childPath(p, "acquisition"),
          `${image.acquisition} is not the id of an acquisition of the plate; it MUST be`,
        );
      }
      if (typeof image.path !== "string" || !isRelativePath(image.path)) continue;
      const target = join(path, image.path);
      const group = await this.group(path, childPath(p, "path"), target, "field of view");
      if (group) await this.visit(target, group, ["image"]);
    }
  }

  /** bioformats2raw: images listed by OME/series, or else in groups 0, 1, 2, ... (a plate takes precedence). */
  async bioformats2raw(path: string, ns: JSONObject, format: 2 | 3): Promise<void> {
    if ("series" in ns && !("bioformats2raw.layout" in ns)) return; // the OME group itself
    const omePath = join(path, "OME");
    const ome = await this.read(omePath);
    let series: unknown[] | undefined;
    if (ome?.kind === "array")
      this.error(path, "", `"OME" is an array; the bioformats2raw OME group MUST be a group`, omePath);
    if (ome?.kind === "broken") this.error(path, "", `"OME": ${ome.key} ${ome.reason}`, omePath);
    if (ome?.kind === "group") {
      const report = validateAttributes(ome.attributes, { version: this.versionOf(ome) });
      const omeNs = (ome.format === 3 ? ome.attributes.ome : ome.attributes) as JSONObject | undefined;
      if (isObject(omeNs) && "series" in omeNs) {
        for (const e of report.errors) this.error(omePath, e.path, e.message);
        for (const w of report.warnings) this.warn(omePath, w.path, w.message);
        series = Array.isArray(omeNs.series) ? omeNs.series : undefined;
      }
    }
    if (series) {
      const base = childPath(ome?.kind === "group" && ome.format === 3 ? "ome" : "", "series");
      for (const [i, entry] of series.entries()) {
        if (typeof entry !== "string" || !isRelativePath(entry)) continue;
        const target = join(path, entry);
        const group = await this.group(omePath, childPath(base, i), target, "series image");
        if (group) await this.visit(target, group, ["image"]);
      }
      return;
    }
    let i = 0;
    for (; ; i++) {
      const node = await this.read(join(path, String(i)));
      if (!node) break;
      if (node.kind !== "group") {
        this.error(
          path,
          "",
          `"${i}" is ${node.kind === "array" ? "an array" : "unreadable"}; bioformats2raw images MUST be groups`,
          String(i),
        );
        continue;
      }
      await this.visit(join(path, String(i)), node, ["image"]);
    }
    if (i === 0) {
      this.error(
        path,
        childPath(this.base(format), "bioformats2raw.layout"),
        `no image at "0"; without OME/series, bioformats2raw images MUST be stored in groups 0, 1, 2, ...`,
        "0",
      );
    }
  }
}

/**
 * Validates the OME-Zarr hierarchy at `path` in `store` (metadata only; no chunk is read).
 * Issue paths are `node#jsonPath` with nodes relative to `path` (plain JSON paths for the root).
 */
export async function validate(
  store: Store,
  path = "",
  options: HierarchyValidateOptions = {},
): Promise<HierarchyReport> {
  const root = normalizePath(path);
  const walker = new Walker(store, root, options);
  const node = await readNode(store, root);
  let version: OmeVersion | undefined;
  let kind: OmeKind = "unknown";
  if (!node) walker.error("", "", `no Zarr group at "${root || "/"}"`);
  else if (node.kind === "broken") walker.error("", "", `${node.key} ${node.reason}`);
  else if (node.kind === "array")
    walker.error("", "", `"${root || "/"}" is an array; OME-Zarr metadata is stored on groups`);
  else if (options.schemaOnly) {
    // the schemas judge one attributes document; references to other nodes are not followed
    const version = walker.versionOf(node);
    const report = validateAttributes(node.attributes, { version, schemaOnly: true, strict: options.strict });
    for (const e of report.errors) walker.error("", e.path, e.message);
    for (const w of report.warnings) walker.warn("", w.path, w.message);
    return { ...report, errors: walker.errors, warnings: walker.warnings };
  } else {
    const report = await walker.visit("", node);
    version = report.version;
    kind = report.kind;
  }
  return {
    valid: walker.errors.length === 0,
    version,
    kind,
    errors: walker.errors,
    warnings: walker.warnings,
  };
}
