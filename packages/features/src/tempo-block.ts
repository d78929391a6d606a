import { TEMPO_BLOCK } from "./layout.js";

const MAX_BPM = 300;

/**
 * The 4-value tempo block (reference features.md §9) from the two global tempo estimates of the
 * clip, `libBpm` (librosa tempo) and `tgBpm` (tempogram argmax), 0 meaning "no estimate":
 * [min(lib, 300)/300, min(tg, 300)/300, lib/tg, 1 − |lib − tg|/max(lib, tg)], with
 * [2] = 1 and [3] = 0 (both 0) or 0.5 (one 0) when an estimate is missing.
 *
 * No consensus parameter: the reference replaced two zeros by the consensus tempo only because its
 * uncached path never ran the estimators; we always compute both, so a 0 here is a real failure
 * and stays visible to the model as [0, 0, 1, 0].
 */
export function tempoBlock(libBpm: number, tgBpm: number): Float32Array {
  for (const [name, bpm] of [
    ["libBpm", libBpm],
    ["tgBpm", tgBpm],
  ] as const) {
    if (!Number.isFinite(bpm) || bpm < 0) throw new RangeError(`tempo block: ${name} must be a finite BPM ≥ 0, got ${bpm}`);
  }
  const out = new Float32Array(TEMPO_BLOCK.length);
  out[0] = Math.min(libBpm, MAX_BPM) / MAX_BPM;
  out[1] = Math.min(tgBpm, MAX_BPM) / MAX_BPM;
  if (libBpm > 0 && tgBpm > 0) {
    out[2] = libBpm / tgBpm;
    out[3] = 1 - Math.abs(libBpm - tgBpm) / Math.max(libBpm, tgBpm);
  } else {
    out[2] = 1;
    out[3] = libBpm === 0 && tgBpm === 0 ? 0 : 0.5;
  }
  return out;
}
