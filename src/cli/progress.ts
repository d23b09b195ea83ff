/**
 * Progress on stderr: cli-progress bars (one per task, with rate and ETA) on a terminal, a plain
 * line every 10% when stderr is not a TTY (logs, CI), nothing with -q or --json.
 */
import cliProgress from "cli-progress";
import type { GlobalOptions } from "./output.js";

export interface ProgressReporter {
  /** Reports `done` of `total` units for the task named `label` (created on first report). */
  update(label: string, done: number, total: number): void;
  stop(): void;
}

export function createProgress(options: GlobalOptions, unit = "chunks"): ProgressReporter {
  if (options.quiet || options.json) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    const lastDecile = new Map<string, number>();
    return {
      update(label, done, total) {
        const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
        if (lastDecile.get(label) === decile) return;
        lastDecile.set(label, decile);
        process.stderr.write(`${label}: ${done}/${total} ${unit} (${decile * 10}%)\n`);
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: `{label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; start: number }>();
  return {
    update(label, done, total) {
      let entry = bars.get(label);
      if (!entry) {
        entry = { bar: multi.create(total, 0, { label, rate: "0" }), start: performance.now() };
        bars.set(label, entry);
      }
      const seconds = (performance.now() - entry.start) / 1000;
      entry.bar.setTotal(total);
      entry.bar.update(done, { label, rate: seconds > 0 ? (done / seconds).toFixed(1) : "0" });
    },
    stop() {
      multi.stop();
    },
  };
}
