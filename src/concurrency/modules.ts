/**
 * Modules whose functions `WorkerPool.call` runs. A module is named by an absolute URL (imported as
 * is) or by one of the names below. Names exist for bundles: a bundler cannot follow a URL computed
 * at run time (inside a bundle `import.meta.url` is the bundle's own address), but it does follow
 * these static imports, in the page and in the worker bundle alike.
 */
type Module = Record<string, unknown>;

const NAMED: Record<string, () => Promise<Module>> = {
  "zarrsmith:pyramid/block": () => import("../pyramid/block.js") as Promise<Module>,
};

export function loadModule(id: string): Promise<Module> {
  const named = NAMED[id];
  // a URL known only at run time: tell bundlers not to try to resolve it
  return named ? named() : (import(/* webpackIgnore: true */ /* @vite-ignore */ id) as Promise<Module>);
}

/** The function `fn` of module `id`, called with `args`. */
export async function callExport(id: string, fn: string, args: unknown[]): Promise<unknown> {
  const f = (await loadModule(id))[fn];
  if (typeof f !== "function") throw new Error(`${id} has no function ${fn}`);
  return f(...args);
}
