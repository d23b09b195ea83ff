/** Cases for harness.test.ts: each shows one thing the harness must detect. */
import { CorruptChunkError } from "../../src/errors.js";

export const CASES = {
  value: async (arg: unknown) => ({ echoed: arg }),
  typed: async () => {
    throw new CorruptChunkError("a/0/0", "test");
  },
  hang: () => new Promise(() => setInterval(() => {}, 1000)),
  allocate: async (mib: unknown) => {
    const blocks: Buffer[] = [];
    for (let i = 0; i < Number(mib); i++) blocks.push(Buffer.alloc(1 << 20, 1));
    return blocks.length;
  },
};
