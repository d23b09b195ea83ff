export { fromBytes, toBytes } from "./bytes.js";
export * from "./fill-value.js";
export { decodeFloat16, encodeFloat16, floatToHalf, halfToFloat } from "./float16.js";
export * from "./types.js";
export * from "./v2-dtype.js";
