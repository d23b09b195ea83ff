export * from "./copy.js";
export * from "./projection.js";
export * from "./selection.js";
