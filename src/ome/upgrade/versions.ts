/** The versions `ome.upgrade` moves between (data only: the upgrader itself is loaded lazily). */

/** The versions `upgrade` moves between, oldest first. */
export const UPGRADE_VERSIONS = ["0.4", "0.5", "0.6"] as const;
export type UpgradeVersion = (typeof UPGRADE_VERSIONS)[number];
