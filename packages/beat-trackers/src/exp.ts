// TEMP scratch export for tuning (removed before finishing)
export * from "./activations.js";
export * from "./dbn-trackers.js";
export * from "./registry.js";
export * from "./selection.js";
export * from "./tempo.js";
