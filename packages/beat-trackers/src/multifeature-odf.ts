/**
 * The five onset detection functions of essentia's BeatTrackerMultiFeature, computed in TypeScript
 * from one shared STFT (the WASM versions take ~1.7 s on 30 s of audio, these ~0.3 s). Each one
 * follows essentia's algorithm step by step, so essentia's TempoTapDegara and TempoTapMaxAgreement
 * decode them to essentia's beats (verified in multifeature.test.ts):
 *
 * - frame-wise, frames 2048 / hop 1024 (streaming FrameCutter, startFromZero, silent frames get
 *   −100 dB noise): OnsetDetection `complex`, `rms` and `melflux`;
 * - global, frames 2048 / hop 512 (standard FrameCutter, no noise): OnsetDetectionGlobal
 *   `beat_emphasis` and `infogain`.
 *
 * All frames are cut from zero, windowed with essentia's normalised symmetric Hann window in
 * zero-phase order (the two halves swapped) and transformed with fft.js. Every hop-1024 frame is a
 * hop-512 frame, so one FFT per hop-512 frame serves all five functions. Phases are carried as unit
 * phasors, so essentia's atan2/fmod/polar chains become complex products (identical up to float
 * rounding; a zero bin has phase 0, as essentia's atan2(0, 0)).
 */

import { autocorrelate, getFft, hzToMel, melToHz } from "@tactus/dsp";

/** Sample rate the functions are defined at (essentia hard-codes it in BeatTrackerMultiFeature). */
export const ODF_SAMPLE_RATE = 44100;
const ODF_FRAME_SIZE = 2048;
/** Hop of the frame-wise functions (complex, rms, melflux). */
export const ODF_HOP_FRAMEWISE = 1024;
/** Hop of the global functions (beat_emphasis, infogain). */
export const ODF_HOP_GLOBAL = 512;

const N = ODF_FRAME_SIZE;
const HALF = N / 2;
const BINS = HALF + 1;
/** essentia: float epsilon (numeric_limits<Real>::epsilon()). */
const FLOAT_EPSILON = 2 ** -23;

export interface MultifeatureOdfs {
  /** OnsetDetection `complex`, one value per hop-1024 frame. */
  complex: Float32Array;
  /** OnsetDetection `rms`, one value per hop-1024 frame. */
  rms: Float32Array;
  /** OnsetDetection `melflux`, one value per hop-1024 frame. */
  melflux: Float32Array;
  /** OnsetDetectionGlobal `beat_emphasis`, one value per hop-512 frame. */
  beatEmphasis: Float32Array;
  /** OnsetDetectionGlobal `infogain`, one value per hop-512 frame. */
  infogain: Float32Array;
}

/**
 * Number of frames essentia's FrameCutter (startFromZero) cuts from n samples: frames start at
 * multiples of `hop`, and the first frame reaching the end of the signal (zero-padded) is the last.
 */
export function essentiaFrameCount(n: number, hop: number): number {
  if (n <= 0) return 0;
  return n <= N ? 1 : Math.ceil((n - N) / hop) + 1;
}

let hannCache: Float64Array | undefined;

/** essentia's Windowing "hann": 0.5 − 0.5·cos(2πi/(n−1)), scaled so that it sums to 2. */
function essentiaHann(): Float64Array {
  if (hannCache === undefined) {
    const w = new Float64Array(N);
    let sum = 0;
    for (let i = 0; i < N; i++) {
      w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (N - 1));
      sum += w[i]!;
    }
    for (let i = 0; i < N; i++) w[i]! *= 2 / sum;
    hannCache = w;
  }
  return hannCache;
}

/** One analysed frame: magnitudes and unit phasors (zero bins get phase 0). */
interface FrameSpectrum {
  mag: Float64Array;
  cos: Float64Array;
  sin: Float64Array;
}

function newFrameSpectrum(): FrameSpectrum {
  return { mag: new Float64Array(BINS), cos: new Float64Array(BINS), sin: new Float64Array(BINS) };
}

/**
 * Window `frame` (2048 samples) in zero-phase order, transform it and write magnitudes and phasors
 * into `out`. `fftIn`/`fftOut` are scratch buffers of fft.js.
 */
