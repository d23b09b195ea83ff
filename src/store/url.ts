/**
 * One function from a location to a store, for everything that takes "a path" (the CLI, scripts):
 * `s3://bucket/prefix` → S3Store (an `.ozx` object there → its ZipStore, read by range), `http(s)://…` → HttpStore (a `.zip` there → ZipStore over HTTP),
 * a local `.zip` file → ZipStore, anything else → a LocalStore directory.
 */
import { statSync } from "node:fs";
import { HttpStore, type HttpStoreOptions } from "./http.js";
import { LocalStore, type LocalStoreOptions } from "./local.js";
import { isOzxPath, openOzx } from "./ozx.js";
import { isS3URL, S3Store, type S3StoreOptions } from "./s3.js";
import type { Store } from "./types.js";
import { ZipStore } from "./zip.js";

export interface StoreFromURLOptions {
  s3?: S3StoreOptions;
  http?: HttpStoreOptions;
  local?: LocalStoreOptions;
}

export { isS3URL };
export const isHttpURL = (location: string): boolean => /^https?:\/\//i.test(location);
/** Whether the location is not on the local file system. */
export const isRemote = (location: string): boolean => isS3URL(location) || isHttpURL(location);

export async function storeFromURL(location: string, options: StoreFromURLOptions = {}): Promise<Store> {
  if (isS3URL(location)) {
    return isOzxPath(location) ? openOzx(location, { s3: options.s3 }) : new S3Store(location, options.s3);
  }
  const zip = /\.zip$/i.test(location);
  if (isHttpURL(location)) return zip ? ZipStore.open(location) : new HttpStore(location, options.http);
  if (zip && statSync(location, { throwIfNoEntry: false })?.isFile()) return ZipStore.open(location);
  return new LocalStore(location, options.local);
}
