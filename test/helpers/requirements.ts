/**
 * What a test needs from outside the repository, and the one-line skip message when it is missing.
 *
 *   test("reads in zarr-python", { skip: needs(pythonModules("zarr")) }, ...)
 *   describe("corpus", { skip: needs(shared("conformance/zarr")) }, ...)
 *
 * `needs(...)` is `false` when everything is there, else one line such as
 * "needs python3-nibabel: apt-get install python3-nibabel". Checks never throw, so no `before` hook
 * fails and cancels a file on a fresh clone. In CI (`.ci/run` installs everything) a skip fails the
 * run: see scripts/run-tests.mjs. Keep the install hints in the words `.ci/run` uses.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { PYTHON } from "./python.js";

/** The project root (this file is test/helpers/requirements.ts). */
const ROOT = resolve(import.meta.dirname, "..", "..");

/** The shared material (conformance corpus, heart sample): `../shared` beside the project root. */
export const SHARED = resolve(ROOT, "..", "shared");

/**
 * The textbook's heart sample: `$ZARRSMITH_HEART` (relative paths from the current directory), else
 * `../shared/data/hoa_heart.zarr` beside the project root.
 */
export const HEART = process.env.ZARRSMITH_HEART
  ? resolve(process.env.ZARRSMITH_HEART)
  : join(SHARED, "data", "hoa_heart.zarr");

/** One thing a test needs: `what` names it, `how` says how to get it; `present` is checked lazily. */
export interface Requirement {
  what: string;
  how: string;
  present(): boolean;
}

/** A file or folder of ../shared, e.g. `shared("conformance/zarr")`. */
export function shared(sub = "conformance"): Requirement {
  const top = sub.split("/")[0];
  const kind =
    top === "conformance"
      ? "the shared conformance corpus"
      : top === "data"
        ? "the shared sample data"
        : "shared material";
  return {
    what: `../shared/${sub}`,
    how: `${kind}, in ${SHARED} beside the project root`,
    present: () => existsSync(join(SHARED, sub)),
  };
}

/** The textbook heart sample (see HEART). */
export function heart(): Requirement {
  return {
    what: process.env.ZARRSMITH_HEART ? `the heart sample at ${HEART}` : "../shared/data/hoa_heart.zarr",
    how:
      "the textbook's heart sample, book/data/hoa_heart.zarr in github.com/ome-zarr-models/ome-zarr-book; " +
      "or set ZARRSMITH_HEART to its path",
    present: () => existsSync(HEART),
  };
}

/** Debian's package for each Python module the tests use (`.ci/run` installs exactly these). */
const DEBIAN: Record<string, string> = {
  numpy: "python3-numpy",
  zarr: "python3-zarr",
  numcodecs: "python3-numcodecs",
  tifffile: "python3-tifffile",
  nibabel: "python3-nibabel",
  scipy: "python3-scipy",
  dask: "python3-dask",
};

let found: Record<string, boolean> | undefined;

/** Which of the known modules $PYTHON can import (one interpreter start per test process). */
function pythonModulesFound(): Record<string, boolean> {
  if (found) return found;
  const names = Object.keys(DEBIAN);
  // find_spec locates a module without importing it: a few milliseconds instead of a second.
  const code = `import importlib.util, json; print(json.dumps({m: importlib.util.find_spec(m) is not None for m in ${JSON.stringify(names)}}))`;
  const r = spawnSync(PYTHON, ["-c", code], { encoding: "utf8" });
  let result: Record<string, boolean> = {};
  try {
    if (r.status === 0) result = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
  } catch {
    // an interpreter that prints something else counts as having none of them
  }
  found = result;
  return result;
}

/** Python itself ($ZARRSMITH_PYTHON, default /usr/bin/python3). */
export function python3(): Requirement {
  return {
    what: `python3 (${PYTHON})`,
    how: "apt-get install python3, or set ZARRSMITH_PYTHON",
    present: () => existsSync(PYTHON) && spawnSync(PYTHON, ["-c", ""]).status === 0,
  };
}

/** Python modules by import name, e.g. `pythonModules("zarr", "numcodecs")`; numpy is implied. */
export function pythonModules(...modules: string[]): Requirement[] {
  const all = [...new Set(["numpy", ...modules])];
  for (const m of all) if (!DEBIAN[m]) throw new Error(`requirements.ts: add module ${m} to DEBIAN`);
  return all.map((m) => ({
    what: DEBIAN[m],
    how: `apt-get install ${DEBIAN[m]}`,
    present: () => pythonModulesFound()[m] === true,
  }));
}

/** An executable on PATH and the Debian package that provides it, e.g. `command("zstd", "zstd")`. */
export function command(name: string, debianPackage: string): Requirement {
  const onPath = () =>
    isAbsolute(name)
      ? existsSync(name)
      : (process.env.PATH ?? "").split(delimiter).some((d) => d && existsSync(join(d, name)));
  return { what: name, how: `apt-get install ${debianPackage}`, present: onPath };
}

/**
 * `false` when every requirement is present, else the one-line skip message naming what is missing
 * and how to get it. Missing `apt-get install` hints are merged into one command.
 */
export function needs(...requirements: Array<Requirement | Requirement[]>): string | false {
  const flat = requirements.flat();
  const py = flat.filter((r) => r.what.startsWith("python3-"));
  // Without an interpreter every module is missing; name the interpreter instead.
  const missing =
    py.length > 0 && !python3().present()
      ? [python3(), ...flat.filter((r) => !py.includes(r) && !r.present())]
      : flat.filter((r) => !r.present());
  if (missing.length === 0) return false;
  const apt = missing.filter((r) => r.how.startsWith("apt-get install ") && !r.how.includes(","));
  // the others grouped by how to get them: "../shared/a and ../shared/b (the shared corpus, ...)"
  const byHow = new Map<string, string[]>();
  for (const r of missing) if (!apt.includes(r)) byHow.set(r.how, [...(byHow.get(r.how) ?? []), r.what]);
  const parts = [...byHow].map(([how, what]) => `${what.join(" and ")} (${how})`);
  if (apt.length > 0) {
    const pkgs = [...new Set(apt.flatMap((r) => r.how.slice("apt-get install ".length).split(" ")))];
    parts.push(`${apt.map((r) => r.what).join(", ")}: apt-get install ${pkgs.join(" ")}`);
  }
  return `needs ${parts.join("; ")}`;
}
