import { peakPick } from "@tactus/dsp";
import type { OnsetEnvelope } from "./envelope.js";

export interface OnsetEventsOptions {
  /** Move each peak back to the nearest local minimum of the envelope at or before it. Default true. */
  backtrack?: boolean;
  /** Threshold above the local mean, on the min–max normalised envelope. Default 0.07. */
  delta?: number;
}

export const ONSET_EVENTS_DEFAULTS = { backtrack: true, delta: 0.07 } as const satisfies OnsetEventsOptions;

/** Discrete onsets, in time order. */
export interface OnsetEvents {
  /** Event times: frame·hopLength/sampleRate of `frames`. */
  readonly timesSec: Float64Array;
  /** envelope/max(envelope) at the top of each event's rise (see {@link onsetEvents}), in (0, 1]. */
  readonly strengths: Float32Array;
  /** The event frames (backtracked when `backtrack`). */
  readonly frames: Int32Array;
  /** The frames where the peak picker fired (before backtracking). */
  readonly peakFrames: Int32Array;
}

/**
 * librosa.onset.onset_detect(onset_envelope=env, backtrack=True) (signals §3.2, features P5):
 * min–max normalise, peak-pick with librosa's windows (30 ms max, 100 ms mean, 30 ms wait,
 * converted to frames at the envelope's rate: 1, 1, 4, 5, 1 at 22050/512) and delta, then
 * backtrack each peak to the preceding local minimum.
 *
 * With post_max = 1 the picker fires on the first rising frame that clears the local mean, so
 * the envelope often keeps rising for a frame or two. Deviation from the reference: `strengths`
 * are read at the top of that rise (climbing from the picked frame while the envelope does not
 * fall), not at the backtracked frame, whose value is a local minimum and says nothing about
 * the onset (the reference only uses the times downstream).
 */
export function onsetEvents(env: OnsetEnvelope, options: OnsetEventsOptions = {}): OnsetEvents {
  const backtrack = options.backtrack ?? ONSET_EVENTS_DEFAULTS.backtrack;
  const delta = options.delta ?? ONSET_EVENTS_DEFAULTS.delta;
  const x = env.envelope;
  const n = x.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) return emptyEvents();
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  if (n === 0 || !(max > min)) return emptyEvents();

  // Normalised to [0, 1] in float32 like librosa's copy of the envelope.
  const normalized = new Float32Array(n);
  for (let i = 0; i < n; i++) normalized[i] = (x[i] - min) / (max - min);

  // librosa's defaults in seconds, floor-divided to frames as `0.03 * sr // hop_length` does.
  const framesOf = (sec: number) => Math.floor((sec * env.sampleRate) / env.hopLength);
  const peakFrames = peakPick(normalized, {
    preMax: framesOf(0.03),
    postMax: framesOf(0) + 1,
    preAvg: framesOf(0.1),
    postAvg: framesOf(0.1) + 1,
    wait: framesOf(0.03),
    delta,
  });
  const frames = backtrack ? backtrackToMinima(peakFrames, normalized) : Int32Array.from(peakFrames);
  const timesSec = new Float64Array(frames.length);
  const strengths = new Float32Array(frames.length);
  const scale = max > 0 ? max : 1;
  for (let k = 0; k < frames.length; k++) {
    timesSec[k] = (frames[k] * env.hopLength) / env.sampleRate;
    let top = peakFrames[k];
    while (top + 1 < n && x[top + 1] >= x[top]) top++;
    strengths[k] = x[top] / scale;
  }
  return { timesSec, strengths, frames, peakFrames };
}

function emptyEvents(): OnsetEvents {
  return { timesSec: new Float64Array(0), strengths: new Float32Array(0), frames: new Int32Array(0), peakFrames: new Int32Array(0) };
}

/**
 * librosa.onset.onset_backtrack: minima are interior frames i with x[i] ≤ x[i−1] and
 * x[i] < x[i+1], plus frame 0; each event moves to the last minimum at or before it.
 */
export function backtrackToMinima(events: ArrayLike<number>, x: ArrayLike<number>): Int32Array {
  const minima: number[] = [0];
  for (let i = 1; i < x.length - 1; i++) if (x[i] <= x[i - 1] && x[i] < x[i + 1]) minima.push(i);
  const out = new Int32Array(events.length);
  let m = 0;
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    // events are increasing, so the minimum pointer only moves forward
    if (k > 0 && e < events[k - 1]) m = 0;
    while (m + 1 < minima.length && minima[m + 1] <= e) m++;
    out[k] = minima[m];
  }
  return out;
}
