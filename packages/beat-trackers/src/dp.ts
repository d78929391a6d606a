/**
 * Dynamic-programming beat tracker (Ellis 2007), librosa 0.11 `beat.beat_track` with its
 * defaults (reference signals §4.4). One chain of named steps:
 *
 *   samples → median-aggregated onset envelope → global tempo (librosa's tempogram + prior)
 *           → local score (envelope / std, smoothed by a Gaussian of the beat period)
 *           → DP over predecessors with a log-interval penalty → last beat → backtrack → trim.
 *
 * No downbeats: every beat has `isDownbeat: false`.
 *
 * One deliberate deviation from librosa, switched off by `librosaCompat: true`: the trim
 * threshold. librosa smooths the beats' local scores with `np.hanning(5)` = [0, ½, 1, ½, 0],
 * whose gain is 2, before taking half their RMS, so the threshold is about the RMS of the beat
 * scores themselves rather than half of it, and real beats in quieter intros, outros and
 * sections are dropped. The default uses the unit-gain window [0, ¼, ½, ¼, 0] (threshold ≈ half
 * the RMS of the beat scores, what the code's "0.5 ·" intends). Measured: see the README.
 */

import { librosaTempoLag, type OnsetEnvelope, onsetStrength } from "@tactus/onset";
import type { Beat, TrackerOptions } from "./types.js";

export interface DpTrackerOptions extends TrackerOptions {
  /** Centre of the tempo prior in BPM. Default 120. */
  startBpm?: number;
  /** Weight of the log-interval penalty: higher keeps beats closer to the global period. Default 100. */
  tightness?: number;
  /** Drop weak leading and trailing beats. Default true. */
  trim?: boolean;
  /** A known global tempo in BPM; skips the tempo estimate. */
  bpm?: number;
  /** Samples per envelope frame ({@link trackBeatsDp} only). Default 512. */
  hopLength?: number;
  /**
   * Reproduce librosa 0.11 exactly, including its trim threshold quirk (a Hann window of gain 2;
   * see the module comment). Default false: the unit-gain window.
   */
  librosaCompat?: boolean;
}

export const DP_TRACKER_DEFAULTS = {
  startBpm: 120,
  tightness: 100,
  trim: true,
  hopLength: 512,
  librosaCompat: false,
} as const satisfies DpTrackerOptions;

/** Key of the median-aggregated envelope in {@link TrackerOptions.shared}'s cache. */
export const DP_ENVELOPE_CACHE_KEY = "onsetEnvelope:median";

/** librosa's `float32` tiny, added to the envelope's standard deviation before dividing. */
const FLOAT32_TINY = 1.1754943508222875e-38;

/** Beats of `samples` (mono, any rate; 22 050 Hz is the reference). */
export function trackBeatsDp(samples: Float32Array, sampleRate: number, options: DpTrackerOptions = {}): Beat[] {
  const hopLength = options.hopLength ?? DP_TRACKER_DEFAULTS.hopLength;
  const cache = options.shared?.cache;
  let env = cache?.get(DP_ENVELOPE_CACHE_KEY) as OnsetEnvelope | undefined;
  if (env === undefined || env.sampleRate !== sampleRate || env.hopLength !== hopLength) {
    env = onsetStrength(samples, { sampleRate, hopLength, aggregate: "median" });
    cache?.set(DP_ENVELOPE_CACHE_KEY, env);
  }
  return trackBeatsDpFromEnvelope(env, options);
}

/**
 * Beats from a precomputed onset envelope (librosa's beat_track uses the median-aggregated
 * one: `onsetStrength(samples, { aggregate: "median" })`). `strength` is envelope/max at the beat.
 */
export function trackBeatsDpFromEnvelope(env: OnsetEnvelope, options: DpTrackerOptions = {}): Beat[] {
  const { frames } = dpBeatFrames(env, options);
  const x = env.envelope;
  let max = 0;
  for (const v of x) if (v > max) max = v;
  const beats: Beat[] = [];
  for (const f of frames) {
    beats.push({ timeSec: (f * env.hopLength) / env.sampleRate, isDownbeat: false, strength: max > 0 ? x[f] / max : 0 });
  }
  return beats;
}

