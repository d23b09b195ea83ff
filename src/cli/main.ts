#!/usr/bin/env node
/**
 * The `zarrsmith` command line. Each command lives in `commands/`; this file wires flags,
 * errors and exit codes, and makes Ctrl-C stop cleanly.
 */
import { Command, CommanderError } from "commander";
import { registerConvert } from "./commands/convert.js";
import { registerDemo } from "./commands/demo.js";
import { registerInfo } from "./commands/info.js";
import { registerSlice } from "./commands/slice.js";
import { registerSpec } from "./commands/spec.js";
import { registerSubmit } from "./commands/submit.js";
import { registerTaskCommands } from "./commands/tasks.js";
import { registerUpgrade } from "./commands/upgrade.js";
import { registerValidate } from "./commands/validate.js";
import { registerView } from "./commands/view.js";
import { registerWorker } from "./commands/worker.js";
import { installInterruptHandler } from "./interrupt.js";
import { EXIT, exitCodeFor, type GlobalOptions, printJSONError, reportError } from "./output.js";
import { registerS3Flags } from "./s3-flags.js";

const EXIT_HELP = `
Exit codes:
  0    success (validate: the data is valid)
  1    the work failed (e.g. a recognised but corrupt input), or validate found errors
  2    usage error: bad flags or arguments, a missing input, an unsupported or unreadable input
       format, an output that exists without --overwrite
  130  interrupted (Ctrl-C): writes in flight finish, temporary files are removed; re-run the same
       command to resume (a second Ctrl-C quits at once)`;

export function buildProgram(): Command {
  const program = new Command()
    .name("zarrsmith")
    .description(
      "Create chunked Zarr arrays and OME-Zarr images (with multiscale pyramids) for big bio-imaging data.",
    )
    .version(process.env.npm_package_version ?? "0.1.0", "-V, --version")
    .option("--json", "print one machine-readable JSON result on stdout")
    .option("-q, --quiet", "print nothing but the result (no progress)")
    .option("--debug", "print stack traces with errors")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_HELP)
    .exitOverride();
  registerS3Flags(program);
  registerDemo(program);
  registerConvert(program);
  registerInfo(program);
  registerValidate(program);
  registerSlice(program);
  registerSpec(program);
  registerUpgrade(program);
  registerTaskCommands(program);
  registerView(program);
  registerSubmit(program);
  registerWorker(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  installInterruptHandler();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) {
        return EXIT.ok;
      }
      // commander printed the message already; --json still gets its document on stdout
      if (argv.includes("--json")) printJSONError(e, EXIT.usage);
      return EXIT.usage;
    }
    reportError(e, globals());
    return exitCodeFor(e);
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