function analyseFrame(frame: Float64Array, fftIn: Float64Array, fftOut: Float64Array, out: FrameSpectrum): void {
  const w = essentiaHann();
  for (let i = 0; i < HALF; i++) {
    fftIn[i] = frame[HALF + i]! * w[HALF + i]!;
    fftIn[HALF + i] = frame[i]! * w[i]!;
  }
  getFft(N).realTransform(fftOut, fftIn);
  const { mag, cos, sin } = out;
  for (let k = 0; k < BINS; k++) {
    const re = fftOut[2 * k]!;
    const im = fftOut[2 * k + 1]!;
    const m = Math.sqrt(re * re + im * im);
    mag[k] = m;
    if (m > 0) {
      cos[k] = re / m;
      sin[k] = im / m;
    } else {
      cos[k] = 1;
      sin[k] = 0;
    }
  }
}

/** Copy the frame starting at `start` (zero-padded past the end) into `frame`. */
function cutFrame(signal: Float32Array, start: number, frame: Float64Array): void {
  const end = Math.min(signal.length, start + N);
  let i = 0;
  for (let t = start; t < end; t++, i++) frame[i] = signal[t]!;
  for (; i < N; i++) frame[i] = 0;
}

/** Instant power of the frame starting at `start` (only the frame-wise functions test it). */
function framePower(signal: Float32Array, start: number): number {
  const end = Math.min(signal.length, start + N);
  let energy = 0;
  for (let t = start; t < end; t++) {
    const v = signal[t]!;
    energy += v * v;
  }
  return energy / N;
}

/**
 * MT19937 (Matsumoto & Nishimura), the generator behind essentia's NoiseAdder (fixed seed 0 in
 * the streaming FrameCutter). Yields doubles in [0, 1] like MTRand's `operator()`.
 */