/** The tracker's frame indices and the tempo it tracked at (null when it found nothing to track). */
export function dpBeatFrames(env: OnsetEnvelope, options: DpTrackerOptions = {}): { frames: Int32Array; bpm: number | null } {
  const startBpm = options.startBpm ?? DP_TRACKER_DEFAULTS.startBpm;
  const tightness = options.tightness ?? DP_TRACKER_DEFAULTS.tightness;
  const trim = options.trim ?? DP_TRACKER_DEFAULTS.trim;
  const librosaCompat = options.librosaCompat ?? DP_TRACKER_DEFAULTS.librosaCompat;
  if (!(tightness > 0)) throw new RangeError(`tightness must be positive, got ${tightness}`);
  if (options.bpm !== undefined && !(options.bpm > 0)) throw new RangeError(`bpm must be positive, got ${options.bpm}`);
  const none = { frames: new Int32Array(0), bpm: null };
  const x = env.envelope;
  // An envelope without energy has nothing to track (librosa returns no beats); one frame has no std.
  if (x.length < 2 || !x.some((v) => v !== 0) || !x.every(Number.isFinite)) return none;

  // librosa tempo() on this envelope: the unrefined tempogram lag, so frames per beat = that lag.
  let framesPerBeat: number;
  let bpm: number;
  if (options.bpm !== undefined) {
    bpm = options.bpm;
    framesPerBeat = Math.round((env.fps * 60) / bpm);
  } else {
    const found = librosaTempoLag(env, { startBpm, refine: false });
    if (found === null) return none;
    framesPerBeat = found.lag;
    bpm = (env.fps * 60) / found.lag;
  }
  if (framesPerBeat < 1) return none;

  const localScore = beatLocalScore(normalizeOnsets(x), framesPerBeat);
  const { backlink, cumScore } = beatTrackDp(localScore, framesPerBeat, tightness);
  const beats = backtrack(backlink, lastBeat(cumScore));
  return { frames: trimBeats(localScore, beats, trim, librosaCompat ? 1 : 0.5), bpm };
}

/** envelope / (std with ddof 1 + tiny): librosa's automatic gain control. */
function normalizeOnsets(x: Float32Array): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  const norm = Math.sqrt(ss / (n - 1)) + FLOAT32_TINY;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i] / norm;
  return out;
}

/** "same" convolution with the Gaussian exp(−½(k·32/fpb)²), k = −fpb..fpb. */
function beatLocalScore(x: Float64Array, framesPerBeat: number): Float64Array {
  const n = x.length;
  const half = framesPerBeat;
  const window = new Float64Array(2 * half + 1);
  for (let k = -half; k <= half; k++) window[k + half] = Math.exp(-0.5 * ((k * 32) / framesPerBeat) ** 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const lo = Math.max(-half, i - n + 1);
    const hi = Math.min(half, i);
    for (let k = lo; k <= hi; k++) acc += window[k + half] * x[i - k];
    out[i] = acc;
  }
  return out;
}

/**
 * For each frame i the best predecessor loc ∈ [i − 2·fpb, i − round(fpb/2)] maximising
 * cum[loc] − tightness·(ln(i − loc) − ln fpb)²; ties go to the latest loc (librosa scans
 * backwards with a strict comparison). Frames before the first local score ≥ 1 % of the maximum
 * get no back-link.
 */
