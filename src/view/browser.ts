/**
 * Headless Chromium for `view --png` and the viewer tests, driven by playwright-core (no browser
 * download: it uses an installed Chromium, Debian's /usr/bin/chromium by default). One browser,
 * many pages: each `shoot` opens a page, waits until the viewer reports that it has drawn what it
 * shows (not a fixed time: WebGL runs on SwiftShader here, slow but correct), and takes a screenshot,
 * recording console errors, failed requests and HTTP errors on the way.
 */
import { existsSync } from "node:fs";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium to use: $ZARRSMITH_CHROMIUM, else the first installed of the usual paths. */
export function chromiumPath(): string | undefined {
  const candidates = [
    process.env.ZARRSMITH_CHROMIUM,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  return candidates.find((p): p is string => typeof p === "string" && p !== "" && existsSync(p));
}

export interface Shot {
  png: Uint8Array;
  /** Console errors, each with the URL it is about in brackets. */
  consoleErrors: string[];
  /** Requests that failed at the network level, or answered with HTTP >= 400. */
  failedRequests: string[];
  requests: string[];
  /** Requests the page itself cancelled. */
  aborted: string[];
  seconds: number;
  /** What `measure` returned (evaluated after `ready`). */
  measured?: unknown;
}

export interface ShootOptions {
  viewport?: { width: number; height: number };
  /** A page function returning true once the page has drawn its content. */
  ready: string;
  timeoutMs?: number;
  /** A page expression evaluated once ready; its (JSON) value is returned as `measured`. */
  measure?: string;
}

export interface Browser {
  shoot(url: string, options: ShootOptions): Promise<Shot>;
  close(): Promise<void>;
}

/** Launches headless Chromium (fresh temporary profile, no network beyond the page's own server). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error(
      "no Chromium found: install one (Debian: apt-get install chromium) or set ZARRSMITH_CHROMIUM to its path",
    );
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  return {
    async shoot(url, options) {
      const started = performance.now();
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1024, height: 768 } });
      const consoleErrors: string[] = [];
      const failedRequests: string[] = [];
      const requests: string[] = [];
      const aborted: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(`${m.text()} [${m.location().url}]`);
      });
      page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
      page.on("request", (r) => requests.push(r.url()));
      page.on("requestfailed", (r) => {
        const why = r.failure()?.errorText ?? "failed";
        // the page cancelled it (Neuroglancer drops chunk requests it no longer needs): not a failure
        if (why === "net::ERR_ABORTED") aborted.push(r.url());
        else failedRequests.push(`${r.url()} (${why})`);
      });
      page.on("response", (r) => {
        if (r.status() >= 400) failedRequests.push(`${r.url()} (HTTP ${r.status()})`);
      });
      try {
        await page.goto(url);
        await page.waitForFunction(options.ready, undefined, {
          timeout: options.timeoutMs ?? 120_000,
          polling: 250,
        });
        const png = await page.screenshot({ type: "png" });
        const measured = options.measure ? await page.evaluate(options.measure) : undefined;
        return {
          measured,
          png: new Uint8Array(png),
          consoleErrors,
          failedRequests,
          requests,
          aborted,
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}

/**
 * Page conditions. Neuroglancer: `viewer.isReady()` (every visible chunk is loaded and drawn) holding
 * on two polls in a row, as its own screenshot tool waits. Slices page: it marks the drawn plane.
 */
export const READY: Record<"neuroglancer" | "slices", string> = {
  neuroglancer: `(() => {
    const v = window.viewer;
    if (!v || v.layerManager.managedLayers.length === 0 || !v.isReady()) { window.__zsReady = 0; return false; }
    window.__zsReady = (window.__zsReady || 0) + 1;
    return window.__zsReady >= 3;
  })()`,
  slices: "document.body.dataset.drawn !== undefined",
};
