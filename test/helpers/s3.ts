/**
 * A real S3-protocol server for tests: fauxqs (default) or s3rver, in a child process on 127.0.0.1
 * and a port the OS picks (see s3-server.mjs). Start one per test file and stop it in `after`.
 *
 * Known defects of the servers (the tests work around them, and say so where they do):
 * - neither honours conditional writes (`If-None-Match: *` overwrites an existing object: a writer
 *   whose HEAD saw nothing replaces the object another writer created meanwhile, and both think they
 *   created it), so `setIfAbsent`'s atomicity is tested against moto's S3 server, which answers 412
 *   (test/store/s3-conditional.test.ts), and a local HTTP server that answers 412;
 * - s3rver answers suffix ranges (`bytes=-N`) with the FIRST N bytes and fails (HTTP 500) on
 *   concurrent PUTs into a new prefix; fauxqs gets suffix ranges right;
 * - fauxqs accepts request bodies of at most 11 MiB (multipart parts must stay below that), and
 *   sends no CORS headers (browser pages use s3rver, which implements bucket CORS);
 * - s3rver pages listings with DES-encrypted tokens, which needs Node's --openssl-legacy-provider.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { S3Store, type S3StoreOptions } from "../../src/store/s3.js";

// the SDK warns once per process that its 2027 releases will need Node 22; not news in a test log
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "s3-server.mjs");

/** Credentials the emulators accept (s3rver knows only these; fauxqs checks none); set in the environment for CLI child processes. */
export const TEST_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface S3TestServer {
  endpoint: string;
  kind: "fauxqs" | "s3rver";
  process: ChildProcess;
  /** A store at s3://bucket/prefix on this server. */
  store(url: string, options?: S3StoreOptions): S3Store;
  /** Environment for a CLI child process talking to this server. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startS3Server(
  buckets: string[],
  kind: "fauxqs" | "s3rver" = "fauxqs",
): Promise<S3TestServer> {
  // s3rver's ListObjectsV2 continuation tokens are DES-encrypted, a cipher OpenSSL 3 (Node >= 17)
  // only has in its legacy provider: without it, every listing past 1,000 keys answers HTTP 500
  const legacy = kind === "s3rver" ? ["--openssl-legacy-provider"] : [];
  const child = spawn(process.execPath, [...legacy, SCRIPT, kind, ...buckets], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the ${kind} S3 server exited (${code}) before starting`)));
    lines.once("line", (line) => resolve((JSON.parse(line) as { endpoint: string }).endpoint));
  });
  const stores: S3Store[] = [];
  return {
    endpoint,
    kind,
    process: child,
    store(url, options = {}) {
      const store = new S3Store(url, { endpoint, credentials: TEST_CREDENTIALS, ...options });
      stores.push(store);
      return store;
    },
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: "us-east-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    async stop() {
      for (const store of stores) await store.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.stdin!.end();
      await exited;
    },
  };
}
