/**
 * `view`: serve a Zarr / OME-Zarr store read-only on 127.0.0.1 with a bundled viewer page
 * (Neuroglancer, or the light 2-D slices page), and optionally screenshot it in headless Chromium.
 */
import type { Store } from "../store/types.js";
import { launchBrowser, READY, type Shot } from "./browser.js";
import { neuroglancerFragment, neuroglancerState } from "./neuroglancer.js";
import { type ViewerName, viewerDir } from "./pages.js";
import { startViewServer, type ViewServer } from "./server.js";
import { describeTarget, type ViewImage } from "./target.js";

export { type Browser, launchBrowser, READY, type Shot } from "./browser.js";
export { neuroglancerState } from "./neuroglancer.js";
export { VIEWERS, type ViewerName, viewerDir } from "./pages.js";
export { keyOfPath, parseRange, startViewServer, type ViewServer } from "./server.js";
export { describeTarget, type ViewImage } from "./target.js";

export interface ViewOptions {
  viewer?: ViewerName;
  port?: number;
  /** Viewport the Neuroglancer state is zoomed for (and the screenshot size). */
  viewport?: { width: number; height: number };
  layout?: "xy" | "4panel";
}

export interface View {
  server: ViewServer;
  image: ViewImage;
  /** The page URL (the server's home redirects there too). */
  url: string;
  state?: Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts the server for `store` with the chosen viewer page. */
export async function serveView(store: Store, options: ViewOptions = {}): Promise<View> {
  const viewer = options.viewer ?? "neuroglancer";
  const dir = viewerDir(viewer);
  if (!dir) throw new Error(`the ${viewer} page is not built (dist/viewer/${viewer}); run npm run build`);
  const image = await describeTarget(store);
  const stateFor = (origin: string) =>
    neuroglancerState(image, {
      dataUrl: `${origin}/data/`,
      layout: options.layout,
      viewport: options.viewport,
    });
  const pageFor = (origin: string) =>
    viewer === "slices" ? "/slices/" : `/neuroglancer/${neuroglancerFragment(stateFor(origin))}`;
  const server = await startViewServer({
    store,
    port: options.port,
    sites: { [viewer]: dir },
    home: pageFor,
    documents: { "target.json": () => image, "state.json": stateFor },
  });
  return {
    server,
    image,
    url: `${server.origin}${pageFor(server.origin)}`,
    state: viewer === "neuroglancer" ? stateFor(server.origin) : undefined,
    close: () => server.close(),
  };
}

/** Serves `store`, screenshots the viewer page in headless Chromium, and stops. */
export async function screenshotView(
  store: Store,
  options: ViewOptions = {},
): Promise<Shot & { view: View }> {
  const viewport = options.viewport ?? { width: 1024, height: 768 };
  const view = await serveView(store, { layout: "xy", ...options, viewport });
  try {
    const browser = await launchBrowser();
    try {
      const shot = await browser.shoot(view.url, {
        viewport,
        ready: READY[options.viewer ?? "neuroglancer"],
      });
      return { ...shot, view };
    } finally {
      await browser.close();
    }
  } finally {
    await view.close();
  }
}
