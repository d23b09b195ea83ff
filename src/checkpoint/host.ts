/** Who this run is, for the run record (Node); the browser build maps this file to host.browser.ts. */
import { hostname } from "node:os";

export function hostName(): string {
  return hostname();
}

/** Whether process `pid` on this host exists (EPERM: it does, owned by someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const ownPid: number = process.pid;
