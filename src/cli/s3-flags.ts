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
/** The S3 flags given on this command line (not defaults), in the order of FLAG_WORDS. */
let given: Array<keyof S3Flags> = [];

/** Each S3 flag's option key and its word on the command line. */
const FLAG_WORDS: Array<[keyof S3Flags, string]> = [
  ["endpoint", "--endpoint"],
  ["region", "--region"],
  ["pathStyle", "--path-style"],
  ["profile", "--profile"],
  ["anonymous", "--anonymous"],
  ["s3Requests", "--s3-requests"],
];

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
      given = FLAG_WORDS.map(([key]) => key).filter(
        (key) => action.getOptionValueSourceWithGlobals(key) === "cli",
      );
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

/**
 * The S3 flags given to this command, as CLI words for the commands it has other processes run
 * (`run-task` / `finalize` jobs of an executor, a worker's task children), so that they reach the
 * same endpoint, region and profile. Only the flags given (defaults stay defaults where the job
 * runs); none carries a secret: credentials stay with each job's environment or profile.
 */
export function s3Args(): string[] {
  s3Options(); // a bad value is a usage error here, not in every job
  if (flags.endpoint !== undefined) {
    const u = new URL(flags.endpoint);
    if (u.username || u.password)
      throw new CliError(
        "--endpoint carries credentials (user:password@): they would be written into every job's command; give them through the environment or --profile",
      );
  }
  return given.flatMap((key) => {
    const word = FLAG_WORDS.find(([k]) => k === key)?.[1] as string;
    const value = flags[key];
    return typeof value === "string" ? [word, value] : value ? [word] : [];
  });
}
