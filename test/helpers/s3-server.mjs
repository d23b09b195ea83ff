/**
 * An S3-protocol server in its own process, on 127.0.0.1 and a port the OS picks, for tests and
 * benchmarks: `node s3-server.mjs fauxqs|s3rver [bucket...]`. Prints one JSON line
 * `{"endpoint": "http://127.0.0.1:PORT"}` once the buckets exist, and runs until killed or until
 * its standard input closes (so it never outlives the process that started it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const [kind = "fauxqs", ...buckets] = process.argv.slice(2);
let stop;
let endpoint;
if (kind === "fauxqs") {
  // buildApp + listen rather than startFauxqs, which listens on every interface
  const { buildApp } = await import("fauxqs");
  const app = buildApp({ logger: false });
  endpoint = await app.listen({ port: 0, host: "127.0.0.1" });
  stop = () => app.close();
} else if (kind === "s3rver") {
  const { default: S3rver } = await import("s3rver");
  const directory = mkdtempSync(join(tmpdir(), "zarrsmith-s3rver-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  stop = async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  };
} else {
  throw new Error(`unknown S3 server ${kind}: fauxqs or s3rver`);
}
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
});
for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
client.destroy();
const quit = async () => {
  await stop();
  process.exit(0);
};
process.stdin.on("end", quit);
process.stdin.resume();
process.on("SIGTERM", quit);
process.stdout.write(`${JSON.stringify({ endpoint })}\n`);
