/**
 * Every ```ts block of README.md runs as written: each is saved as its own .mts file (an ES module,
 * as the README tells users) inside the project, so `import ... from "zarrsmith"` resolves to this
 * package, and run with tsx in a temporary working directory; a non-zero exit fails. Blocks that read
 * the heart sample get its path in ZARRSMITH_HEART and skip only where it is absent. Blocks that use
 * s3:// URLs run against the S3 emulator of the S3 tests (test/helpers/s3.ts, an npm package in a
 * child process), with its buckets created and AWS_ENDPOINT_URL_S3 and credentials in the environment.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureBuilt } from "../helpers/cli.js";
import { HEART, heart, needs } from "../helpers/requirements.js";
import { type S3TestServer, startS3Server } from "../helpers/s3.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** The ```ts blocks of a Markdown text, with the line each starts on. */
export function tsBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    assert.ok(end < lines.length, `README.md line ${i + 1}: unclosed code block`);
    blocks.push({ line: i + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

const blocks = tsBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
// inside the project (dot-prefixed, git-ignored) so that "zarrsmith" resolves to this package
const dir = mkdtempSync(join(ROOT, ".zarrsmith-tmp-readme-"));
after(() => rmSync(dir, { recursive: true, force: true }));
before(ensureBuilt);

// one S3 emulator for the blocks that use s3:// URLs, with every bucket they name
const buckets = [
  ...new Set(blocks.flatMap((b) => [...b.code.matchAll(/s3:\/\/([a-z0-9.-]+)\//g)].map((m) => m[1]))),
];
let s3: S3TestServer | undefined;
before(async () => {
  if (buckets.length > 0) s3 = await startS3Server(buckets);
});
after(() => s3?.stop());

describe("README.md code blocks run as written", () => {
  test("the README has ts blocks and the extractor finds them all", () => {
    assert.ok(blocks.length >= 3, `${blocks.length} blocks`);
    const sample = tsBlocks("a\n```ts\nconst x = 1;\n```\n```sh\nls\n```\n```ts\nconst y = 2;\n```\n");
    assert.deepEqual(sample, [
      { line: 2, code: "const x = 1;" },
      { line: 8, code: "const y = 2;" },
    ]);
  });

  for (const { line, code } of blocks) {
    const skip = code.includes("ZARRSMITH_HEART") ? needs(heart()) : false;
    test(`the block at README.md line ${line}`, { skip }, () => {
      const cwd = mkdtempSync(join(dir, `line${line}-`));
      const file = join(dir, `line${line}.mts`);
      writeFileSync(file, `${code}\n`);
      const r = spawnSync(process.execPath, ["--import", "tsx", file], {
        cwd,
        env: {
          ...(s3 ? { ...s3.env, AWS_ENDPOINT_URL_S3: s3.endpoint } : process.env),
          ZARRSMITH_HEART: HEART,
        },
        encoding: "utf8",
        timeout: 180_000,
      });
      assert.equal(r.status, 0, `README.md line ${line} exited ${r.status}:\n${r.stderr}`);
    });
  }
});
