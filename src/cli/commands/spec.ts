/**
 * `zarrsmith spec PATH` prints the spec (pydantic-zarr style JSON) of an array or a whole group;
 * `zarrsmith create SPEC.json OUTPUT` creates it, empty. The two round-trip: an OME-Zarr image's
 * spec is a group spec whose attributes hold the multiscales, so `create` makes its skeleton.
 */
import { readFileSync, rmSync } from "node:fs";
import type { Command } from "commander";
import { ome, open, type Store, stringifyJSON, v2, v3, ZarrArray } from "../../index.js";
import { claimS3Output, isS3URL, openOutputStore, outputLocation } from "../locations.js";
import { CliError, type GlobalOptions, printResult } from "../output.js";
import { openReadStore } from "../stores.js";
import { commitOutput, prepareOutput } from "../write-output.js";

/** The spec JSON of the node at the root of `store`. */
export async function specOf(store: Store): Promise<unknown> {
  const node = await open(store, "", { consolidated: false });
  if (node instanceof ZarrArray) return node.spec.toJSON();
  return (
    node.zarrFormat === 2 ? await v2.GroupSpec.fromZarr(node) : await v3.GroupSpec.fromZarr(node)
  ).toJSON();
}

/** Parses a spec document: an array (v2 .zarray-like or v3 zarr.json-like) or a group with members. */
export function parseSpec(doc: unknown): v2.ArraySpec | v3.ArraySpec | v2.GroupSpec | v3.GroupSpec {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new CliError("the spec must be a JSON object (an array or group spec)");
  }
  const d = doc as Record<string, unknown>;
  const isV3 = d.zarr_format === 3 || d.node_type !== undefined || "data_type" in d;
  const isArray = "shape" in d || d.node_type === "array";
  if (isArray) return isV3 ? v3.ArraySpec.parse(d) : v2.ArraySpec.parse(d);
  return isV3 ? v3.GroupSpec.parse(d) : v2.GroupSpec.parse(d);
}

export function registerSpec(program: Command): void {
  program
    .command("spec")
    .description("print the spec JSON of an array or group (with all members); `create` accepts it back")
    .argument("<path>", "Zarr store (directory, .zip or URL)")
    .action(async (path: string) => {
      const store = await openReadStore(path);
      process.stdout.write(`${stringifyJSON(await specOf(store), 2)}\n`);
    });

  program
    .command("create")
    .description(
      "create an empty array, a group with its members, or an OME-Zarr image skeleton from a spec file",
    )
    .argument("<spec>", "spec JSON file (as printed by `zarrsmith spec`; '-' for stdin)")
    .argument("<output>", "output directory")
    .option("--overwrite", "replace an existing output")
    .addHelpText(
      "after",
      `
Spec forms:
  array (Zarr v2)  {"shape": [512,512], "chunks": [256,256], "dtype": "<u2", "compressor": {"id": "zstd", "level": 5}}
  array (Zarr v3)  {"zarr_format": 3, "node_type": "array", "shape": [...], "data_type": "uint16", ...}
  group            {"zarr_format": 2, "attributes": {...}, "members": {"0": {array spec}, "labels": {group spec}}}
  OME-Zarr image   a group spec whose attributes hold "multiscales" (0.4) or "ome" (0.5), e.g. from \`zarrsmith spec image.ome.zarr\``,
    )
    .action(async (specPath: string, output: string, opts: { overwrite?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      let text: string;
      try {
        text = readFileSync(specPath === "-" ? 0 : specPath, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT")
          throw new CliError(`spec ${specPath}: no such file`);
        throw e;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        throw new CliError(`spec ${specPath} is not valid JSON: ${(e as Error).message}`);
      }
      const spec = parseSpec(doc);
      const path = outputLocation(output);
      let store: Store;
      if (isS3URL(path)) {
        const bucket = openOutputStore(path);
        if ((await claimS3Output(path, opts.overwrite)) === "replace") await bucket.deletePrefix("");
        await spec.toZarr(bucket, "");
        store = bucket;
      } else {
        // --overwrite builds the new node aside and swaps it in, like convert
        const target = await prepareOutput(path, opts.overwrite);
        if (target.replaces) rmSync(target.dir, { recursive: true, force: true });
        await spec.toZarr(openOutputStore(target.dir), "");
        const warning = commitOutput(target);
        if (warning) process.stderr.write(`zarrsmith: warning: ${warning}\n`);
        store = openOutputStore(path);
      }
      const isArray = spec instanceof v2.ArraySpec || spec instanceof v3.ArraySpec;
      const isImage = !isArray && ome.omeImage(spec.attributes as Record<string, unknown>) !== undefined;
      const report = isImage ? await ome.validate(store, "") : undefined;
      const result = {
        output: path,
        kind: isArray ? "array" : "group",
        zarrFormat: spec.zarr_format,
        members: isArray ? undefined : Object.keys(spec.toFlat()).filter((k) => k !== "").length,
        ome: report && {
          valid: report.valid,
          version: report.version,
          kind: report.kind,
          errors: report.errors,
        },
      };
      printResult(
        globals,
        result,
        () =>
          `Created ${isArray ? "an empty" : "a"} Zarr v${spec.zarr_format} ${result.kind} at ${path}${result.members !== undefined ? ` with ${result.members} members` : ""}${report ? `; OME-Zarr ${report.version} ${report.kind}: ${report.valid ? "valid" : `INVALID (${report.errors.length} errors)`}` : ""}`,
      );
      if (report && !report.valid) process.exitCode = 1;
    });
}
