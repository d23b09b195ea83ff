/** The browser's stand-in for host.ts: no host name or processes; records are judged by staleness. */
export function hostName(): string {
  return "browser";
}

export function processExists(_pid: number): boolean {
  return false;
}

export const ownPid = 0;
