import { getFft, isPowerOfTwo } from "./fft.js";
import { createMatrix, type Matrix } from "./matrix.js";
import { hannWindow } from "./window.js";

export type PadMode = "constant" | "reflect" | "edge";

export interface StftOptions {
  /** FFT length in samples; a power of two (fft.js). Default 2048. */
  fftSize?: number;
  /** Samples between frames. Default fftSize / 4 (512 for 2048), like librosa. */
  hopLength?: number;
  /** "hann" (periodic, scipy fftbins=True) or explicit weights of length fftSize. */
  window?: "hann" | Float32Array | Float64Array;
  /** Centre frame t on sample t·hopLength by padding fftSize/2 on both sides. Default true. */
  center?: boolean;
  /** numpy pad mode used when centring. Default "constant" (zeros), librosa ≥ 0.10. */
  padMode?: PadMode;
}

export const STFT_DEFAULTS = {
  fftSize: 2048,
  window: "hann",
  center: true,
  padMode: "constant",
} as const satisfies StftOptions;

interface ResolvedStft {
  fftSize: number;
  hopLength: number;
  window: Float64Array | Float32Array;
  center: boolean;
  padMode: PadMode;
}

function resolveStft(options: StftOptions): ResolvedStft {
  const fftSize = options.fftSize ?? STFT_DEFAULTS.fftSize;
  if (!isPowerOfTwo(fftSize) || fftSize < 2) throw new RangeError(`fftSize must be a power of two ≥ 2, got ${fftSize}`);
  const hopLength = options.hopLength ?? fftSize / 4;
  if (!Number.isInteger(hopLength) || hopLength < 1) throw new RangeError(`hopLength must be a positive integer, got ${hopLength}`);
  const spec = options.window ?? STFT_DEFAULTS.window;
  const window = spec === "hann" ? hannWindow(fftSize) : spec;
  if (window.length !== fftSize) throw new RangeError(`window has ${window.length} samples, expected fftSize=${fftSize}`);
  return {
    fftSize,
    hopLength,
    window,
    center: options.center ?? STFT_DEFAULTS.center,
    padMode: options.padMode ?? STFT_DEFAULTS.padMode,
  };
}

/** Complex STFT, (1 + fftSize/2) bins × nFrames, real and imaginary parts as two matrices. */
export interface ComplexSpectrogram {
  readonly real: Matrix;
  readonly imag: Matrix;
  readonly fftSize: number;
  readonly hopLength: number;
}

/**
 * A magnitude |X| or power |X|² spectrogram: (1 + fftSize/2) bins × nFrames. It carries its
 * scale and framing so one STFT can feed mel, contrast, tuning and flux without recomputation.
 */
export interface Spectrogram extends Matrix {
  readonly scale: "magnitude" | "power";
  readonly fftSize: number;
  readonly hopLength: number;
}

/** Number of frames: 1 + floor(N / hop) when centred, 1 + floor((N − fftSize) / hop) otherwise. */
export function stftFrameCount(nSamples: number, options: StftOptions = {}): number {
  const { fftSize, hopLength, center } = resolveStft(options);
  if (center) return 1 + Math.floor(nSamples / hopLength);
  if (nSamples < fftSize) throw new RangeError(`signal of ${nSamples} samples is shorter than fftSize=${fftSize}`);
  return 1 + Math.floor((nSamples - fftSize) / hopLength);
}

/** Centre frequency in Hz of each STFT bin: k·sampleRate/fftSize, k = 0..fftSize/2. */
export function fftFrequencies(sampleRate: number, fftSize: number): Float64Array {
  const nBins = fftSize / 2 + 1;
  const out = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) out[k] = (k * sampleRate) / fftSize;
  return out;
}

function padSignal(x: Float32Array, pad: number, mode: PadMode): Float32Array {
  const out = new Float32Array(x.length + 2 * pad);
  out.set(x, pad);
  if (mode === "constant" || x.length === 0) return out;
  const n = x.length;
  if (mode === "edge") {
    out.fill(x[0], 0, pad);
    out.fill(x[n - 1], pad + n);
    return out;
  }
  if (n <= pad) throw new RangeError(`reflect padding of ${pad} needs more than ${pad} samples, got ${n}`);
  for (let i = 1; i <= pad; i++) {
    out[pad - i] = x[i];
    out[pad + n - 1 + i] = x[n - 1 - i];
  }
  return out;
}

type Sink = "complex" | "magnitude" | "power";

