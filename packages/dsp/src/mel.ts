import { createMatrix, type Matrix } from "./matrix.js";
import { assertSpectrogramShape, fftFrequencies, magnitudeSpectrogram, type Spectrogram, type StftOptions } from "./stft.js";

// Slaney's Auditory Toolbox mel scale: linear below 1 kHz, logarithmic above.
const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP; // 15
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

/** Hz → mel (Slaney by default, HTK 2595·log10(1 + f/700) when htk). librosa.hz_to_mel. */
export function hzToMel(hz: number, htk = false): number {
  if (htk) return 2595 * Math.log10(1 + hz / 700);
  if (hz >= SLANEY_MIN_LOG_HZ) return SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOG_STEP;
  return hz / SLANEY_F_SP;
}

/** mel → Hz, inverse of {@link hzToMel}. librosa.mel_to_hz. */
export function melToHz(mel: number, htk = false): number {
  if (htk) return 700 * (10 ** (mel / 2595) - 1);
  if (mel >= SLANEY_MIN_LOG_MEL) return SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_MIN_LOG_MEL));
  return SLANEY_F_SP * mel;
}

/** nMels frequencies (Hz) equally spaced on the mel scale from fMin to fMax inclusive. librosa.mel_frequencies. */
export function melFrequencies(nMels: number, fMin: number, fMax: number, htk = false): Float64Array {
  const lo = hzToMel(fMin, htk);
  const hi = hzToMel(fMax, htk);
  const out = new Float64Array(nMels);
  // numpy linspace: lo + i·step, with the last point exactly hi.
  const step = nMels > 1 ? (hi - lo) / (nMels - 1) : 0;
  for (let i = 0; i < nMels; i++) out[i] = melToHz(i === nMels - 1 && nMels > 1 ? hi : lo + i * step, htk);
  return out;
}

export interface MelOptions {
  /** Number of mel bands. Default 128. */
  nMels?: number;
  /** Lowest band edge in Hz. Default 0. */
  fMin?: number;
  /** Highest band edge in Hz. Default sampleRate / 2. */
  fMax?: number;
  /** HTK mel formula instead of Slaney's. Default false. */
  htk?: boolean;
  /** "slaney": divide each triangle by its width in Hz (constant area); a number p: unit L^p rows; null: none. */
  norm?: "slaney" | number | null;
}

export const MEL_DEFAULTS = { nMels: 128, fMin: 0, htk: false, norm: "slaney" } as const satisfies MelOptions;

/** Mel weights (nMels × (1 + fftSize/2)) plus each filter's nonzero bin range [start, end). */
export interface MelFilterBank {
  readonly weights: Matrix;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** The nMels + 2 band edges in Hz; band m spans edges[m]..edges[m + 2] and peaks at edges[m + 1]. */
  readonly edgesHz: Float64Array;
}

const filterBankCache = new Map<string, MelFilterBank>();

/**
 * Triangular mel filters exactly like librosa.filters.mel (float64 arithmetic, float32 weights).
 * Memoised per parameter set; treat the result as read-only.
 */