function beatTrackDp(localScore: Float64Array, framesPerBeat: number, tightness: number) {
  const n = localScore.length;
  const backlink = new Int32Array(n);
  const cumScore = new Float64Array(n);
  let maxScore = Number.NEGATIVE_INFINITY;
  for (const v of localScore) if (v > maxScore) maxScore = v;
  const threshold = 0.01 * maxScore;
  const nearest = roundHalfEven(framesPerBeat / 2);
  const farthest = 2 * framesPerBeat;
  // Penalty by interval d = i − loc, precomputed once.
  const penalty = new Float64Array(farthest + 1);
  const logFpb = Math.log(framesPerBeat);
  for (let d = 1; d <= farthest; d++) penalty[d] = tightness * (Math.log(d) - logFpb) ** 2;
  let firstBeat = true;
  for (let i = 0; i < n; i++) {
    let best = Number.NEGATIVE_INFINITY;
    let location = -1;
    for (let d = Math.max(nearest, 1); d <= farthest; d++) {
      const loc = i - d;
      if (loc < 0) break;
      const score = cumScore[loc] - penalty[d];
      if (score > best) {
        best = score;
        location = loc;
      }
    }
    cumScore[i] = location >= 0 ? localScore[i] + best : localScore[i];
    if (firstBeat && localScore[i] < threshold) backlink[i] = -1;
    else {
      backlink[i] = location;
      firstBeat = false;
    }
  }
  return { backlink, cumScore };
}

/**
 * The last local maximum of the cumulative score (x[i] > x[i−1] and x[i] ≥ x[i+1], edges
 * compared with themselves) whose value is at least half the median over all local maxima.
 */
function lastBeat(cumScore: Float64Array): number {
  const n = cumScore.length;
  const isMax = (i: number) => cumScore[i] > cumScore[Math.max(0, i - 1)] && cumScore[i] >= cumScore[Math.min(n - 1, i + 1)];
  const maxima: number[] = [];
  for (let i = 0; i < n; i++) if (isMax(i)) maxima.push(cumScore[i]);
  if (maxima.length === 0) return n - 1;
  maxima.sort((a, b) => a - b);
  const mid = maxima.length >> 1;
  const median = maxima.length % 2 === 1 ? maxima[mid] : 0.5 * (maxima[mid - 1] + maxima[mid]);
  for (let i = n - 1; i >= 0; i--) if (isMax(i) && cumScore[i] >= 0.5 * median) return i;
  return n - 1;
}

/** Follow back-links from `tail`; returns the beat frames in increasing order. */
function backtrack(backlink: Int32Array, tail: number): number[] {
  const beats: number[] = [];
  for (let f = tail; f >= 0; f = backlink[f]) beats.push(f);
  return beats.reverse();
}

/**
 * Drop beats before the first frame, and after the last frame, whose local score exceeds half
 * the RMS of the beats' local scores smoothed by the Hann window `scale`·[0, ½, 1, ½, 0]:
 * librosa's np.hanning(5) (gain 2) with `scale` 1, the unit-gain window with `scale` ½. The
 * smoothed sequence is librosa's: the full convolution sliced from index 2 up to
 * len(localScore) + 2, which keeps two tail values (½·last, 0) beyond the "same" part.
 */
function trimBeats(localScore: Float64Array, beats: number[], trim: boolean, scale: number): Int32Array {
  const n = localScore.length;
  let threshold = 0;
  if (trim && beats.length > 0) {
    const w = [0, 0.5 * scale, scale, 0.5 * scale, 0];
    const m = beats.length;
    const end = Math.min(m + 4, n + 2);
    let sumSquares = 0;
    for (let j = 2; j < end; j++) {
      let acc = 0;
      for (let k = 0; k < 5; k++) {
        const b = j - k;
        if (b >= 0 && b < m) acc += localScore[beats[b]] * w[k];
      }
      sumSquares += acc * acc;
    }
    threshold = 0.5 * Math.sqrt(sumSquares / Math.max(1, end - 2));
  }
  let first = 0;
  while (first < n && localScore[first] <= threshold) first++;
  let last = n - 1;
  while (last >= 0 && localScore[last] <= threshold) last--;
  return Int32Array.from(beats.filter((f) => f >= first && f <= last));
}

/** numpy.round: halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
