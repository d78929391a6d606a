import { powerToDb } from "./db.js";
import { createMatrix, type Matrix } from "./matrix.js";
import { assertSpectrogramShape, magnitudeSpectrogram, type Spectrogram, type StftOptions, toScale } from "./stft.js";

export interface SpectralContrastOptions extends StftOptions {
  sampleRate: number;
  /** Number of octave bands above fMin; the output has nBands + 1 rows. Default 6. */
  nBands?: number;
  /** Upper edge of the lowest band, Hz; band k > 0 spans fMin·2^(k−1)..fMin·2^k. Default 200. */
  fMin?: number;
  /** Fraction of each band's bins averaged for its peak and its valley. Default 0.02. */
  quantile?: number;
  /** Peak − valley in linear magnitude instead of dB. Default false. */
  linear?: boolean;
}

export const SPECTRAL_CONTRAST_DEFAULTS = {
  nBands: 6,
  fMin: 200,
  quantile: 0.02,
  linear: false,
} as const satisfies Omit<SpectralContrastOptions, "sampleRate">;

/** numpy.rint: round half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Bin range [lo, hi) of each band, values used [lo, used), and the peak/valley count n (librosa rules). */
function contrastBands(nBins: number, fftSize: number, sampleRate: number, nBands: number, fMin: number, quantile: number) {
  const edges = [0];
  for (let k = 0; k <= nBands; k++) edges.push(fMin * 2 ** k);
  for (let k = 0; k <= nBands; k++) {
    if (edges[k] >= 0.5 * sampleRate) throw new RangeError("Frequency band exceeds Nyquist. Reduce either fMin or nBands.");
  }
  const bands: { lo: number; used: number; n: number }[] = [];
  for (let k = 0; k <= nBands; k++) {
    let first = -1;
    let last = -1;
    for (let b = 0; b < nBins; b++) {
      const f = (b * sampleRate) / fftSize;
      if (f >= edges[k] && f <= edges[k + 1]) {
        if (first < 0) first = b;
        last = b;
      }
    }
    if (first < 0) throw new RangeError(`spectral contrast band ${k} (${edges[k]}–${edges[k + 1]} Hz) holds no FFT bin`);
    const lo = k > 0 ? first - 1 : first; // also the bin just below the band
    const hi = k === nBands ? nBins : last + 1; // the top band runs to Nyquist
    const count = hi - lo;
    const used = k < nBands ? hi - 1 : hi; // librosa drops the band's last bin below the top band
    bands.push({ lo, used, n: Math.max(1, roundHalfEven(quantile * count)) });
  }
  return bands;
}

/**
 * librosa.feature.spectral_contrast: per octave band and frame, the mean of the n largest minus
 * the mean of the n smallest magnitudes (n = max(1, rint(quantile·band size))), in dB (power_to_db of
 * each, top_db 80 against that matrix's own max). `input` is samples or a precomputed spectrogram
 * (converted to magnitude). (nBands + 1) × nFrames.
 */
export function spectralContrast(input: Float32Array | Spectrogram, options: SpectralContrastOptions): Matrix {
  const nBands = options.nBands ?? SPECTRAL_CONTRAST_DEFAULTS.nBands;
  const fMin = options.fMin ?? SPECTRAL_CONTRAST_DEFAULTS.fMin;
  const quantile = options.quantile ?? SPECTRAL_CONTRAST_DEFAULTS.quantile;
  const linear = options.linear ?? SPECTRAL_CONTRAST_DEFAULTS.linear;
  if (!(quantile > 0 && quantile < 1)) throw new RangeError(`quantile must be in (0, 1), got ${quantile}`);
  if (!(fMin > 0)) throw new RangeError(`fMin must be positive, got ${fMin}`);
  const s = toScale(input instanceof Float32Array ? magnitudeSpectrogram(input, options) : input, "magnitude");
  assertSpectrogramShape(s);
  const nFrames = s.nCols;
  const bands = contrastBands(s.nRows, s.fftSize, options.sampleRate, nBands, fMin, quantile);
  const peak = createMatrix(nBands + 1, nFrames);
  const valley = createMatrix(nBands + 1, nFrames);
  const maxN = Math.max(...bands.map((b) => b.n));
  const lowest = new Float64Array(maxN); // ascending: the n smallest seen so far
  const highest = new Float64Array(maxN); // descending: the n largest seen so far
  for (let k = 0; k <= nBands; k++) {
    const { lo, used } = bands[k];
    const n = Math.min(bands[k].n, used - lo);
    for (let t = 0; t < nFrames; t++) {
      // Partial selection (n is small) instead of numpy's full sort; the means are identical.
      lowest.fill(Number.POSITIVE_INFINITY, 0, n);
      highest.fill(Number.NEGATIVE_INFINITY, 0, n);
      for (let b = lo; b < used; b++) {
        const v = s.data[b * nFrames + t];
        if (v < lowest[n - 1]) {
          let i = n - 1;
          while (i > 0 && lowest[i - 1] > v) {
            lowest[i] = lowest[i - 1];
            i--;
          }
          lowest[i] = v;
        }
        if (v > highest[n - 1]) {
          let i = n - 1;
          while (i > 0 && highest[i - 1] < v) {
            highest[i] = highest[i - 1];
            i--;
          }
          highest[i] = v;
        }
      }
      let low = 0;
      let high = 0;
      for (let i = 0; i < n; i++) {
        low += lowest[i];
        high += highest[i];
      }
      valley.data[k * nFrames + t] = low / n;
      peak.data[k * nFrames + t] = high / n;
    }
  }
  const out = createMatrix(nBands + 1, nFrames);
  const a = linear ? peak : powerToDb(peak);
  const b = linear ? valley : powerToDb(valley);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] - b.data[i];
  return out;
}
