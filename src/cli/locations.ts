/**
 * Where the CLI writes: local paths and `s3://bucket/prefix` URLs (with the S3 flags of s3-flags.ts).
 * Commands call these instead of LocalStore / fs directly, so a command works on object storage
 * without knowing it.
 */
import { resolve } from "node:path";
import {
  consolidateMetadata,
  Group,
  isOzxPath,
  isRemote,
  isS3URL,
  isZarrOutput,
  LocalStore,
  NotFoundError,
  open,
  PROGRESS_FILE,
  parseS3Url,
  S3Store,
  type Store,
} from "../index.js";
import { CliError } from "./output.js";
import { s3Options } from "./s3-flags.js";
import { directoryUsage } from "./stores.js";

export { isRemote, isS3URL };

/** An output argument as the commands keep it: URLs as given, local paths absolute. */
export function outputLocation(arg: string): string {
  return isRemote(arg) ? arg : resolve(arg);
}

/** The writable store of an output location. */
export function openOutputStore(location: string): LocalStore | S3Store {
  if (isS3URL(location)) return new S3Store(location, s3Options());
  if (isRemote(location)) throw new CliError(`cannot write to ${location}: http(s) URLs are read-only`);
  return new LocalStore(location);
}

/**
 * `prepareOutput` for an S3 prefix: "fresh" when nothing is there, "resume" when an unfinished run's
 * progress record is (a run interrupted on one machine resumes from another), else an error unless
 * `overwrite` and the prefix holds a Zarr store: "replace". Nothing is deleted here: the writer's
 * claim (checkpoint/) refuses a live run's output and clears the prefix once it holds the claim.
 */
export async function claimS3Output(
  location: string,
  overwrite: boolean | undefined,
): Promise<"fresh" | "resume" | "replace"> {
  const store = new S3Store(location, s3Options());
  try {
    const { keys, prefixes } = await store.listDir("");
    if (keys.length === 0 && prefixes.length === 0) return "fresh";
    const isZarr = isZarrOutput(keys);
    if (overwrite) {
      if (!isZarr) {
        throw new CliError(
          `output ${location} holds objects that are not a Zarr store; refusing to replace them`,
        );
      }
      return "replace";
    }
    if (keys.includes(PROGRESS_FILE)) return "resume";
    throw new CliError(`output ${location} already exists; pass --overwrite to replace it`);
  } finally {
    await store.close();
  }
}

/** Bytes stored under an output location. */
export async function storedBytes(location: string): Promise<number> {
  if (!isS3URL(location)) return directoryUsage(location).bytes;
  const file = isOzxPath(location) ? parseS3Url(location) : undefined;
  const store = file ? new S3Store({ bucket: file.bucket }, s3Options()) : new S3Store(location, s3Options());
  try {
    if (file) return (await store.sizeOf(file.prefix)) ?? 0; // one object: the .ozx file
    return (await store.usage("")).bytes;
  } finally {
    await store.close();
  }
}

/**
 * The last step of writing a hierarchy to object storage: consolidated metadata, so that opening it
 * takes one GET instead of one per node. Local outputs are left as they are.
 */
export async function finishOutput(location: string, store: Store): Promise<void> {
  if (!isS3URL(location)) return;
  const root = await open(store, "", { consolidated: false }).catch((e: unknown) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  });
  if (root instanceof Group) await consolidateMetadata(store, "");
}
