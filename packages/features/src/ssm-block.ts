import type { Matrix } from "@tactus/dsp";
import type { BeatLike } from "@tactus/signals";
import { SSM_BLOCK, SSM_LAGS, SSM_SLOT_LENGTH, TRACKER_SLOTS } from "./layout.js";

/** Beats of each tracker slot (layout TRACKER_SLOTS: dbn, multifeature, dbn_best), times inside the crop. */
export type BeatsBySlot = Readonly<Record<string, readonly BeatLike[] | undefined>>;

/** Fewer beats than this give an all-zero slot. */
export const SSM_MIN_BEATS = 4;

/**
 * The 25 SSM features of one beat list (reference features.md §6): beat-synchronous mean chroma
 * per inter-beat segment, unit-normalised; mean cosine similarity at lags 2…12 segments (11), the
 * same divided by its max (11), (argmax lag)/12, max, entropy (bits) of |p|/Σ|p|.
 *
 * Beat times must refer to the same clip as the chroma (prepareClip shifts them into the crop;
 * the reference's misalignment for clips over 30 s is not copied).
 */
export function ssmSlotFeatures(chroma: Matrix, beatTimesSec: readonly number[], fps: number): Float64Array {
  const out = new Float64Array(SSM_SLOT_LENGTH);
  if (beatTimesSec.length < SSM_MIN_BEATS) return out;
  const { nRows, nCols, data } = chroma;
  const frames = beatTimesSec.map((t) => Math.floor(t * fps));
  const nSegments = frames.length - 1;
  const segments: Float64Array[] = [];
  for (let i = 0; i < nSegments; i++) {
    const lo = Math.max(0, frames[i]!);
    const hi = Math.min(nCols, frames[i + 1]!);
    const seg = new Float64Array(nRows);
    if (hi > lo) {
      for (let r = 0; r < nRows; r++) {
        let s = 0;
        for (let c = lo; c < hi; c++) s += data[r * nCols + c]!;
        seg[r] = s / (hi - lo);
      }
    }
    let norm = 0;
    for (const v of seg) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm >= 1e-8) for (let r = 0; r < nRows; r++) seg[r] /= norm;
    segments.push(seg);
  }

  const profile = SSM_LAGS.map((lag) => {
    if (lag >= nSegments) return 0;
    let sum = 0;
    for (let j = 0; j + lag < nSegments; j++) {
      let dot = 0;
      for (let r = 0; r < nRows; r++) dot += segments[j]![r]! * segments[j + lag]![r]!;
      sum += dot;
    }
    return sum / (nSegments - lag);
  });
  const n = SSM_LAGS.length;
  let peak = 0;
  let peakIndex = 0;
  profile.forEach((p, i) => {
    if (i === 0 || p > peak) {
      peak = p;
      peakIndex = i;
    }
  });
  let absSum = 0;
  for (const p of profile) absSum += Math.abs(p);
  let entropy = 0;
  if (absSum > 1e-8) {
    for (const p of profile) {
      const q = Math.abs(p) / absSum;
      if (q > 0) entropy -= q * Math.log2(q);
    }
  }
  profile.forEach((p, i) => {
    out[i] = p;
    out[n + i] = peak > 1e-8 ? p / peak : 0;
  });
  out[2 * n] = SSM_LAGS[peakIndex]! / 12; // first maximum: an all-zero profile gives 2/12, as the reference
  out[2 * n + 1] = peak;
  out[2 * n + 2] = entropy;
  return out;
}

/**
 * The 75-value SSM block: {@link ssmSlotFeatures} for each tracker slot in layout order.
 * `chroma` is the crop's chroma (ClipAnalysis.chroma, shared with the audio block), `fps` its frame
 * rate (sampleRate / hopLength).
 */
export function ssmBlock(chroma: Matrix, beatsBySlot: BeatsBySlot, fps: number): Float32Array {
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  const out = new Float32Array(SSM_BLOCK.length);
  TRACKER_SLOTS.forEach((slot, k) => {
    const beats = beatsBySlot[slot.slot] ?? [];
    out.set(
      ssmSlotFeatures(
        chroma,
        beats.map((b) => b.timeSec),
        fps,
      ),
      k * SSM_SLOT_LENGTH,
    );
  });
  return out;
}