export function melFilterBank(options: MelOptions & { sampleRate: number; fftSize: number }): MelFilterBank {
  const { sampleRate, fftSize } = options;
  const nMels = options.nMels ?? MEL_DEFAULTS.nMels;
  const fMin = options.fMin ?? MEL_DEFAULTS.fMin;
  const fMax = options.fMax ?? sampleRate / 2;
  const htk = options.htk ?? MEL_DEFAULTS.htk;
  const norm = options.norm === undefined ? MEL_DEFAULTS.norm : options.norm;
  const key = `${sampleRate}|${fftSize}|${nMels}|${fMin}|${fMax}|${htk}|${norm}`;
  const cached = filterBankCache.get(key);
  if (cached !== undefined) return cached;

  const nBins = Math.floor(fftSize / 2) + 1;
  const freqs = fftFrequencies(sampleRate, fftSize);
  const edges = melFrequencies(nMels + 2, fMin, fMax, htk);
  const weights = createMatrix(nMels, nBins);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  const row = new Float64Array(nBins);
  for (let m = 0; m < nMels; m++) {
    const lowerWidth = edges[m + 1] - edges[m];
    const upperWidth = edges[m + 2] - edges[m + 1];
    const enorm = norm === "slaney" ? 2 / (edges[m + 2] - edges[m]) : 1;
    let first = -1;
    let last = -1;
    for (let k = 0; k < nBins; k++) {
      const lower = (freqs[k] - edges[m]) / lowerWidth;
      const upper = (edges[m + 2] - freqs[k]) / upperWidth;
      const w = Math.max(0, Math.min(lower, upper));
      row[k] = w * enorm;
      if (w > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    if (typeof norm === "number") normalizeRow(row, norm);
    const base = m * nBins;
    for (let k = 0; k < nBins; k++) weights.data[base + k] = row[k];
    start[m] = Math.max(first, 0);
    end[m] = first < 0 ? 0 : last + 1;
  }
  const bank: MelFilterBank = { weights, start, end, edgesHz: edges };
  filterBankCache.set(key, bank);
  return bank;
}

function normalizeRow(row: Float64Array, p: number): void {
  let length = 0;
  if (p === Number.POSITIVE_INFINITY) for (const v of row) length = Math.max(length, Math.abs(v));
  else {
    for (const v of row) length += Math.abs(v) ** p;
    length **= 1 / p;
  }
  if (length > 0) for (let k = 0; k < row.length; k++) row[k] /= length;
}

/**
 * Apply a mel filter bank to a spectrogram: out[m, t] = Σ_k W[m, k] · S[k, t]^exponent, visiting
 * only each filter's nonzero bins. `exponent` 2 turns a magnitude spectrogram into power on the fly.
 */
export function applyMelFilterBank(bank: MelFilterBank, s: Matrix, exponent: 1 | 2 = 1): Matrix {
  const { weights, start, end } = bank;
  if (s.nRows !== weights.nCols) throw new RangeError(`spectrogram has ${s.nRows} bins, filter bank expects ${weights.nCols}`);
  const nFrames = s.nCols;
  const out = createMatrix(weights.nRows, nFrames);
  const acc = new Float64Array(nFrames);
  const src = s.data;
  for (let m = 0; m < weights.nRows; m++) {
    acc.fill(0);
    for (let k = start[m]; k < end[m]; k++) {
      const w = weights.data[m * weights.nCols + k];
      const base = k * nFrames;
      if (exponent === 2) {
        for (let t = 0; t < nFrames; t++) {
          const v = src[base + t];
          acc[t] += w * v * v;
        }
      } else {
        for (let t = 0; t < nFrames; t++) acc[t] += w * src[base + t];
      }
    }
    out.data.set(acc, m * nFrames);
  }
  return out;
}

export interface MelSpectrogramOptions extends MelOptions, StftOptions {
  sampleRate: number;
  /** 2: power mel spectrogram (librosa default); 1: magnitude mel spectrogram. */
  power?: 1 | 2;
}

/**
 * librosa.feature.melspectrogram: nMels × nFrames. `input` is either samples (an STFT is taken
 * with the STFT options) or a precomputed {@link Spectrogram} of either scale, which is converted
 * to |X|^power on the fly, so one STFT serves mel, contrast and tuning.
 */
export function melSpectrogram(input: Float32Array | Spectrogram, options: MelSpectrogramOptions): Matrix {
  const power = options.power ?? 2;
  const s = input instanceof Float32Array ? magnitudeSpectrogram(input, options) : input;
  assertSpectrogramShape(s);
  const bank = melFilterBank({ ...options, fftSize: s.fftSize });
  if (s.scale === "magnitude") return applyMelFilterBank(bank, s, power);
  if (power === 2) return applyMelFilterBank(bank, s, 1);
  const magnitude = new Float32Array(s.data.length);
  for (let i = 0; i < magnitude.length; i++) magnitude[i] = Math.sqrt(s.data[i]);
  return applyMelFilterBank(bank, { data: magnitude, nRows: s.nRows, nCols: s.nCols }, 1);
}
