/**
 * `zarrsmith validate PATH` — every Zarr metadata and OME-Zarr rule (ome.validate), all errors and
 * warnings with their paths. Exit 0 valid, 1 invalid, 2 missing path / unreadable store.
 */
import type { Command } from "commander";
import { ZarrArray } from "../../array/zarr-array.js";
import { SpecError, ZarrsmithError } from "../../errors.js";
import { open } from "../../hierarchy/open.js";
import { validate } from "../../ome/index.js";
import type { Store } from "../../store/types.js";
import { EXIT, type GlobalOptions, oneLine, printResult } from "../output.js";
import { openReadStore } from "../stores.js";

interface Finding {
  path: string;
  message: string;
}

export interface ValidationResult {
  path: string;
  valid: boolean;
  /** "array" for a plain Zarr array, else the OME kind (image, labels, plate, ...; "unknown" for none). */
  kind: string;
  version?: string;
  zarrFormat?: 2 | 3;
  errors: Finding[];
  warnings: Finding[];
}

/** Validates what is at the root of `store`: a plain array's metadata, or a group's OME-Zarr hierarchy. */
export async function validateStore(store: Store, path: string): Promise<ValidationResult> {
  let node: Awaited<ReturnType<typeof open>>;
  try {
    node = await open(store, "");
  } catch (e) {
    // broken metadata is a finding, not an I/O error
    if (!(e instanceof SpecError || (e instanceof ZarrsmithError && e.code !== "io"))) throw e;
    const issues = e instanceof SpecError ? e.issues : [{ path: "", message: oneLine(e) }];
    return { path, valid: false, kind: "unknown", errors: issues, warnings: [] };
  }
  if (node instanceof ZarrArray) {
    return { path, valid: true, kind: "array", zarrFormat: node.zarrFormat, errors: [], warnings: [] };
  }
  const report = await validate(store, "");
  return {
    path,
    valid: report.valid,
    kind: report.kind,
    version: report.version,
    zarrFormat: node.zarrFormat,
    errors: report.errors.map(({ path: p, message }) => ({ path: p, message })),
    warnings: report.warnings.map(({ path: p, message }) => ({ path: p, message })),
  };
}

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check Zarr metadata and every OME-Zarr rule; exit 0 valid, 1 invalid, 2 missing/unreadable")
    .argument("<path>", "Zarr store or OME-Zarr image (directory, .zip or URL)")
    .action(async (path: string, _opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const store = await openReadStore(path);
      const result = await validateStore(store, path);
      const list = (label: string, items: Finding[]) =>
        items.map((i) => `  ${label} ${i.path || "(root)"}: ${i.message}`);
      printResult(globals, result, () =>
        [
          `${path}: ${result.valid ? "valid" : "INVALID"} ${result.kind === "array" ? `Zarr v${result.zarrFormat} array` : `OME-Zarr ${result.version ?? "?"} ${result.kind}`} (${result.errors.length} errors, ${result.warnings.length} warnings)`,
          ...list("error  ", result.errors),
          ...list("warning", result.warnings),
        ].join("\n"),
      );
      process.exitCode = result.valid ? EXIT.ok : EXIT.failed;
    });
}
