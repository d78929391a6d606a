// TEMP scratch export for tuning (removed before finishing)
export * from "./activations.js";
export * from "./dbn-trackers.js";
