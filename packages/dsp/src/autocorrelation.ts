import { getFft, nextPowerOfTwo } from "./fft.js";

/** Signals shorter than this have no meaningful normalised autocorrelation (reference P7). */
export const AUTOCORRELATION_MIN_LENGTH = 10;
/** Below this energy (after removing the mean) a signal counts as constant: all-zero autocorrelation. */
export const AUTOCORRELATION_MIN_ENERGY = 1e-10;

/**
 * Linear (non-circular) autocorrelation r[ℓ] = Σ_i x_i·x_{i+ℓ}, ℓ = 0..maxLag−1 (default all lags),
 * via one zero-padded real FFT and one inverse: librosa.autocorrelate for a 1-D signal.
 */
export function autocorrelate(x: ArrayLike<number>, maxLag = x.length): Float64Array {
  const n = x.length;
  const lags = Math.min(maxLag, n);
  const out = new Float64Array(lags);
  if (n === 0 || lags === 0) return out;
  const size = nextPowerOfTwo(2 * n - 1);
  const fft = getFft(size);
  const buffer = new Float64Array(size);
  for (let i = 0; i < n; i++) buffer[i] = x[i];
  const spectrum = new Float64Array(2 * size);
  fft.realTransform(spectrum, buffer);
  // |X|² is real and even, so its inverse DFT is the forward DFT divided by size.
  for (let k = 0; k <= size / 2; k++) {
    const p = spectrum[2 * k] * spectrum[2 * k] + spectrum[2 * k + 1] * spectrum[2 * k + 1];
    buffer[k] = p;
    if (k > 0 && k < size / 2) buffer[size - k] = p;
  }
  fft.realTransform(spectrum, buffer);
  for (let l = 0; l < lags; l++) out[l] = spectrum[2 * l] / size;
  return out;
}

/**
 * Reference P7, the mean-removed autocorrelation normalised by its energy:
 * r[ℓ] = Σ_i x_i·x_{i+ℓ} / Σ_i x_i² for ℓ = 0..len−1 (biased, so it decays toward large lags).
 *
 * - len < {@link AUTOCORRELATION_MIN_LENGTH}: returns `null` (the reference returns the sentinel [0]
 *   and treats any result shorter than 10 as "features unavailable").
 * - energy after mean removal < {@link AUTOCORRELATION_MIN_ENERGY}: all zeros (a constant signal).
 */
export function normalizedAutocorrelation(x: ArrayLike<number>): Float32Array | null {
  const n = x.length;
  if (n < AUTOCORRELATION_MIN_LENGTH) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const centred = new Float64Array(n);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    centred[i] = x[i] - mean;
    energy += centred[i] * centred[i];
  }
  const out = new Float32Array(n);
  if (energy < AUTOCORRELATION_MIN_ENERGY) return out;
  const r = autocorrelate(centred);
  for (let l = 0; l < n; l++) out[l] = r[l] / energy;
  return out;
}
