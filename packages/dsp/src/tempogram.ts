import { getFft, nextPowerOfTwo } from "./fft.js";
import { createMatrix, type Matrix, meanOverColumns } from "./matrix.js";
import { FLOAT32_TINY } from "./normalize.js";
import { hannWindow } from "./window.js";

export interface TempogramOptions {
  /** Autocorrelation window in onset frames (= number of lags). Default 384 (≈ 8.9 s at 22050/512). */
  winLength?: number;
  /** Audio sample rate behind the onset envelope; only used for the `bpm` of each lag. Default 22050. */
  sampleRate?: number;
  /** Samples per onset frame; only used for the `bpm` of each lag. Default 512. */
  hopLength?: number;
  /** Centre window t on frame t using linear-ramp padding of winLength/2. Default true. */
  center?: boolean;
  /** Divide each column by its max |value| (Infinity) or leave raw (null). Default Infinity. */
  norm?: number | null;
}

export const TEMPOGRAM_DEFAULTS = {
  winLength: 384,
  sampleRate: 22050,
  hopLength: 512,
  center: true,
  norm: Number.POSITIVE_INFINITY,
} as const satisfies TempogramOptions;

/** A tempogram: lags (rows, in onset frames) × frames, plus the tempo of each lag row. */
export interface Tempogram extends Matrix {
  /** BPM of lag row ℓ, {@link lagToBpm}(ℓ, sampleRate, hopLength); row 0 is Infinity. */
  readonly bpm: Float64Array;
}

/** numpy.pad(mode="linear_ramp", end_values=0): ramps from 0 up to the edge values, exclusive. */
function linearRampPad(x: Float32Array, pad: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n + 2 * pad);
  const first = n > 0 ? x[0] : 0;
  const last = n > 0 ? x[n - 1] : 0;
  for (let i = 0; i < pad; i++) {
    out[i] = (first / pad) * i;
    out[pad + n + i] = (last / pad) * (pad - 1 - i);
  }
  for (let i = 0; i < n; i++) out[pad + i] = x[i];
  return out;
}

/**
 * Autocorrelation tempogram, librosa.feature.tempogram(onset_envelope=…) (reference P4):
 * linear-ramp padding, a periodic Hann window of winLength per frame, the linear autocorrelation
 * of each windowed frame for lags 0..winLength−1 (FFT of length ≥ 2·winLength − 1), and each
 * column divided by its max (columns below float32 tiny stay unscaled). winLength × N, with the
 * BPM of every lag row in `bpm` (from sampleRate and hopLength, which do not change the values).
 */
export function tempogram(onsetEnvelope: Float32Array, options: TempogramOptions = {}): Tempogram {
  const winLength = options.winLength ?? TEMPOGRAM_DEFAULTS.winLength;
  const center = options.center ?? TEMPOGRAM_DEFAULTS.center;
  const norm = options.norm === undefined ? TEMPOGRAM_DEFAULTS.norm : options.norm;
  if (!Number.isInteger(winLength) || winLength < 1) throw new RangeError(`winLength must be a positive integer, got ${winLength}`);
  if (norm !== null && norm !== Number.POSITIVE_INFINITY) throw new RangeError("tempogram norm must be Infinity or null");
  const n = onsetEnvelope.length;
  const padded = center ? linearRampPad(onsetEnvelope, Math.floor(winLength / 2)) : Float64Array.from(onsetEnvelope);
  const nFrames = center ? n : Math.max(0, n - winLength + 1);
  const window = hannWindow(winLength);
  const size = nextPowerOfTwo(2 * winLength - 1);
  const fft = getFft(size);
  const packed = new Float64Array(2 * size);
  const spectrum = new Float64Array(2 * size);
  const out = createMatrix(winLength, nFrames);
  // Two windows per complex FFT: z = a + i·b. Their power spectra |A|², |B|² are real and even,
  // so the inverse FFT of |A|² + i·|B|² returns both autocorrelations, in its real and imaginary parts.
  for (let t = 0; t < nFrames; t += 2) {
    const hasSecond = t + 1 < nFrames;
    packed.fill(0);
    for (let i = 0; i < winLength; i++) {
      packed[2 * i] = padded[t + i] * window[i];
      if (hasSecond) packed[2 * i + 1] = padded[t + 1 + i] * window[i];
    }
    fft.transform(spectrum, packed);
    for (let k = 0; k < size; k++) {
      const m = (size - k) & (size - 1);
      const zr = spectrum[2 * k];
      const zi = spectrum[2 * k + 1];
      const cr = spectrum[2 * m];
      const ci = -spectrum[2 * m + 1];
      // A = (Z_k + conj Z_{−k}) / 2, B = (Z_k − conj Z_{−k}) / 2i
      packed[2 * k] = 0.25 * ((zr + cr) * (zr + cr) + (zi + ci) * (zi + ci));
      packed[2 * k + 1] = 0.25 * ((zr - cr) * (zr - cr) + (zi - ci) * (zi - ci));
    }
    fft.inverseTransform(spectrum, packed);
    writeColumn(out, t, spectrum, 0, winLength, norm);
    if (hasSecond) writeColumn(out, t + 1, spectrum, 1, winLength, norm);
  }
  const sampleRate = options.sampleRate ?? TEMPOGRAM_DEFAULTS.sampleRate;
  const hopLength = options.hopLength ?? TEMPOGRAM_DEFAULTS.hopLength;
  return { ...out, bpm: tempoFrequencies(winLength, sampleRate, hopLength) };
}

/** Copy lags 0..winLength−1 from the real (part 0) or imaginary (part 1) slots, max-normalised. */
function writeColumn(out: Matrix, t: number, acf: Float64Array, part: 0 | 1, winLength: number, norm: number | null): void {
  let max = 0;
  for (let l = 0; l < winLength; l++) max = Math.max(max, Math.abs(acf[2 * l + part]));
  const scale = norm === null || max < FLOAT32_TINY ? 1 : 1 / max;
  for (let l = 0, idx = t; l < winLength; l++, idx += out.nCols) out.data[idx] = acf[2 * l + part] * scale;
}

/** Time-averaged tempogram: the mean of each lag row over frames (reference avg_tg); length winLength. */
export function meanTempogram(tg: Matrix): Float32Array {
  return meanOverColumns(tg);
}

/** BPM of an autocorrelation lag in frames: 60·sampleRate / (hopLength·lag); lag 0 → Infinity. */
export function lagToBpm(lag: number, sampleRate: number, hopLength: number): number {
  return (60 * sampleRate) / (hopLength * lag);
}

/** BPM of lags 0..nLags−1 (librosa.tempo_frequencies); lag 0 is Infinity. */
export function tempoFrequencies(nLags: number, sampleRate: number, hopLength: number): Float64Array {
  const out = new Float64Array(nLags);
  for (let l = 0; l < nLags; l++) out[l] = lagToBpm(l, sampleRate, hopLength);
  return out;
}

/** Lag in (fractional) frames of a tempo: 60·sampleRate / (hopLength·bpm). */
export function bpmToLag(bpm: number, sampleRate: number, hopLength: number): number {
  return (60 * sampleRate) / (hopLength * bpm);
}
