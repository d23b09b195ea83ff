/**
 * Child side of the hostile harness (see harness.ts): imports a case module, runs one case, and prints
 * its outcome and its peak resident set as one marked JSON line on stdout.
 */
import { REPORT } from "./harness.js";

type Case = (arg: unknown) => unknown;

function describeError(e: unknown) {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; key?: unknown };
    return {
      name: x.name,
      code: typeof x.code === "string" ? x.code : undefined,
      key: typeof x.key === "string" ? x.key : undefined,
      message: x.message,
    };
  }
  return { name: typeof e, message: String(e) };
}

const [moduleUrl, name, argJson] = process.argv.slice(2);
const mod = (await import(moduleUrl)) as { CASES: Record<string, Case> };
const fn = mod.CASES[name];
if (!fn) throw new Error(`no case ${name} in ${moduleUrl}`);
let outcome: unknown;
try {
  const value = await fn(JSON.parse(argJson));
  outcome = { ok: true, value: value === undefined ? null : value };
} catch (e) {
  outcome = { ok: false, error: describeError(e) };
}
process.stdout.write(
  `\n${REPORT}${JSON.stringify({ outcome, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
// Open handles a hostile case leaves behind (servers, sockets) must not keep the child alive.
process.exit(0);
