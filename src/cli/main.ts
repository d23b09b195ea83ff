#!/usr/bin/env node
/**
 * The `zarrsmith` command line. Each command lives in `commands/`; this file wires flags,
 * errors and exit codes, and makes Ctrl-C stop cleanly.
 */
import { Command, CommanderError } from "commander";
import { registerDemo } from "./commands/demo.js";
import { EXIT, exitCodeFor, type GlobalOptions, reportError } from "./output.js";

const EXIT_HELP = `
Exit codes:
  0    success (validate: the data is valid)
  1    the work failed, or validate found errors
  2    usage error: bad flags or arguments, missing or unreadable input, output exists without --overwrite
  130  interrupted (Ctrl-C); temporary files are removed and the output can be resumed or removed`;

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
  registerDemo(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  process.on("SIGINT", () => {
    process.stderr.write("\nzarrsmith: interrupted\n");
    process.exitCode = EXIT.interrupted;
    // commands register cleanup on 'exit'; leave through it
    process.exit(EXIT.interrupted);
  });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0
        ? EXIT.ok
        : EXIT.usage;
    }
    reportError(e, globals());
    return exitCodeFor(e);
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
