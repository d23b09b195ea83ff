/** What every OME builder shares: the version envelope, validation on construction, writing a group. */
import { type Issue, SpecError } from "../../errors.js";
import type { Store } from "../../store/types.js";
import { cloneJSON, type JSONObject } from "../common/json.js";
import type { SchemaName } from "../validate/attributes.js";
import { validateAttributes } from "../validate/attributes.js";
import type { OmeVersion } from "../validate/report.js";
import {
  type AnyGroupSpec,
  buildGroupSpec,
  type CreateOptions,
  type Group,
  writeGroup,
} from "../zarr-adapter.js";

/** The attributes document for an OME namespace: 0.4 puts the keys at the top, 0.5 and 0.6 under `ome` with the version. */
export function envelope(version: OmeVersion, ns: JSONObject): JSONObject {
  return version === "0.4" ? ns : { ome: { version, ...ns } };
}

/** The OME namespace of an attributes document of the given version. */
export function namespaceOf(version: OmeVersion, attributes: JSONObject): JSONObject {
  return version === "0.4" ? attributes : ((attributes.ome ?? {}) as JSONObject);
}

export function formatOf(version: OmeVersion): 2 | 3 {
  return version === "0.4" ? 2 : 3;
}

/**
 * Validates generated attributes; throws one SpecError listing the input issues and every broken
 * rule, or returns the warnings (SHOULD rules, e.g. a unit written "um").
 */
export function checkGenerated(
  version: OmeVersion,
  attributes: JSONObject,
  what: string,
  inputIssues: Issue[],
  schema?: SchemaName,
): Issue[] {
  const report = validateAttributes(attributes, { version, schema });
  const errors = [...inputIssues, ...report.errors];
  if (errors.length > 0) throw new SpecError(`OME-Zarr ${version} ${what}`, errors);
  return report.warnings;
}

/** A group described by OME metadata, with optional members below it. */
export abstract class OmeGroup<A extends JSONObject> {
  readonly version: OmeVersion;
  /** The attributes document (0.4: `.zattrs`; 0.5, 0.6: `zarr.json` attributes), typed. */
  readonly attributes: A;
  /** Broken SHOULD rules found when the metadata was built or read. */
  readonly warnings: Issue[];

  protected constructor(version: OmeVersion, attributes: A, warnings: Issue[]) {
    this.version = version;
    this.attributes = attributes;
    this.warnings = warnings;
  }

  /** The attributes document as JSON (a copy). */
  toJSON(): A {
    return cloneJSON(this.attributes);
  }

  /** The group and its members as a Zarr group spec (loads the Zarr layer). */
  toGroupSpec(): Promise<AnyGroupSpec> {
    return buildGroupSpec(formatOf(this.version), this.toJSON(), {}, {});
  }

  /** Writes the group (and members, without chunks) at `path`; returns the opened group. Existing nodes need `overwrite`. */
  async toZarr(store: Store, path = "", options: CreateOptions = {}): Promise<Group> {
    return writeGroup(await this.toGroupSpec(), store, path, options);
  }
}
