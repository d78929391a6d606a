/**
 * Recovery of every promoted model folder under a data root. Crash-safe promotion itself
 * (`promoteCheckpoint`, `recoverModelDir`) lives in `@tactus/meternet`: the engine recovers an
 * interrupted promotion before it loads a model, and cannot depend on the trainer.
 */
import { MODEL_KINDS, type RecoveryReport, recoverModelDir } from "@tactus/meternet";
import { dataPaths } from "./paths.js";

/** {@link recoverModelDir} for every promoted model folder under the data root (meter_net, meter_arbiter, onset_mlp). */
export function recoverPromotion(dataRoot?: string): RecoveryReport[] {
  return MODEL_KINDS.map((kind) => {
    const paths = dataPaths(dataRoot, kind);
    return recoverModelDir(paths.model, paths.modelPrev);
  });
}