export function mersenneTwister(seed: number): () => number {
  const state = new Uint32Array(624);
  state[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = state[i - 1]! ^ (state[i - 1]! >>> 30);
    state[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  let index = 624;
  const twist = () => {
    for (let i = 0; i < 624; i++) {
      const y = (state[i]! & 0x80000000) | (state[(i + 1) % 624]! & 0x7fffffff);
      state[i] = state[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    index = 0;
  };
  return () => {
    if (index >= 624) twist();
    let y = state[index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return (y >>> 0) / 4294967295;
  };
}

/** essentia's isSilent threshold (instant power below −100 dB). */
const SILENCE_POWER = 1e-10;
/** NoiseAdder level for silent frames: db2pow(−100) in float. */
const NOISE_LEVEL = Math.fround(1e-10);

// ---------------------------------------------------------------------------------------------
// Filter banks

/** essentia MelBands(numberBands 40, 0–4000 Hz, htkMel, unit_sum, power) over 1025 bins at 44.1 kHz. */
export interface SparseBank {
  start: Int32Array;
  weights: Float64Array[];
}

let melCache: SparseBank | undefined;

export function melBank(): SparseBank {
  if (melCache !== undefined) return melCache;
  const nBands = 40;
  // HTK mel scale (`true`), as essentia's MelBands uses.
  const lowMel = hzToMel(0, true);
  const step = (hzToMel(4000, true) - lowMel) / (nBands + 1);
  const edges = new Float64Array(nBands + 2);
  for (let i = 0, mel = lowMel; i < nBands + 2; i++, mel += step) edges[i] = melToHz(mel, true);
  const binHz = ODF_SAMPLE_RATE / 2 / (BINS - 1);
  const start = new Int32Array(nBands);
  const weights: Float64Array[] = [];
  for (let b = 0; b < nBands; b++) {
    const lo = edges[b]!;
    const mid = edges[b + 1]!;
    const hi = edges[b + 2]!;
    const rise = hzToMel(mid, true) - hzToMel(lo, true);
    const fall = hzToMel(hi, true) - hzToMel(mid, true);
    // Every bin inside the triangle (essentia.js's build sums one bin past int(hi / binHz + 0.5)).
    const jBegin = Math.floor(lo / binHz);
    const jEnd = Math.ceil(hi / binHz) + 1;
    const w = new Float64Array(Math.max(0, jEnd - jBegin));
    let sum = 0;
    for (let j = jBegin; j < jEnd; j++) {
      const f = j * binHz;
      let v = 0;
      if (f >= lo && f < mid) v = (hzToMel(f, true) - hzToMel(lo, true)) / rise;
      else if (f >= mid && f < hi) v = (hzToMel(hi, true) - hzToMel(f, true)) / fall;
      w[j - jBegin] = v;
      sum += v;
    }
    if (sum !== 0) for (let j = 0; j < w.length; j++) w[j]! /= sum;
    start[b] = jBegin;
    weights.push(w);
  }
  melCache = { start, weights };
  return melCache;
}

/** Number of ERB bands of beat_emphasis. */
const ERB_BANDS = 40;
let erbCache: Float64Array | undefined;

/**
 * essentia ERBBands(inputSize 1025, 40 bands, 80 Hz – 22 050 Hz, magnitude, width 1) at 44.1 kHz:
 * the gammatone filter bank of Ellis' gammatonegram, as a row-major 40 × 1025 matrix.
 */
export function erbBank(): Float64Array {
  if (erbCache !== undefined) return erbCache;
  const earQ = 9.26449;
  const minBw = 24.7;
  const sr = ODF_SAMPLE_RATE;
  const lowHz = 80;
  const highHz = sr / 2;
  const bw = earQ * minBw;
  const centres = new Float64Array(ERB_BANDS);
  for (let i = 1; i <= ERB_BANDS; i++) {
    centres[ERB_BANDS - i] =
      -bw + Math.exp((i * (-Math.log(highHz + bw) + Math.log(lowHz + bw))) / ERB_BANDS) * (highHz + bw);
  }
  const T = 1 / sr;
  const sqrP = Math.sqrt(3 + 2 ** 1.5);
  const sqrM = Math.sqrt(3 - 2 ** 1.5);
  const bank = new Float64Array(ERB_BANDS * BINS);
  // Complex helpers on [re, im] pairs.
  type C = [number, number];
  const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
  const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
  const scale = (a: C, s: number): C => [a[0] * s, a[1] * s];
  const expj = (phi: number): C => [Math.cos(phi), Math.sin(phi)];
  const abs = (a: C) => Math.hypot(a[0], a[1]);
  const div = (a: C, b: C): C => {
    const d = b[0] * b[0] + b[1] * b[1];
    return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
  };
  for (let b = 0; b < ERB_BANDS; b++) {
    const cf = centres[b]!;
    const erb = cf / earQ + minBw;
    const B = 1.019 * 2 * Math.PI * erb;
    const r = Math.exp(-B / sr);
    const theta = (2 * Math.PI * cf) / sr;
    const pole: C = [r * Math.cos(theta), r * Math.sin(theta)];
    const sinCf = Math.sin(2 * cf * Math.PI * T);
    const cosCf = Math.cos(2 * cf * Math.PI * T);
    const gtCos = (2 * T * cosCf) / Math.exp(B * T);
    const gtSin = (T * sinCf) / Math.exp(B * T);
    const zeros = [
      (gtCos + 2 * sqrP * gtSin) / 2 / T,
      (gtCos - 2 * sqrP * gtSin) / 2 / T,
      (gtCos + 2 * sqrM * gtSin) / 2 / T,
      (gtCos - 2 * sqrM * gtSin) / 2 / T,
    ];
    const g1 = scale(expj(4 * cf * Math.PI * T), -2 * T);
    const g2 = scale(expj(2 * cf * Math.PI * T), 2 * Math.exp(-B * T) * T);
    const cxExp = expj(4 * cf * Math.PI * T);
    let num: C = [1, 0];
    for (const [c, s] of [
      [cosCf, -sqrM * sinCf],
      [cosCf, sqrM * sinCf],
      [cosCf, -sqrP * sinCf],
      [cosCf, sqrP * sinCf],
    ] as const) {
      num = mul(num, add(g1, scale(g2, c + s)));
    }
    const base = add(
      add([-2 / Math.exp(2 * B * T), 0], scale(cxExp, -2)),
      scale(add([1, 0], cxExp), 2 / Math.exp(B * T)),
    );
    const base2 = mul(base, base);
    const gain = abs(div(num, mul(base2, base2)));
    const row = b * BINS;
    for (let j = 0; j < BINS; j++) {
      const u = expj((2 * Math.PI * j) / N);
      let v = T ** 4 / gain;
      for (const z of zeros) v *= Math.hypot(u[0] - z, u[1]);
      const d: C = [pole[0] - u[0], pole[1] - u[1]];
      v *= abs(mul(d, d)) ** -4;
      bank[row + j] = v;
    }
  }
  erbCache = bank;
  return bank;
}

// ---------------------------------------------------------------------------------------------
// Per-function state

/**
 * Per-bin squared complex-domain difference |S₁ − S·e^{j(φ − 2φ₁ − σφ₂)}|² between a frame and the
 * one predicted from the previous two (state starts at zero magnitude and phase, as in essentia).
 * σ = −1 is OnsetDetection `complex` (target phase 2φ₁ − φ₂); σ = +1 is beat_emphasis, whose
 * essentia source writes the target as 2φ₁ + φ₂. Phases are unit phasors, so the target's fmod and
 * polar() become the rotation conj(u₁)²·(u₂ or conj(u₂)).
 */
class ComplexDifference {
  private readonly prevMag = new Float64Array(BINS);
  private readonly rotRe = new Float64Array(BINS).fill(1);
  private readonly rotIm = new Float64Array(BINS);
  private readonly prevCos = new Float64Array(BINS).fill(1);
  private readonly prevSin = new Float64Array(BINS);

  constructor(private readonly phase2Sign: 1 | -1) {}

  /** Writes the differences to out[offset … offset + BINS − 1]. */
  next(s: FrameSpectrum, out: Float64Array, offset = 0): void {
    const { mag, cos, sin } = s;
    const { prevMag, rotRe, rotIm, prevCos, prevSin } = this;
    const sign = -this.phase2Sign;
    for (let k = 0; k < BINS; k++) {
      const m = mag[k]!;
      const c = cos[k]! * rotRe[k]! - sin[k]! * rotIm[k]!;
      const sn = cos[k]! * rotIm[k]! + sin[k]! * rotRe[k]!;
      const dRe = prevMag[k]! - m * c;
      const dIm = m * sn;
      out[offset + k] = dRe * dRe + dIm * dIm;
      // The next frame's rotation: conj(u)² · (u₁ or conj(u₁)).
      const c2 = cos[k]! * cos[k]! - sin[k]! * sin[k]!;
      const s2 = -2 * cos[k]! * sin[k]!;
      const ps = sign * prevSin[k]!;
      rotRe[k] = c2 * prevCos[k]! - s2 * ps;
      rotIm[k] = c2 * ps + s2 * prevCos[k]!;
      prevCos[k] = cos[k]!;
      prevSin[k] = sin[k]!;
      prevMag[k] = m;
    }
  }
}

/** OnsetDetection complex / rms / melflux over the hop-1024 frames. */
class FramewiseOdfs {
  readonly complex: Float32Array;
  readonly rms: Float32Array;
  readonly melflux: Float32Array;
  private frame = 0;
  private readonly difference = new ComplexDifference(-1);
  private readonly squared = new Float64Array(BINS);
  private prevRms = 0;
  private readonly prevMelDb = new Float64Array(40);

  constructor(nFrames: number) {
    this.complex = new Float32Array(nFrames);
    this.rms = new Float32Array(nFrames);
    this.melflux = new Float32Array(nFrames);
  }

  push(s: FrameSpectrum): void {
    const { mag } = s;
    const t = this.frame++;
    this.difference.next(s, this.squared);
    let complex = 0;
    let power = 0;
    for (let k = 0; k < BINS; k++) {
      complex += Math.sqrt(this.squared[k]!);
      power += mag[k]! * mag[k]!;
    }
    this.complex[t] = complex;

    const rms = Math.sqrt(power) / BINS;
    this.rms[t] = t === 0 ? 0 : Math.max(0, rms - this.prevRms);
    this.prevRms = rms;

    const { start, weights } = melBank();
    let flux = 0;
    for (let b = 0; b < weights.length; b++) {
      const w = weights[b]!;
      const j0 = start[b]!;
      let energy = 0;
      for (let j = 0; j < w.length; j++) {
        const m = mag[j0 + j]!;
        energy += m * m * w[j]!;
      }
      const db = energy < 1e-10 ? -200 : 20 * Math.log10(energy);
      const diff = db - this.prevMelDb[b]!;
      if (diff > 0) flux += diff;
      this.prevMelDb[b] = db;
    }
    this.melflux[t] = t === 0 ? 0 : flux;
  }
}

/** OnsetDetectionGlobal infogain: bins 2..232, ±5 frames histogrammed with triangular weights. */
class InfogainOdf {
  private static readonly HIST = 5;
  private static readonly MIN_BIN = Math.round((40 * N) / ODF_SAMPLE_RATE);
  private static readonly MAX_BIN = Math.round((5000 * N) / ODF_SAMPLE_RATE) + 1;
  private static readonly SIZE = 2 * InfogainOdf.HIST + 1;
  readonly values: Float32Array;
  private readonly nBins = InfogainOdf.MAX_BIN - InfogainOdf.MIN_BIN;
  /** The last 11 frames' bins, slot after slot (nBins each). */
  private readonly ring: Float64Array;
  private head = 0;
  private frame = 0;
  /** weights[i] = 1 − 0.9·i/5: the weight of the frame i + 1 frames away. */
  private readonly weights: Float64Array;

  constructor(nFrames: number) {
    this.values = new Float32Array(nFrames);
    this.ring = new Float64Array(InfogainOdf.SIZE * this.nBins);
    this.weights = Float64Array.from({ length: InfogainOdf.HIST }, (_, i) => 1 - (i * 0.9) / InfogainOdf.HIST);
  }

  push(mag: Float64Array): void {
    const size = InfogainOdf.SIZE;
    const nBins = this.nBins;
    const ring = this.ring;
    // After this push, slot (head + i) % 11 holds buffer[i]: buffer[0..4] are the older frames,
    // buffer[6..10] the newer ones.
    ring.set(mag.subarray(InfogainOdf.MIN_BIN, InfogainOdf.MAX_BIN), this.head * nBins);
    this.head = (this.head + 1) % size;
    const at = (i: number) => ((this.head + i) % size) * nBins;
    const o0 = at(0);
    const o1 = at(1);
    const o2 = at(2);
    const o3 = at(3);
    const o4 = at(4);
    const n0 = at(6);
    const n1 = at(7);
    const n2 = at(8);
    const n3 = at(9);
    const n4 = at(10);
    const w = this.weights;
    const w0 = w[0]!;
    const w1 = w[1]!;
    const w2 = w[2]!;
    const w3 = w[3]!;
    const w4 = w[4]!;
    let detection = 0;
    for (let b = 0; b < nBins; b++) {
      // Each histogram summed in essentia's order: older frames farthest first, newer nearest first.
      let hOld = 0;
      hOld += ring[o0 + b]! * w4;
      hOld += ring[o1 + b]! * w3;
      hOld += ring[o2 + b]! * w2;
      hOld += ring[o3 + b]! * w1;
      hOld += ring[o4 + b]! * w0;
      let hNew = 0;
      hNew += ring[n0 + b]! * w0;
      hNew += ring[n1 + b]! * w1;
      hNew += ring[n2 + b]! * w2;
      hNew += ring[n3 + b]! * w3;
      hNew += ring[n4 + b]! * w4;
      if (hOld === 0) hOld = 1;
      if (hNew === 0) hNew = FLOAT_EPSILON;
      // Only positive gains count, and log2(r) > 0 exactly when r > 1: the log is taken only then.
      const ratio = hNew / hOld;
      if (ratio > 1) detection += Math.log2(ratio);
    }
    this.values[this.frame++] = detection;
  }
}

/** Frames whose spectral differences are projected onto the ERB bands together (see flush, which
 * also takes the 40 bands two at a time). */
const ERB_BLOCK = 4;

/** OnsetDetectionGlobal beat_emphasis, first stage: complex spectral difference per ERB band. */
class BeatEmphasisOdf {
  /** Band-major: bands[b · nFrames + t]. */
  private readonly bands: Float64Array;
  private readonly nFrames: number;
  private frame = 0;
  private readonly difference = new ComplexDifference(1);
  /** Spectral differences of up to BLOCK frames, projected onto the ERB bands together. */
  private readonly block = new Float64Array(ERB_BLOCK * BINS);
  private blockFrames = 0;

  constructor(nFrames: number) {
    this.nFrames = nFrames;
    this.bands = new Float64Array(ERB_BANDS * nFrames);
  }

  push(s: FrameSpectrum): void {
    this.difference.next(s, this.block, this.blockFrames * BINS);
    this.frame++;
    if (++this.blockFrames === ERB_BLOCK) this.flush();
  }

  /**
   * ERBBands(type magnitude) of the buffered differences: two bands × four frames share each read
   * (eight independent sums, each over the bins in order).
   */
  private flush(): void {
    const bank = erbBank();
    const d = this.block;
    const count = this.blockFrames;
    const t0 = this.frame - count;
    const n = this.nFrames;
    for (let b = 0; b < ERB_BANDS; b += 2) {
      const row0 = b * BINS;
      const row1 = row0 + BINS;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let k = 0; k < BINS; k++) {
        const w = bank[row0 + k]!;
        const v = bank[row1 + k]!;
        const d0 = d[k]!;
        const d1 = d[BINS + k]!;
        const d2 = d[2 * BINS + k]!;
        const d3 = d[3 * BINS + k]!;
        a0 += d0 * w;
        a1 += d1 * w;
        a2 += d2 * w;
        a3 += d3 * w;
        c0 += d0 * v;
        c1 += d1 * v;
        c2 += d2 * v;
        c3 += d3 * v;
      }
      const out0 = b * n + t0;
      const out1 = out0 + n;
      const bands = this.bands;
      bands[out0] = a0;
      bands[out1] = c0;
      if (count > 1) {
        bands[out0 + 1] = a1;
        bands[out1 + 1] = c1;
      }
      if (count > 2) {
        bands[out0 + 2] = a2;
        bands[out1 + 2] = c2;
      }
      if (count > 3) {
        bands[out0 + 3] = a3;
        bands[out1 + 3] = c3;
      }
    }
    this.blockFrames = 0;
  }

  /** Second stage over the whole signal: normalise, detrend, weight bands by periodicity, sum. */
  finish(): Float32Array {
    if (this.blockFrames > 0) this.flush();
    const n = this.nFrames;
    const out = new Float32Array(n);
    if (n === 0) return out;
    const halfWindow = 8;
    const maxPeriod = Math.round((5.944308390022676 * ODF_SAMPLE_RATE) / ODF_HOP_GLOBAL);
    const rayleigh = Math.round((43 * 512) / maxPeriod) ** 2;
    const tempoWeights = new Float64Array(maxPeriod);
    for (let i = 0; i < maxPeriod; i++) {
      const tau = i + 1;
      tempoWeights[i] = (tau / rayleigh) * Math.exp((-0.5 * tau * tau) / rayleigh);
    }
    const padded = n + 2 * halfWindow;
    const bandSignals: Float64Array[] = [];
    const bandWeights = new Float64Array(ERB_BANDS);
    for (let b = 0; b < ERB_BANDS; b++) {
      const x = new Float64Array(padded);
      x.set(this.bands.subarray(b * n, (b + 1) * n));
      // Unit variance (population standard deviation; the mean is kept).
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i]!;
      mean /= n;
      let variance = 0;
      for (let i = 0; i < n; i++) variance += (x[i]! - mean) ** 2;
      const sd = Math.sqrt(variance / n);
      if (sd > 0) for (let i = 0; i < n; i++) x[i]! /= sd;
      // essentia pads 16 copies of the last value, averages x[i..i+16] and keeps the padding
      // (un-detrended) at the end of the band signal, which enters the autocorrelation.
      x.fill(x[n - 1]!, n);
      let window = 0;
      for (let i = 0; i <= 2 * halfWindow; i++) window += x[i]!;
      const detrended = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        detrended[i] = Math.max(0, x[i]! - window / (2 * halfWindow + 1));
        if (i + 2 * halfWindow + 1 < padded) window += x[i + 2 * halfWindow + 1]! - x[i]!;
      }
      x.set(detrended);
      bandSignals.push(x);
      const acf = unbiasedAutocorrelation(x, maxPeriod);
      // Comb filter over 4 metrical levels, weighted by the Rayleigh tempo preference.
      const combs = 4;
      const periodMax = Math.trunc((maxPeriod - (combs - 1)) / combs) - 1;
      let best = 0;
      for (let period = 3; period < periodMax; period++) {
        let v = 0;
        for (let comb = 1; comb <= combs; comb++) {
          const width = 2 * comb - 1;
          for (let region = 1 - comb; region <= comb - 1; region++) {
            v += (tempoWeights[period]! * acf[period * comb + region]!) / width;
          }
        }
        if (v > best) best = v;
      }
      bandWeights[b] = best;
    }
    let maxWeight = 0;
    for (const w of bandWeights) if (w > maxWeight) maxWeight = w;
    if (maxWeight !== 0) for (let b = 0; b < ERB_BANDS; b++) bandWeights[b]! /= maxWeight;
    // essentia means to keep the top 40 % of the bands (the threshold being the sorted weights'
    // 60th percentile), but it copies the weights into a vector that was only reserved, so its
    // sort sees an empty range and the threshold it reads is the unsorted weight of band 24.
    const threshold = bandWeights[Math.floor(ERB_BANDS * 0.6)]!;
    const sum = new Float64Array(n);
    for (let b = 0; b < ERB_BANDS; b++) {
      const w = bandWeights[b]!;
      if (w < threshold) continue;
      const x = bandSignals[b]!;
      for (let i = 0; i < n; i++) sum[i]! += x[i]! * w;
    }
    out.set(sum);
    return out;
  }
}

/**
 * essentia AutoCorrelation(normalization "unbiased") of x, lags 0 … maxLag−1 (zeros beyond the
 * signal, like essentia's resize): r[k] = Σ x[i]·x[i+k] / (n − k).
 */
function unbiasedAutocorrelation(x: Float64Array, maxLag: number): Float64Array {
  const r = autocorrelate(x, maxLag);
  const out = new Float64Array(maxLag);
  for (let k = 0; k < r.length; k++) out[k] = r[k]! / (x.length - k);
  return out;
}

/**
 * The five onset detection functions of BeatTrackerMultiFeature for a 44.1 kHz signal.
 */
export function multifeatureOdfs(signal: Float32Array): MultifeatureOdfs {
  const n = signal.length;
  const nGlobal = essentiaFrameCount(n, ODF_HOP_GLOBAL);
  const nFramewise = essentiaFrameCount(n, ODF_HOP_FRAMEWISE);
  const framewise = new FramewiseOdfs(nFramewise);
  const infogain = new InfogainOdf(nGlobal);
  const beatEmphasis = new BeatEmphasisOdf(nGlobal);
  const frame = new Float64Array(N);
  const fftIn = new Float64Array(N);
  const fftOut = new Float64Array(2 * N);
  const spectrum = newFrameSpectrum();
  const noisySpectrum = newFrameSpectrum();
  const random = mersenneTwister(0);
  const ratio = ODF_HOP_FRAMEWISE / ODF_HOP_GLOBAL;

  const pushFramewise = (start: number, shared: FrameSpectrum | null) => {
    if (framePower(signal, start) < SILENCE_POWER) {
      // essentia's streaming FrameCutter replaces a silent frame by frame + NoiseAdder(−100 dB).
      for (let i = 0; i < N; i++) {
        frame[i] = Math.fround(frame[i]! + NOISE_LEVEL * (Math.fround(random()) * 2 - 1));
      }
      analyseFrame(frame, fftIn, fftOut, noisySpectrum);
      framewise.push(noisySpectrum);
    } else if (shared !== null) {
      framewise.push(shared);
    } else {
      analyseFrame(frame, fftIn, fftOut, noisySpectrum);
      framewise.push(noisySpectrum);
    }
  };

  for (let t = 0; t < nGlobal; t++) {
    const start = t * ODF_HOP_GLOBAL;
    cutFrame(signal, start, frame);
    analyseFrame(frame, fftIn, fftOut, spectrum);
    beatEmphasis.push(spectrum);
    infogain.push(spectrum.mag);
    if (t % ratio === 0 && t / ratio < nFramewise) pushFramewise(start, spectrum);
  }
  // The last hop-1024 frame may start after the last hop-512 one.
  for (let f = Math.ceil(nGlobal / ratio); f < nFramewise; f++) {
    cutFrame(signal, f * ODF_HOP_FRAMEWISE, frame);
    pushFramewise(f * ODF_HOP_FRAMEWISE, null);
  }
  return {
    complex: framewise.complex,
    rms: framewise.rms,
    melflux: framewise.melflux,
    beatEmphasis: beatEmphasis.finish(),
    infogain: infogain.values,
  };
}
