/** compressjs ships no types; zarrsmith only uses its bzip2 file API (see backends.ts). */
declare module "compressjs" {
  export const Bzip2: {
    compressFile(data: Uint8Array, out?: undefined, level?: number): Uint8Array | number[];
    decompressFile(data: Uint8Array): Uint8Array | number[];
  };
}
