import { getFft, isPowerOfTwo, nextPowerOfTwo } from "./fft.js";
import { createMatrix, type Matrix } from "./matrix.js";

/** C1 in Hz (MIDI 24, A4 = 440 Hz): librosa.note_to_hz("C1"). */
export const C1_HZ = 440 * 2 ** ((24 - 69) / 12);

/** librosa's equivalent noise bandwidth of the Hann window, in FFT bins (filters.WINDOW_BANDWIDTHS). */
const HANN_BANDWIDTH = 1.50018310546875;

export interface CqtOptions {
  sampleRate: number;
  /** Samples between columns; must be a power of two. Default 512. */
  hopLength?: number;
  /** Frequency of bin 0 before tuning, Hz. Default C1 ≈ 32.70 Hz. */
  fMin?: number;
  /** Number of bins. Default 84 (librosa.cqt). */
  nBins?: number;
  /** Bins per octave. Default 12. */
  binsPerOctave?: number;
  /** Tuning offset in fractions of a bin; fMin becomes fMin·2^(tuning/binsPerOctave). Default 0. */
  tuning?: number;
  /** Filter length scale (Q multiplier). Default 1. */
  filterScale?: number;
  /** Fraction of each kernel's L1 mass that may be dropped (librosa sparsify_rows). Default 0.01. */
  sparsity?: number;
}

export const CQT_DEFAULTS = {
  hopLength: 512,
  fMin: C1_HZ,
  nBins: 84,
  binsPerOctave: 12,
  tuning: 0,
  filterScale: 1,
  sparsity: 0.01,
} as const satisfies Omit<CqtOptions, "sampleRate">;

/** Centre frequencies fMin·2^((k + tuning)/binsPerOctave), k = 0..nBins−1. librosa.cqt_frequencies. */
export function cqtFrequencies(nBins: number, fMin: number, binsPerOctave: number, tuning = 0): Float64Array {
  const out = new Float64Array(nBins);
  const f0 = fMin * 2 ** (tuning / binsPerOctave);
  for (let k = 0; k < nBins; k++) out[k] = f0 * 2 ** (k / binsPerOctave);
  return out;
}

/** librosa filters._relative_bandwidth / __et_relative_bw: alpha per frequency from the local log spacing. */
function relativeBandwidth(freqs: Float64Array, binsPerOctave: number): Float64Array {
  const n = freqs.length;
  const alpha = new Float64Array(n);
  const fromBpo = (bpo: number) => (2 ** (2 / bpo) - 1) / (2 ** (2 / bpo) + 1);
  if (n === 1) {
    alpha[0] = fromBpo(binsPerOctave);
    return alpha;
  }
  for (let k = 0; k < n; k++) {
    const bpo =
      k === 0
        ? 1 / (Math.log2(freqs[1]) - Math.log2(freqs[0]))
        : k === n - 1
          ? 1 / (Math.log2(freqs[n - 1]) - Math.log2(freqs[n - 2]))
          : 2 / (Math.log2(freqs[k + 1]) - Math.log2(freqs[k - 1]));
    alpha[k] = fromBpo(bpo);
  }
  return alpha;
}

interface ResolvedCqt {
  sampleRate: number;
  hopLength: number;
  nBins: number;
  binsPerOctave: number;
  freqs: Float64Array;
  /** Fractional filter lengths Q·sr/f (librosa wavelet_lengths). */
  lengths: Float64Array;
  sparsity: number;
  key: string;
}

