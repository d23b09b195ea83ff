/**
 * `zarrsmith upgrade IN [OUT] --to 0.4|0.5` — moves an OME-Zarr hierarchy to another version by
 * rewriting metadata only (ome.upgrade): in place (a local directory; old documents backed up), or
 * into OUT (a directory or an .ozx file; chunks copied byte for byte). Validates the result.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { isOzxPath, LocalStore, OzxWriter, ome, openOzx, type Store } from "../../index.js";
import { CliError, EXIT, type GlobalOptions, printResult } from "../output.js";
import { oneOf } from "../parse.js";
import { openReadStore } from "../stores.js";

interface UpgradeFlags {
  to: string;
  backup: boolean;
  overwrite?: boolean;
}

/** The store to write OUT into: an .ozx file (finished on close) or a new local directory. */
async function openOutput(
  path: string,
  overwrite: boolean | undefined,
): Promise<Store & { close(): Promise<void>; abort?: () => Promise<void> }> {
  if (isOzxPath(path)) {
    if (existsSync(path) && !overwrite)
      throw new CliError(`output ${path} already exists; pass --overwrite to replace it`);
    return OzxWriter.create(path, { overwrite });
  }
  if (existsSync(path) && (!statSync(path).isDirectory() || readdirSync(path).length > 0))
    throw new CliError(`output ${path} already exists; give a new directory or an .ozx file`);
  const store = new LocalStore(path);
  return Object.assign(store, { close: async () => {} });
}

export function registerUpgrade(program: Command): void {
  program
    .command("upgrade")
    .description(
      "move an OME-Zarr image to another version by rewriting metadata only (chunks are kept): in place, or into OUT",
    )
    .argument("<input>", "OME-Zarr hierarchy (directory; with OUT also a .zip, an .ozx or a URL)")
    .argument("[output]", "write here instead of in place: a new directory or an .ozx file")
    .requiredOption("--to <version>", `target OME-Zarr version: ${ome.UPGRADE_VERSIONS.join(" | ")}`)
    .option("--no-backup", "in place: do not keep the old metadata documents under .zarrsmith-backup/")
    .option("--overwrite", "replace an existing .ozx OUT")
    .action(async (input: string, output: string | undefined, flags: UpgradeFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const to = oneOf("--to", flags.to, ome.UPGRADE_VERSIONS);
      let result: ome.UpgradeResult;
      let written: string;
      if (output === undefined) {
        if (/^https?:\/\//i.test(input) || !existsSync(input) || !statSync(input).isDirectory())
          throw new CliError(
            `${input}: upgrading in place needs a local directory; give an OUT (a directory or an .ozx) to write to`,
          );
        result = await ome.upgrade(new LocalStore(input), "", { to, backup: flags.backup });
        written = input;
      } else {
        if (resolve(output) === resolve(input))
          throw new CliError("OUT must differ from IN (leave OUT out to upgrade in place)");
        const source = await openReadStore(input);
        const out = await openOutput(output, flags.overwrite);
        try {
          result = await ome.upgrade(source, "", { to, out });
          await out.close();
        } catch (e) {
          await out.abort?.();
          throw e;
        } finally {
          await source.close?.();
        }
        written = output;
      }
      const check = isOzxPath(written) ? await openOzx(written) : new LocalStore(written);
      const report = await ome.validate(check, "").finally(() => check.close?.());
      const summary = {
        input,
        output: written,
        ...result,
        valid: report.valid,
        errors: report.errors,
        warnings: report.warnings,
      };
      printResult(globals, summary, () =>
        [
          `Upgraded ${input} from OME-Zarr ${result.from} to ${result.to}${output ? ` into ${output}` : " in place"}`,
          `  nodes    ${result.nodes} (${result.written.length} metadata documents written${result.removed.length ? `, ${result.removed.length} old ones removed` : ""})`,
          output
            ? `  copied   ${result.copied} objects byte for byte`
            : "  chunks   untouched (none read or written)",
          ...(result.backup ? [`  backup   ${result.backup}`] : []),
          `  valid    ${report.valid ? "yes" : `NO: ${report.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`}`,
        ].join("\n"),
      );
      process.exitCode = report.valid ? EXIT.ok : EXIT.failed;
    });
}
