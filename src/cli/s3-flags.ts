/**
 * The S3 flags (--profile, --anonymous, --endpoint, --region, --path-style, --s3-requests): global
 * options that apply to every s3:// location of a command, kept here when a command starts.
 */
import type { Command } from "commander";
import type { S3StoreOptions } from "../index.js";
import { CliError } from "./output.js";

interface S3Flags {
  profile?: string;
  anonymous?: boolean;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  s3Requests?: string;
}

let flags: S3Flags = {};

/** Adds the S3 flags to the program (global: they go before or after the command). */
export function registerS3Flags(program: Command): void {
  program
    .option("--profile <name>", "s3://: AWS profile of ~/.aws/credentials and ~/.aws/config")
    .option("--anonymous", "s3://: unsigned requests, for public buckets")
    .option("--endpoint <url>", "s3://: endpoint of an S3-compatible service (MinIO, Ceph, R2, ...)")
    .option("--region <region>", "s3://: the bucket's region (default: AWS_REGION or the profile's)")
    .option("--path-style", "s3://: path-style addressing (default with --endpoint)")
    .option("--s3-requests <n>", "s3://: requests in flight at once", "64")
    .hook("preAction", (_program, action) => {
      flags = action.optsWithGlobals<S3Flags>();
    });
}

/** The S3Store options the flags ask for. */
export function s3Options(): S3StoreOptions {
  // the SDK warns on Node < 22 about its releases from 2027 on; the CLI pins a version that supports 20
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const requests = Number(flags.s3Requests ?? 64);
  if (!Number.isInteger(requests) || requests < 1) {
    throw new CliError(`--s3-requests must be an integer >= 1, got "${flags.s3Requests}"`);
  }
  if (flags.endpoint !== undefined && !/^https?:\/\//i.test(flags.endpoint)) {
    throw new CliError(`--endpoint must be an http(s) URL, got "${flags.endpoint}"`);
  }
  return {
    profile: flags.profile,
    anonymous: flags.anonymous,
    endpoint: flags.endpoint,
    region: flags.region,
    forcePathStyle: flags.pathStyle ? true : undefined,
    maxConcurrency: requests,
  };
}
