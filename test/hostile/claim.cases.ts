/**
 * Two runs taking over the same stale claim (run in children by claim.test.ts). Each child claims a
 * LocalStore output whose record names a dead process; its first read of the record waits until both
 * children have read it, so both see the stale claim before either replaces it — the race the
 * takeover must win for exactly one of them.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { claimOutput, clearExcept, PROGRESS_FILE } from "../../src/checkpoint/index.js";
import { LocalStore } from "../../src/store/local.js";

interface Arg {
  dir: string;
  me: string;
  other: string;
  overwrite: boolean;
}

export const CASES = {
  claim: async ({ dir, me, other, overwrite }: Arg) => {
    const local = new LocalStore(join(dir, "out"));
    let first = true;
    const get = async (key: string) => {
      const value = await local.get(key);
      if (key === `img/${PROGRESS_FILE}` && first) {
        first = false;
        await writeFile(join(dir, `read-${me}`), "");
        while (!existsSync(join(dir, `read-${other}`))) await sleep(10); // a barrier, not a timing
      }
      return value;
    };
    // LocalStore keeps private fields, so wrap it by delegation rather than by prototype
    const store = new Proxy(local, {
      get: (target, name) => {
        if (name === "get") return get;
        const v = Reflect.get(target, name);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const tried = () => writeFile(join(dir, `tried-${me}`), "");
    const checkpoint = await claimOutput(store, "img", {
      fingerprint: "same",
      overwrite,
      existing: async () => undefined,
      clear: (keep) => clearExcept(store, "img", keep),
    }).catch(async (e) => {
      await tried();
      throw e;
    });
    await tried();
    // hold the claim until the other child has finished trying, so it is still alive when checked
    while (!existsSync(join(dir, `tried-${other}`))) await sleep(10);
    return checkpoint.resumed;
  },
};
