/**
 * `zarrsmith validate PATH` — every Zarr metadata and OME-Zarr rule (ome.validate), all errors and
 * warnings with their paths; with --data also every stored chunk (each is read and decoded).
 * Exit 0 valid, 1 invalid, 2 missing path / not a Zarr store / unparseable metadata.
 */
import type { Command } from "commander";
import {
  checkChunks,
  NotFoundError,
  ome,
  open,
  SpecError,
  type Store,
  ZarrArray,
  ZarrsmithError,
} from "../../index.js";
import { interruptSignal } from "../interrupt.js";
import { CliError, EXIT, type GlobalOptions, oneLine, printResult } from "../output.js";
import { createProgress } from "../progress.js";
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
  /** With --data: the stored chunks read and decoded, and those that failed (their errors are in `errors`). */
  chunks?: { arrays: number; checked: number; corrupt: number };
  /** With --viewers: per-viewer compatibility notes for the image (ome.viewerNotes). */
  viewers?: ome.ViewerNote[];
}

/** Reading the node failed before any rule could be checked: nothing there, or metadata that is not JSON. */
function unreadable(e: unknown, path: string): CliError | undefined {
  if (e instanceof NotFoundError) {
    return new CliError(`${path} is not a Zarr store: no zarr.json, .zarray or .zgroup at its root`);
  }
  if (e instanceof ZarrsmithError && e.cause instanceof SyntaxError) {
    return new CliError(`${path}: unreadable metadata: ${e.message}`);
  }
  return undefined;
}

/** Validates what is at the root of `store`: a plain array's metadata, or a group's OME-Zarr hierarchy. */
export async function validateStore(
  store: Store,
  path: string,
  options: { schemaOnly?: boolean } = {},
): Promise<ValidationResult> {
  let node: Awaited<ReturnType<typeof open>>;
  try {
    node = await open(store, "");
  } catch (e) {
    const usage = unreadable(e, path);
    if (usage) throw usage;
    // metadata that breaks a rule is a finding, not an I/O error
    if (!(e instanceof SpecError || (e instanceof ZarrsmithError && e.code !== "io"))) throw e;
    const issues = e instanceof SpecError ? e.issues : [{ path: "", message: oneLine(e) }];
    return { path, valid: false, kind: "unknown", errors: issues, warnings: [] };
  }
  if (node instanceof ZarrArray) {
    return { path, valid: true, kind: "array", zarrFormat: node.zarrFormat, errors: [], warnings: [] };
  }
  const report = await ome.validate(store, "", { schemaOnly: options.schemaOnly });
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

/** The human lines of viewer notes (validate --viewers, info). */
export function formatViewerNotes(notes: ome.ViewerNote[]): string[] {
  if (notes.length === 0)
    return ["  viewers: no known incompatibility (Viv/vizarr, itk-vtk-viewer, ome-zarr-py/napari)"];
  return ["  viewers:", ...notes.map((n) => `    ${n.viewers.join("/")}: ${n.message} [${n.source}]`)];
}

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description(
      "check the Zarr metadata and every OME-Zarr rule (metadata only; --data also reads every chunk); exit 0 valid, 1 invalid, 2 missing/not Zarr/unreadable",
    )
    .argument("<path>", "Zarr store or OME-Zarr image (directory, .zip or URL)")
    .option("--data", "also read and decode every stored chunk, reporting truncated or corrupt ones by key")
    .option(
      "--schema-only",
      "give the verdict of the official OME-NGFF JSON schemas and their test suites for the root group's document, instead of every MUST rule of the specification text",
    )
    .option(
      "--viewers",
      "add per-viewer compatibility notes for the image (Viv/vizarr, itk-vtk-viewer, ome-zarr-py/napari)",
    )
    .action(
      async (
        path: string,
        opts: { data?: boolean; schemaOnly?: boolean; viewers?: boolean },
        cmd: Command,
      ) => {
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const store = await openReadStore(path);
        const result = await validateStore(store, path, { schemaOnly: opts.schemaOnly });
        if (opts.data && result.kind !== "unknown") {
          const progress = createProgress(globals);
          try {
            const data = await checkChunks(store, {
              signal: interruptSignal,
              onProgress: (done, total) => progress.update("chunks", done, total),
            });
            result.chunks = { arrays: data.arrays, checked: data.checked, corrupt: data.errors.length };
            result.errors.push(...data.errors);
            if (data.errors.length > 0) result.valid = false;
          } finally {
            progress.stop();
          }
        }
        if (opts.viewers && result.kind === "image") result.viewers = await ome.viewerNotes(store, "");
        const list = (label: string, items: Finding[]) =>
          items.map((i) => `  ${label} ${i.path || "(root)"}: ${i.message}`);
        printResult(globals, result, () =>
          [
            `${path}: ${result.valid ? "valid" : "INVALID"} ${result.kind === "array" ? `Zarr v${result.zarrFormat} array` : `OME-Zarr ${result.version ?? "?"} ${result.kind}`} (${result.errors.length} errors, ${result.warnings.length} warnings)`,
            ...(result.chunks
              ? [
                  `  data: ${result.chunks.checked} chunks of ${result.chunks.arrays} arrays read, ${result.chunks.corrupt} corrupt`,
                ]
              : []),
            ...list("error  ", result.errors),
            ...list("warning", result.warnings),
            ...(result.viewers ? formatViewerNotes(result.viewers) : []),
          ].join("\n"),
        );
        process.exitCode = result.valid ? EXIT.ok : EXIT.failed;
      },
    );
}