function resolveCqt(options: CqtOptions): ResolvedCqt {
  const { sampleRate } = options;
  const hopLength = options.hopLength ?? CQT_DEFAULTS.hopLength;
  const fMin = options.fMin ?? CQT_DEFAULTS.fMin;
  const nBins = options.nBins ?? CQT_DEFAULTS.nBins;
  const binsPerOctave = options.binsPerOctave ?? CQT_DEFAULTS.binsPerOctave;
  const tuning = options.tuning ?? CQT_DEFAULTS.tuning;
  const filterScale = options.filterScale ?? CQT_DEFAULTS.filterScale;
  const sparsity = options.sparsity ?? CQT_DEFAULTS.sparsity;
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
  if (!isPowerOfTwo(hopLength)) throw new RangeError(`CQT hopLength must be a power of two, got ${hopLength}`);
  if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`nBins must be a positive integer, got ${nBins}`);
  if (!(fMin > 0)) throw new RangeError(`fMin must be positive, got ${fMin}`);
  if (!(filterScale > 0)) throw new RangeError(`filterScale must be positive, got ${filterScale}`);
  if (!(sparsity >= 0 && sparsity < 1)) throw new RangeError(`sparsity must be in [0, 1), got ${sparsity}`);
  const freqs = cqtFrequencies(nBins, fMin, binsPerOctave, tuning);
  const alpha = relativeBandwidth(freqs, binsPerOctave);
  const lengths = new Float64Array(nBins);
  let cutoff = 0;
  for (let k = 0; k < nBins; k++) {
    const q = filterScale / alpha[k];
    lengths[k] = (q * sampleRate) / freqs[k];
    cutoff = Math.max(cutoff, freqs[k] * (1 + (0.5 * HANN_BANDWIDTH) / q));
  }
  if (cutoff > sampleRate / 2) {
    throw new RangeError(
      `CQT filter cutoff ${cutoff.toFixed(1)} Hz exceeds the Nyquist frequency ${sampleRate / 2} Hz; reduce nBins`,
    );
  }
  const key = `${sampleRate}|${hopLength}|${fMin}|${nBins}|${binsPerOctave}|${tuning}|${filterScale}|${sparsity}`;
  return { sampleRate, hopLength, nBins, binsPerOctave, freqs, lengths, sparsity, key };
}

// ---------------------------------------------------------------------------------------------
// Kernel support: librosa keeps, per filter, the largest spectral coefficients holding
// (1 − sparsity) of its L1 mass. For a Hann-windowed filter those are the main lobe and the
// nearest side lobes, so we keep a symmetric band |ν| ≤ νc window-bins around the centre, with
// νc chosen so that the continuous Hann spectrum |sinc(ν)/(1 − ν²)| holds (1 − sparsity) of its
// L1 mass inside the band.

const SUPPORT_LIMIT_BINS = 256;
const supportCache = new Map<number, number>();

function hannSpectrumMagnitude(nu: number): number {
  const a = Math.abs(nu);
  if (a < 1e-9) return 1;
  if (Math.abs(a - 1) < 1e-9) return 0.5;
  return Math.abs(Math.sin(Math.PI * a) / (Math.PI * a) / (1 - a * a));
}

function supportHalfWidth(sparsity: number): number {
  if (sparsity === 0) return SUPPORT_LIMIT_BINS;
  let nu = supportCache.get(sparsity);
  if (nu === undefined) {
    const step = 1 / 256;
    const n = SUPPORT_LIMIT_BINS / step;
    const cumulative = new Float64Array(n + 1);
    let sum = 0;
    let prev = hannSpectrumMagnitude(0);
    for (let i = 1; i <= n; i++) {
      const cur = hannSpectrumMagnitude(i * step);
      sum += 0.5 * (prev + cur) * step;
      cumulative[i] = sum;
      prev = cur;
    }
    const total = sum + 1 / (2 * Math.PI * SUPPORT_LIMIT_BINS ** 2); // tail ∫ 1/(πν³)
    let i = 0;
    while (i < n && cumulative[i] < (1 - sparsity) * total) i++;
    nu = i * step;
    supportCache.set(sparsity, nu);
  }
  return nu;
}

