/**
 * What the queue's submitter and workers agree on, without loading BullMQ (about 0.8 s to import:
 * scale/index.ts loads it on first use).
 */
import type { ConnectionOptions } from "bullmq";

/** The queue every worker listens on (one queue; a job names its output). */
export const QUEUE = "zarrsmith-tasks";

export interface TaskJob {
  output: string;
  task: number;
}

/** `redis://[user:pass@]host:port[/db]` as ioredis connection options (BullMQ needs maxRetriesPerRequest null). */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis must be a URL such as redis://host:6379, got "${url}"`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new Error(`--redis must be a redis:// or rediss:// URL, got "${url}"`);
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
    tls: u.protocol === "rediss:" ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}