/** The one frame loop: window, real FFT (memoised plan), write one column per frame. */
function runStft(x: Float32Array, options: StftOptions, sink: Sink, a: Matrix, b: Matrix | null): void {
  const { fftSize, hopLength, window, center, padMode } = resolveStft(options);
  const nFrames = a.nCols;
  const nBins = fftSize / 2 + 1;
  const signal = center ? padSignal(x, fftSize / 2, padMode) : x;
  const fft = getFft(fftSize);
  const frame = new Float64Array(fftSize);
  const spectrum = new Float64Array(2 * fftSize);
  const outA = a.data;
  const outB = b === null ? null : b.data;
  for (let t = 0; t < nFrames; t++) {
    const offset = t * hopLength;
    for (let i = 0; i < fftSize; i++) frame[i] = signal[offset + i] * window[i];
    fft.realTransform(spectrum, frame);
    if (sink === "magnitude") {
      for (let k = 0, idx = t; k < nBins; k++, idx += nFrames) {
        const re = spectrum[2 * k];
        const im = spectrum[2 * k + 1];
        outA[idx] = Math.sqrt(re * re + im * im);
      }
    } else if (sink === "power") {
      for (let k = 0, idx = t; k < nBins; k++, idx += nFrames) {
        const re = spectrum[2 * k];
        const im = spectrum[2 * k + 1];
        outA[idx] = re * re + im * im;
      }
    } else if (outB !== null) {
      for (let k = 0, idx = t; k < nBins; k++, idx += nFrames) {
        outA[idx] = spectrum[2 * k];
        outB[idx] = spectrum[2 * k + 1];
      }
    }
  }
}

/**
 * Short-time Fourier transform, librosa.stft defaults: fftSize 2048, hop 512, periodic Hann,
 * centred with zero padding. Not window-normalised.
 */
export function stft(x: Float32Array, options: StftOptions = {}): ComplexSpectrogram {
  const { fftSize, hopLength } = resolveStft(options);
  const nFrames = stftFrameCount(x.length, options);
  const real = createMatrix(fftSize / 2 + 1, nFrames);
  const imag = createMatrix(fftSize / 2 + 1, nFrames);
  runStft(x, options, "complex", real, imag);
  return { real, imag, fftSize, hopLength };
}

function fromComplex(c: ComplexSpectrogram, scale: Spectrogram["scale"]): Spectrogram {
  const out = createMatrix(c.real.nRows, c.real.nCols);
  const re = c.real.data;
  const im = c.imag.data;
  const d = out.data;
  for (let i = 0; i < d.length; i++) {
    const p = re[i] * re[i] + im[i] * im[i];
    d[i] = scale === "power" ? p : Math.sqrt(p);
  }
  return { ...out, scale, fftSize: c.fftSize, hopLength: c.hopLength };
}

function isComplex(input: Float32Array | ComplexSpectrogram): input is ComplexSpectrogram {
  return !(input instanceof Float32Array);
}

/** |STFT| from samples (one pass, no complex intermediate) or from a complex STFT. */
export function magnitudeSpectrogram(input: Float32Array | ComplexSpectrogram, options: StftOptions = {}): Spectrogram {
  if (isComplex(input)) return fromComplex(input, "magnitude");
  const { fftSize, hopLength } = resolveStft(options);
  const out = createMatrix(fftSize / 2 + 1, stftFrameCount(input.length, options));
  runStft(input, options, "magnitude", out, null);
  return { ...out, scale: "magnitude", fftSize, hopLength };
}

/** |STFT|² from samples (one pass) or from a complex STFT. */
export function powerSpectrogram(input: Float32Array | ComplexSpectrogram, options: StftOptions = {}): Spectrogram {
  if (isComplex(input)) return fromComplex(input, "power");
  const { fftSize, hopLength } = resolveStft(options);
  const out = createMatrix(fftSize / 2 + 1, stftFrameCount(input.length, options));
  runStft(input, options, "power", out, null);
  return { ...out, scale: "power", fftSize, hopLength };
}

/** The same spectrogram on the requested scale (returns the input itself when it already is). */
export function toScale(s: Spectrogram, scale: Spectrogram["scale"]): Spectrogram {
  if (s.scale === scale) return s;
  const data = new Float32Array(s.data.length);
  const src = s.data;
  if (scale === "power") for (let i = 0; i < src.length; i++) data[i] = src[i] * src[i];
  else for (let i = 0; i < src.length; i++) data[i] = Math.sqrt(src[i]);
  return { data, nRows: s.nRows, nCols: s.nCols, scale, fftSize: s.fftSize, hopLength: s.hopLength };
}

/** Validate that a spectrogram has 1 + fftSize/2 rows. */
export function assertSpectrogramShape(s: Spectrogram): void {
  if (s.nRows !== s.fftSize / 2 + 1) {
    throw new RangeError(`spectrogram has ${s.nRows} rows, expected 1 + fftSize/2 = ${s.fftSize / 2 + 1}`);
  }
}