/** Frequency-domain CQT kernel on an M-point grid: per filter a contiguous band of complex weights. */
interface CqtKernel {
  readonly fftSize: number;
  /** First M-grid bin of each filter's band. */
  readonly firstBin: Int32Array;
  /** offsets[k]..offsets[k+1] index re/im for filter k. */
  readonly offsets: Int32Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

const KERNEL_CACHE_SIZE = 6;
const RESEED_BINS = 64;
const kernelCache = new Map<string, CqtKernel>();

/** Time support of filter k: j ∈ [j0, j0 + n), librosa `np.arange(-ilen // 2, ilen // 2)`. */
function filterSupport(length: number): { j0: number; n: number } {
  const j0 = Math.floor(-length / 2);
  return { j0, n: Math.floor(length / 2) - j0 };
}

/**
 * DFT on an M-point grid of every filter b_k[j] = hann_n[j − j0]·e^{iω_k j} / Σhann, scaled by
 * √L_k / hop so that the folded inverse FFT directly yields librosa's scaled CQT magnitude.
 * Closed form of the windowed-phasor DFT (three Dirichlet kernels), evaluated only on the band.
 */
function buildKernel(plan: ResolvedCqt, fftSize: number): CqtKernel {
  const cacheKey = `${plan.key}|${fftSize}`;
  const cached = kernelCache.get(cacheKey);
  if (cached !== undefined) {
    kernelCache.delete(cacheKey);
    kernelCache.set(cacheKey, cached); // LRU refresh
    return cached;
  }
  const { nBins, freqs, lengths, sampleRate, hopLength } = plan;
  const nu = supportHalfWidth(plan.sparsity);
  const half = fftSize / 2;
  const firstBin = new Int32Array(nBins);
  const lastBin = new Int32Array(nBins);
  const offsets = new Int32Array(nBins + 1);
  for (let k = 0; k < nBins; k++) {
    const { n } = filterSupport(lengths[k]);
    const centre = (freqs[k] * fftSize) / sampleRate;
    const width = (nu * fftSize) / n;
    firstBin[k] = Math.max(1, Math.ceil(centre - width));
    lastBin[k] = Math.min(half, Math.floor(centre + width));
    offsets[k + 1] = offsets[k] + Math.max(0, lastBin[k] - firstBin[k] + 1);
  }
  const re = new Float64Array(offsets[nBins]);
  const im = new Float64Array(offsets[nBins]);
  for (let k = 0; k < nBins; k++) {
    const { j0, n } = filterSupport(lengths[k]);
    const omega = (2 * Math.PI * freqs[k]) / sampleRate;
    const gain = Math.sqrt(lengths[k]) / (hopLength * (n / 2)); // √L · (1/Σhann) · (1/hop)
    const cosPiN = Math.cos(Math.PI / n);
    const sinPiN = Math.sin(Math.PI / n);
    const phaseCentre = j0 + (n - 1) / 2;
    // The three angles n·δ/2, δ/2 and δ·phaseCentre fall linearly with f, so their phasors are
    // advanced by fixed rotations and re-seeded with exact trigonometry every RESEED_BINS bins.
    const stepHalf = -Math.PI / fftSize;
    const rotNc = Math.cos(n * stepHalf);
    const rotNs = Math.sin(n * stepHalf);
    const rotHc = Math.cos(stepHalf);
    const rotHs = Math.sin(stepHalf);
    const rotPc = Math.cos(2 * phaseCentre * stepHalf);
    const rotPs = Math.sin(2 * phaseCentre * stepHalf);
    let cn = 0;
    let sn = 0;
    let ch = 0;
    let sh = 0;
    let pr = 0;
    let pi = 0;
    for (let f = firstBin[k], i = offsets[k], step = 0; f <= lastBin[k]; f++, i++, step++) {
      if (step % RESEED_BINS === 0) {
        const halfDelta = (omega - (2 * Math.PI * f) / fftSize) / 2;
        cn = Math.cos(n * halfDelta);
        sn = Math.sin(n * halfDelta);
        ch = Math.cos(halfDelta);
        sh = Math.sin(halfDelta);
        pr = Math.cos(2 * halfDelta * phaseCentre);
        pi = Math.sin(2 * halfDelta * phaseCentre);
      } else {
        const cn1 = cn * rotNc - sn * rotNs;
        sn = sn * rotNc + cn * rotNs;
        cn = cn1;
        const ch1 = ch * rotHc - sh * rotHs;
        sh = sh * rotHc + ch * rotHs;
        ch = ch1;
        const pr1 = pr * rotPc - pi * rotPs;
        pi = pi * rotPc + pr * rotPs;
        pr = pr1;
      }
      // Dirichlet kernels sin(nθ/2)/sin(θ/2) at θ = δ, δ + 2π/n, δ − 2π/n (limit n at θ → 0);
      // sin(n(δ ± 2π/n)/2) = −sin(nδ/2).
      const d0 = Math.abs(sh) < 1e-12 ? n : sn / sh;
      const sPlus = sh * cosPiN + ch * sinPiN;
      const sMinus = sh * cosPiN - ch * sinPiN;
      const dPlus = Math.abs(sPlus) < 1e-12 ? n : -sn / sPlus;
      const dMinus = Math.abs(sMinus) < 1e-12 ? n : -sn / sMinus;
      // Σ_m hann[m]·e^{iδm} = e^{iδ(n−1)/2}·(a + ib); times e^{iδ·j0} gives the phase e^{iδ·phaseCentre}.
      const a = 0.5 * d0 + 0.25 * cosPiN * (dPlus + dMinus);
      const b = 0.25 * sinPiN * (dMinus - dPlus);
      re[i] = gain * (a * pr - b * pi);
      im[i] = gain * (a * pi + b * pr);
    }
  }
  const kernel: CqtKernel = { fftSize, firstBin, offsets, re, im };
  kernelCache.set(cacheKey, kernel);
  if (kernelCache.size > KERNEL_CACHE_SIZE) {
    const oldest = kernelCache.keys().next().value;
    if (oldest !== undefined) kernelCache.delete(oldest);
  }
  return kernel;
}

/** Largest block FFT (in samples) before switching to overlap-save blocks, unless the guard needs more. */
const MAX_BLOCK_SAMPLES = 1 << 18;

/**
 * Constant-Q transform magnitude |C|, nBins × (1 + floor(N / hopLength)), following librosa.cqt
 * (Hann wavelets, L1-normalised filters, scale=True so |C| = √L_k · |(b_k ∗ x)(t·hop)|).
 *
 * Instead of librosa's octave-by-octave decimation (soxr resampling + one STFT per octave) every
 * filter is applied at the full sample rate in the frequency domain: one large real FFT per block
 * of audio, each filter's narrow band multiplied in and folded to hop resolution, and one small
 * inverse FFT per filter yields the exact convolution sampled every hop (overlap-save blocks with
 * a guard of half the longest filter). This avoids resampling error and costs ~1 large FFT per
 * 0.5–6 s of audio.
 */
export function cqt(x: Float32Array, options: CqtOptions): Matrix {
  const plan = resolveCqt(options);
  const { hopLength, nBins, lengths } = plan;
  const nSamples = x.length;
  const nFrames = 1 + Math.floor(nSamples / hopLength);
  let maxHalf = 0;
  for (let k = 0; k < nBins; k++) {
    const { j0, n } = filterSupport(lengths[k]);
    maxHalf = Math.max(maxHalf, -j0, j0 + n - 1);
  }
  const guard = Math.ceil((maxHalf + 1) / hopLength);
  const blockCap = Math.max(MAX_BLOCK_SAMPLES / hopLength, nextPowerOfTwo(8 * guard));
  const framesPerFft = Math.max(2, Math.min(blockCap, nextPowerOfTwo(nFrames + 2 * guard)));
  const fftSize = framesPerFft * hopLength;
  const usefulFrames = framesPerFft - 2 * guard;
  const kernel = buildKernel(plan, fftSize);

  const big = getFft(fftSize);
  const small = getFft(framesPerFft);
  const mask = framesPerFft - 1;
  const segment = new Float64Array(fftSize);
  const spectrum = new Float64Array(2 * fftSize);
  const folded = new Float64Array(2 * framesPerFft);
  const response = new Float64Array(2 * framesPerFft);
  const out = createMatrix(nBins, nFrames);
  const { firstBin, offsets, re: kre, im: kim } = kernel;

  for (let t0 = 0; t0 < nFrames; t0 += usefulFrames) {
    const base = (t0 - guard) * hopLength;
    segment.fill(0);
    const from = Math.max(0, -base);
    const to = Math.min(fftSize, nSamples - base);
    for (let i = from; i < to; i++) segment[i] = x[base + i];
    big.realTransform(spectrum, segment);
    const count = Math.min(usefulFrames, nFrames - t0);
    for (let k = 0; k < nBins; k++) {
      folded.fill(0);
      const start = offsets[k];
      const len = offsets[k + 1] - start;
      let f = firstBin[k];
      let q = f & mask;
      for (let i = 0; i < len; i++, f++) {
        const sr = spectrum[2 * f];
        const si = spectrum[2 * f + 1];
        const br = kre[start + i];
        const bi = kim[start + i];
        folded[2 * q] += sr * br - si * bi;
        folded[2 * q + 1] += sr * bi + si * br;
        q = (q + 1) & mask;
      }
      small.inverseTransform(response, folded);
      // y(u·hop) = (1/M)·Σ_q Z[q]·e^{2πiqu/P} = inverse_P(Z)/hop (fft.js divides by P); the
      // kernel gain already holds √L/(Σhann·hop), so |response| is the scaled CQT magnitude.
      const row = k * nFrames + t0;
      for (let tau = 0; tau < count; tau++) {
        const u = 2 * (guard + tau);
        out.data[row + tau] = Math.sqrt(response[u] * response[u] + response[u + 1] * response[u + 1]);
      }
    }
  }
  return out;
}
