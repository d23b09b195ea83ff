/**
 * `zarrsmith view TARGET` — serve a local folder, .zip/.ozx or http(s) URL read-only on 127.0.0.1
 * and open it in the bundled Neuroglancer (or `--viewer slices`); `--png OUT.png` screenshots the
 * page in headless Chromium instead. The command parses flags and calls src/view.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { screenshotView, serveView, VIEWERS, type ViewerName } from "../../index.js";
import { interruptSignal } from "../interrupt.js";
import { CliError, type GlobalOptions, printResult } from "../output.js";
import { parseInteger } from "../parse.js";
import { openReadStore } from "../stores.js";

interface ViewOptions {
  port?: string;
  open: boolean;
  viewer: ViewerName;
  png?: string;
  size: string;
}

/** Opens `url` in the default browser; having none is not an error (the URL is printed anyway). */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(cmd, args, { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no opener: the printed URL is enough
  }
}

export function registerView(program: Command): void {
  program
    .command("view")
    .description("look at an OME-Zarr image or Zarr array in a bundled viewer (read-only local server)")
    .argument("<target>", "OME-Zarr / Zarr folder, .zip or .ozx file, or http(s) URL")
    .option("--port <n>", "port on 127.0.0.1 (default: a free one)")
    .option("--no-open", "do not open the default browser")
    .addOption(
      new Option("--viewer <name>", "neuroglancer (WebGL) or slices (light 2-D page)")
        .choices([...VIEWERS])
        .default("neuroglancer"),
    )
    .option("--png <file>", "screenshot the page in headless Chromium to this PNG, then stop")
    .option("--size <WxH>", "viewport for --png", "1024x768")
    .addHelpText(
      "after",
      `
Examples:
  zarrsmith view heart.ome.zarr
  zarrsmith view https://example.org/image.ome.zarr --viewer slices
  zarrsmith view heart.ome.zarr --png heart.png`,
    )
    .action(async (target: string, opts: ViewOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const port = opts.port === undefined ? undefined : parseInteger("--port", opts.port, 0, 65535);
      const size = /^(\d+)x(\d+)$/.exec(opts.size);
      if (!size) throw new CliError(`--size must be WIDTHxHEIGHT, e.g. 1024x768, got "${opts.size}"`);
      const viewport = { width: Number(size[1]), height: Number(size[2]) };
      const store = await openReadStore(target);
      if (opts.png) {
        const out = resolve(opts.png);
        const shot = await screenshotView(store, { viewer: opts.viewer, port, viewport });
        writeFileSync(out, shot.png);
        printResult(
          globals,
          {
            output: out,
            viewer: opts.viewer,
            seconds: shot.seconds,
            consoleErrors: shot.consoleErrors,
            failedRequests: shot.failedRequests,
          },
          () =>
            [
              `Wrote ${out} (${opts.viewer}, ${viewport.width}x${viewport.height}, ${shot.seconds.toFixed(1)} s)`,
              ...shot.consoleErrors.map((e) => `  console error: ${e}`),
              ...shot.failedRequests.map((e) => `  failed request: ${e}`),
            ].join("\n"),
        );
        return;
      }
      const view = await serveView(store, { viewer: opts.viewer, port, viewport });
      printResult(
        globals,
        { url: view.server.url, viewer: opts.viewer, data: `${view.server.origin}/data/` },
        () =>
          [
            `Serving ${target} read-only at ${view.server.origin}/data/`,
            `Open ${view.server.url} (${opts.viewer}); Ctrl-C stops.`,
          ].join("\n"),
      );
      if (opts.open) openInBrowser(view.server.url);
      await new Promise<void>((done) => {
        if (interruptSignal.aborted) done();
        else interruptSignal.addEventListener("abort", () => done(), { once: true });
      });
      await view.close();
      await (store as { close?: () => Promise<void> }).close?.();
    });
}
