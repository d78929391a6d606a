export interface PeakPickOptions {
  /** Frames before n in the local-max window [n − preMax, n + postMax). */
  preMax: number;
  /** Frames after n in the local-max window; must be ≥ 1. */
  postMax: number;
  /** Frames before n in the mean window [n − preAvg, n + postAvg). */
  preAvg: number;
  /** Frames after n in the mean window; must be ≥ 1. */
  postAvg: number;
  /** A peak must reach mean + delta (float32 delta for float32 input, as in librosa's numba kernel). */
  delta: number;
  /** Frames skipped after each accepted peak. */
  wait: number;
}

/**
 * librosa.util.peak_pick (0.11), greedy left to right. Frame 0 is special: it is a peak when
 * x[0] ≥ max(x[0 : postMax]) and x[0] ≥ mean(x[0 : postAvg]) + delta. Every later frame n needs
 * x[n] = max(x[n − preMax : n + postMax]) and x[n] ≥ mean(x[n − preAvg : n + postAvg]) + delta
 * (windows clipped to the array); after a peak the next `wait` frames are skipped.
 * Non-integer window sizes are rounded up. Returns the peak indices.
 *
 * Arithmetic follows librosa's numba kernel for the input's dtype: for a Float32Array the window
 * sum accumulates in float32, delta is a float32, and mean + delta is formed in float64.
 */
export function peakPick(x: ArrayLike<number>, options: PeakPickOptions): Int32Array {
  const preMax = Math.ceil(options.preMax);
  const postMax = Math.ceil(options.postMax);
  const preAvg = Math.ceil(options.preAvg);
  const postAvg = Math.ceil(options.postAvg);
  const wait = Math.ceil(options.wait);
  if (preMax < 0) throw new RangeError("preMax must be non-negative");
  if (preAvg < 0) throw new RangeError("preAvg must be non-negative");
  if (wait < 0) throw new RangeError("wait must be non-negative");
  if (postMax <= 0) throw new RangeError("postMax must be positive");
  if (postAvg <= 0) throw new RangeError("postAvg must be positive");
  if (!(options.delta >= 0)) throw new RangeError("delta must be non-negative");
  const float32 = x instanceof Float32Array;
  const delta = float32 ? Math.fround(options.delta) : options.delta;
  const n = x.length;
  const peaks: number[] = [];
  if (n === 0) return new Int32Array(0);

  const windowMax = (lo: number, hi: number) => {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = lo; i < hi; i++) if (x[i] > m) m = x[i];
    return m;
  };
  const windowMean = (lo: number, hi: number) => {
    let sum = 0;
    if (float32) for (let i = lo; i < hi; i++) sum = Math.fround(sum + x[i]);
    else for (let i = lo; i < hi; i++) sum += x[i];
    return sum / (hi - lo);
  };

  let i = 0;
  const first =
    x[0] >= windowMax(0, Math.min(postMax, n)) && x[0] >= windowMean(0, Math.min(postAvg, n)) + delta;
  if (first) {
    peaks.push(0);
    i += wait + 1;
  } else i += 1;
  while (i < n) {
    if (x[i] !== windowMax(Math.max(0, i - preMax), Math.min(i + postMax, n))) {
      i += 1;
      continue;
    }
    if (x[i] < windowMean(Math.max(0, i - preAvg), Math.min(i + postAvg, n)) + delta) {
      i += 1;
      continue;
    }
    peaks.push(i);
    i += wait + 1;
  }
  return Int32Array.from(peaks);
}
