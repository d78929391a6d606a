/**
 * Where the pipeline's files live. Everything hangs off one data root (default `$TACTUS_DATA_DIR`,
 * else `data` against the working directory), so tests can point the whole pipeline at a temp dir.
 */
import { join, resolve } from "node:path";

export const DATA_DIR_ENV = "TACTUS_DATA_DIR";

export interface DataPaths {
  root: string;
  /** Extracted dataset (ARCHITECTURE.md decision 9). */
  dataset: string;
  /** Grid checkpoints, logs and results. */
  grid: string;
  /** The promoted MeterNet checkpoint, and the one it replaced. */
  model: string;
  modelPrev: string;
  /** Saved evaluation snapshots. */
  runs: string;
  /** Single `train` runs without `--save`. */
  checkpoints: string;
}

/** Paths under `root` (default `$TACTUS_DATA_DIR`, else `data`); `model` selects the promoted checkpoint name. */
export function dataPaths(root?: string, model: "meternet" | "arbiter" | "onset-mlp" = "meternet"): DataPaths {
  const base = resolve(root ?? (process.env[DATA_DIR_ENV] || "data"));
  const promoted = model === "arbiter" ? "meter_arbiter" : model === "onset-mlp" ? "onset_mlp" : "meter_net";
  const grid = model === "arbiter" ? "meter_arbiter_grid" : "meter_net_grid";
  return {
    root: base,
    dataset: join(base, "meter_net_dataset"),
    grid: join(base, grid),
    model: join(base, promoted),
    modelPrev: join(base, `${promoted}.prev`),
    runs: join(base, "runs"),
    checkpoints: join(base, "checkpoints"),
  };
}
