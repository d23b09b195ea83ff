/**
 * The version strings of OME-Zarr 0.6. Writers write the release's "0.6"; readers and validators
 * also accept the release candidate's "0.6rc0", whose metadata layout the release kept (the
 * released schemas differ from rc0 only in the version string and their `$id`s), with a warning.
 */
export const VERSION = "0.6" as const;
export const RELEASE_CANDIDATE = "0.6rc0" as const;

/** Whether an `ome.version` value is OME-Zarr 0.6 (release or release candidate). */
export function isV06Version(version: unknown): boolean {
  return version === VERSION || version === RELEASE_CANDIDATE;
}
