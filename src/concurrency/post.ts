/** Posting a message with transferred buffers between Node threads. */

/**
 * Posts `message`, transferring `transfer`. Node >= 22 refuses to transfer buffers that native
 * addons allocated (external memory, e.g. lz4-napi and compressjs results): those go as a copy.
 */
export function postTransferring(
  target: {
    postMessage(message: unknown, transfer?: readonly ArrayBuffer[] | readonly Transferable[]): void;
  },
  message: unknown,
  transfer: readonly Transferable[] | undefined,
): void {
  try {
    target.postMessage(message, transfer as Transferable[] | undefined);
  } catch (e) {
    if ((e as Error).name !== "DataCloneError" || !transfer?.length) throw e;
    target.postMessage(message);
  }
}
