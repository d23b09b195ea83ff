// Preloaded into a CLI child (node --import) to stop it at an exact moment of a write, so a test can
// kill -9 it there: the crash windows of issue 16 without timing luck.
//
// ZARRSMITH_TEST_STALL = JSON { op: "rename" | "link", match: "<regex source>", nth: 1, when: "before" | "after" }
// The nth call of fs.promises[op] whose destination path matches `match` stalls forever, either
// before doing its work (a write left as a temporary file) or after it, and so does every rename or
// link after it; "\0stalled" is written to stderr at that moment.
import fs from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";

const spec = JSON.parse(process.env.ZARRSMITH_TEST_STALL ?? "null");
if (spec) {
  const re = new RegExp(spec.match);
  let seen = 0;
  let stalled = false;
  const stall = () => {
    if (!stalled) process.stderr.write("\0stalled\n");
    stalled = true;
    return new Promise(() => {});
  };
  // once stalled, every later rename/link stalls too: writes in flight in parallel stop at the
  // same moment instead of carrying on behind the test's back
  for (const op of ["rename", "link"]) {
    const original = fs[op];
    fs[op] = async (from, to, ...rest) => {
      if (stalled) return stall();
      if (op !== spec.op || !re.test(String(to))) return original(from, to, ...rest);
      seen++;
      if (seen !== (spec.nth ?? 1)) return original(from, to, ...rest);
      if (spec.when === "before") return stall();
      await original(from, to, ...rest);
      return stall();
    };
  }
  syncBuiltinESMExports();
}
