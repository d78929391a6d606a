/**
 * Beat and downbeat activation functions: per-frame probabilities that a beat (not the first of a
 * bar) or a downbeat starts at that frame, the input of the bar-pointer DBN decoders.
 *
 * Everything behind {@link ActivationModel}, so a learned network (trained by the trainer) can
 * replace the DSP model without touching the decoders.
 *
 * DSP model, one chain of named steps:
 *   samples → magnitude STFT (2048/220 at 22 050 Hz ≈ 100.2 fps, madmom's rate: at 43 fps the
 *             DBN's integer tempo grid is too coarse and it slides to half or a third of the tempo)
 *           → log-filtered spectrogram (mel bands 30 Hz–11 kHz, log1p compression)
 *           → band-wise positive flux (low / mid / high bands, each normalised, delayed 20 ms)
 *           → beat onset function (weighted band sum)
 *           → accent flux (the same band-wise flux of the linear magnitudes: how loud an onset is,
 *             not how much it rises above what still sounds before it)
 *           → downbeatness per frame (logistic model of accent, low-band accent, mid flux and
 *             harmonic change)
 *           → calibration ({@link calibrateActivation}: one place for every squashing step)
 *           → { beat, downbeat } probabilities with beat + downbeat ≤ 1.
 */

import {
  cqt,
  cqtToChroma,
  type Matrix,
  magnitudeSpectrogram,
  melSpectrogram,
  type Spectrogram,
} from "@tactus/dsp";

/** Per-frame beat and downbeat probabilities at `fps` frames per second. */
export interface Activations {
  /** Probability that a (non-downbeat) beat falls on each frame. */
  beat: Float32Array;
  /** Probability that a downbeat falls on each frame. */
  downbeat: Float32Array;
  /** Frames per second (frame i is centred at i / fps seconds). */
  fps: number;
}

/** The one interface every activation function implements (DSP now, learned networks later). */
export interface ActivationModel {
  /** Stable identifier, e.g. "dsp-flux-v1". */
  readonly name: string;
  /** Nominal frame rate at 22 050 Hz input; {@link Activations.fps} is the exact one. */
  readonly fps: number;
  compute(samples: Float32Array, sampleRate: number): Activations;
}

/** Parameters of the DSP activation model (defaults in {@link DSP_ACTIVATION_DEFAULTS}). */
export interface DspActivationOptions {
  /** STFT hop at 22 050 Hz in samples (scaled with the sample rate). 220 → 100.2 fps. */
  hopLength: number;
  /** STFT size at 22 050 Hz in samples (scaled to the next power of two). */
  fftSize: number;
  /** Log-spaced (mel) bands of the log-filtered spectrogram. */
  nBands: number;
  /** Band edges (Hz) of the low / mid / high flux bands. */
  lowMaxHz: number;
  midMaxHz: number;
  /** Weights of the low / mid / high flux bands in the beat onset function. */
  bandWeights: readonly [number, number, number];
  /**
   * Delay (s) applied to the flux so its peaks sit on the onsets: the log flux of a centred
   * window jumps as soon as an onset enters the window's leading half.
   */
  fluxDelaySec: number;
  /** log1p(compression · X / max X): the "log" of the log-filtered spectrogram. */
  compression: number;
  /** Logistic weights of the downbeat evidence (see {@link DownbeatWeights}). */
  downbeatWeights: DownbeatWeights;
  /** Half-width (s) of the windows before/after a frame compared for harmonic change. */
  harmonicWindowSec: number;
  calibration: CalibrationOptions;
}

/**
 * Logistic model of "this onset starts a bar": downbeatness = σ(bias + Σ weight · evidence).
 * Evidence per frame, each in [0, 1]: accent (weighted band flux of the linear magnitudes / its
 * largest value within ±2 s: how loud the onset is), lowAccent (the same on the < 200 Hz linear
 * flux: kick and bass), mid (calibrated 200 Hz–2 kHz flux),
 * harmonicShort / harmonicLong (chroma change across the frame, windows 1× and 2× harmonicWindowSec).
 */
export interface DownbeatWeights {
  bias: number;
  accent: number;
  lowAccent: number;
  mid: number;
  harmonicShort: number;
  harmonicLong: number;
}

/** How raw onset functions become probabilities that are low between beats. */
export interface CalibrationOptions {
  /** Window (s) of the moving median subtracted as adaptive threshold. */
  baselineSec: number;
  /** Window (s) of the moving maximum used for local normalisation. */
  localMaxSec: number;
  /** Contrast (excess over the baseline / baseline) of noise-level fluctuations: the log compression unit. */
  noiseContrast: number;
  /** Contrast that counts as a certain event; weaker peaks are scaled down. */
  fullContrast: number;
  /** Exponent > 1 pushes weak values (subdivisions, noise) towards 0. */
  gamma: number;
  /** Largest probability emitted. */
  maxProbability: number;
  /** Contrast relative to the baseline level ("median") or to its median absolute deviation ("mad"). */
  dispersion: "median" | "mad";
}

export const DSP_ACTIVATION_DEFAULTS: DspActivationOptions = {
  hopLength: 220,
  fftSize: 2048,
  nBands: 72,
  lowMaxHz: 200,
  midMaxHz: 2000,
  bandWeights: [0.4, 0.35, 0.25],
  compression: 1000,
  fluxDelaySec: 0.02,
  downbeatWeights: { bias: -4, accent: 3.4, lowAccent: 2.0, mid: 0.6, harmonicShort: 0.6, harmonicLong: 2.7 },
  harmonicWindowSec: 0.6,
  calibration: {
    baselineSec: 1.0,
    localMaxSec: 4.0,
    noiseContrast: 3,
    fullContrast: 30,
    gamma: 3,
    maxProbability: 0.9,
    dispersion: "mad",
  },
};

const REFERENCE_RATE = 22050;

/** Intermediate signals of the DSP model (exposed for tests and diagnostics). */
export interface DspActivationDetail extends Activations {
  /** Raw beat onset function (weighted band flux). */
  onset: Float32Array;
  /** Per-frame downbeat evidence in [0, 1] (how bar-initial an event at that frame looks). */
  downbeatness: Float32Array;
  /** The evidence behind `downbeatness`, one series per {@link DownbeatWeights} term. */
  evidence: Record<Exclude<keyof DownbeatWeights, "bias">, Float32Array>;
}

/** The DSP activation model with the given parameter overrides. */
export function dspActivationModel(options: Partial<DspActivationOptions> = {}): ActivationModel {
  const opts = { ...DSP_ACTIVATION_DEFAULTS, ...options };
  return {
    name: "dsp-flux-v1",
    fps: REFERENCE_RATE / opts.hopLength,
    compute: (samples, sampleRate) => computeDspActivations(samples, sampleRate, opts),
  };
}

/** The default activation model. */
export const DSP_ACTIVATIONS: ActivationModel = dspActivationModel();

/** Compute the DSP activations and their intermediate signals. */
export function computeDspActivations(
  samples: Float32Array,
  sampleRate: number,
  options: Partial<DspActivationOptions> = {},
): DspActivationDetail {
  const opts = { ...DSP_ACTIVATION_DEFAULTS, ...options };
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
  }
  const scale = sampleRate / REFERENCE_RATE;
  const hopLength = Math.max(1, Math.round(opts.hopLength * scale));
  const fftSize = nextPow2(Math.round(opts.fftSize * scale));
  const fps = sampleRate / hopLength;

  const spectrum = magnitudeSpectrogram(samples, { fftSize, hopLength });
  const bands = logFilteredSpectrogram(spectrum, sampleRate, opts);
  const delayFrames = Math.round(opts.fluxDelaySec * fps);
  const flux = bandFlux(bands.log, bands.bandHz, opts).map((band) => delay(band, delayFrames));
  const onset = weightedSum(flux, opts.bandWeights);
  const onsetProb = calibrateActivation(onset, fps, opts.calibration);
  // Accent evidence from the flux of the linear magnitudes: log flux is the rise over the previous
  // frame, so an onset into a still-sounding note (a bass approach note, the tail of a kick one
  // short group earlier) scores less than a weaker one after a long group; linear flux follows
  // the onset's loudness.
  const accentFlux = bandFlux(bands.linear, bands.bandHz, opts).map((band) => delay(band, delayFrames));

  const [harmonicShort, harmonicLong] = harmonicChange(samples, sampleRate, hopLength, spectrum.nCols, fps, [
    opts.harmonicWindowSec,
    2 * opts.harmonicWindowSec,
  ]);
  const evidence = {
    accent: localAccent(weightedSum(accentFlux, opts.bandWeights), fps),
    lowAccent: localAccent(accentFlux[0]!, fps),
    mid: calibrateActivation(flux[1]!, fps, opts.calibration),
    harmonicShort: harmonicShort!,
    harmonicLong: harmonicLong!,
  };
  const w = opts.downbeatWeights;
  const downbeatness = new Float32Array(onset.length);
  for (let t = 0; t < onset.length; t++) {
    const z =
      w.bias +
      w.accent * evidence.accent[t]! +
      w.lowAccent * evidence.lowAccent[t]! +
      w.mid * evidence.mid[t]! +
      w.harmonicShort * evidence.harmonicShort[t]! +
      w.harmonicLong * evidence.harmonicLong[t]!;
    downbeatness[t] = 1 / (1 + Math.exp(-z));
  }

  const beat = new Float32Array(onset.length);
  const downbeat = new Float32Array(onset.length);
  for (let t = 0; t < onset.length; t++) {
    const p = onsetProb[t]!;
    downbeat[t] = p * downbeatness[t]!;
    beat[t] = p - downbeat[t]!;
  }
  return { beat, downbeat, fps, onset, downbeatness, evidence };
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/**
 * Mel-band magnitudes relative to the loudest bin (so gain does not matter): `linear` = X / max X,
 * `log` = log1p(compression · X / max X); both 0 when the input is silent.
 */
function logFilteredSpectrogram(
  spectrum: Spectrogram,
  sampleRate: number,
  opts: DspActivationOptions,
): { log: Matrix; linear: Matrix; bandHz: Float64Array } {
  const fMax = Math.min(11000, sampleRate / 2);
  const mel = melSpectrogram(spectrum, {
    sampleRate,
    nMels: opts.nBands,
    fMin: 30,
    fMax,
    power: 1,
    norm: null,
  });
  let max = 0;
  for (let i = 0; i < mel.data.length; i++) if (mel.data[i]! > max) max = mel.data[i]!;
  const log = new Float32Array(mel.data.length);
  const linear = new Float32Array(mel.data.length);
  const gain = max > 0 ? opts.compression / max : 0;
  for (let i = 0; i < log.length; i++) {
    linear[i] = max > 0 ? mel.data[i]! / max : 0;
    log[i] = Math.log1p(gain * mel.data[i]!);
  }
  // centre frequencies of the mel bands (log-spaced edges, linear interpolation is enough here)
  const bandHz = new Float64Array(opts.nBands);
  const melMin = hzToMelSlaney(30);
  const melMax = hzToMelSlaney(fMax);
  for (let m = 0; m < opts.nBands; m++) {
    bandHz[m] = melToHzSlaney(melMin + ((m + 1) * (melMax - melMin)) / (opts.nBands + 1));
  }
  return {
    log: { data: log, nRows: mel.nRows, nCols: mel.nCols },
    linear: { data: linear, nRows: mel.nRows, nCols: mel.nCols },
    bandHz,
  };
}

function hzToMelSlaney(hz: number): number {
  return hz < 1000 ? (3 * hz) / 200 : 15 + Math.log(hz / 1000) / (Math.log(6.4) / 27);
}

function melToHzSlaney(mel: number): number {
  return mel < 15 ? (200 * mel) / 3 : 1000 * Math.exp((Math.log(6.4) / 27) * (mel - 15));
}

/** Positive first-order difference of `spec` summed within the low / mid / high band groups; each band normalised to max 1. */
function bandFlux(spec: Matrix, bandHz: Float64Array, opts: DspActivationOptions): Float32Array[] {
  const { nRows, nCols, data } = spec;
  const out = [new Float32Array(nCols), new Float32Array(nCols), new Float32Array(nCols)];
  for (let m = 0; m < nRows; m++) {
    const hz = bandHz[m]!;
    const group = hz < opts.lowMaxHz ? 0 : hz < opts.midMaxHz ? 1 : 2;
    const dst = out[group]!;
    const base = m * nCols;
    for (let t = 1; t < nCols; t++) {
      const d = data[base + t]! - data[base + t - 1]!;
      if (d > 0) dst[t] += d;
    }
  }
  for (const band of out) {
    let max = 0;
    for (let t = 0; t < nCols; t++) if (band[t]! > max) max = band[t]!;
    if (max > 0) for (let t = 0; t < nCols; t++) band[t] /= max;
  }
  return out;
}

/** x delayed by `frames` (zeros shifted in). */
function delay(x: Float32Array, frames: number): Float32Array {
  if (frames <= 0) return x;
  const out = new Float32Array(x.length);
  if (frames < x.length) out.set(x.subarray(0, x.length - frames), frames);
  return out;
}

function weightedSum(series: Float32Array[], weights: readonly number[]): Float32Array {
  const n = series[0]!.length;
  const out = new Float32Array(n);
  series.forEach((s, k) => {
    const w = weights[k]!;
    for (let t = 0; t < n; t++) out[t] += w * s[t]!;
  });
  return out;
}

/**
 * Harmonic change per frame in [0, 1], one series per window length: cosine distance between the
 * mean chroma of the window before and the window after the frame (a chord change scores high, a
 * repeated chord ~0). One CQT (C2–C7, 12 bins per octave) serves every window.
 */
function harmonicChange(
  samples: Float32Array,
  sampleRate: number,
  hopLength: number,
  nFrames: number,
  fps: number,
  windowsSec: readonly number[],
): Float32Array[] {
  const outs = windowsSec.map(() => new Float32Array(nFrames));
  if (samples.length < 4 * hopLength) return outs;
  // The CQT needs a power-of-two hop: use the next one up and map frames by time.
  const cqtHop = nextPow2(hopLength);
  const fMin = 65.40639132514966; // C2: bass and chords, not the kick
  const c = cqt(samples, { sampleRate, hopLength: cqtHop, fMin, nBins: 60, binsPerOctave: 12 });
  const chroma = cqtToChroma(c, { binsPerOctave: 12, fMin, norm: null });
  const n = chroma.nCols;
  // prefix sums per class for O(1) window means
  const prefix = new Float64Array(12 * (n + 1));
  for (let k = 0; k < 12; k++) {
    let acc = 0;
    for (let t = 0; t < n; t++) {
      acc += chroma.data[k * n + t]!;
      prefix[k * (n + 1) + t + 1] = acc;
    }
  }
  const chromaFps = sampleRate / cqtHop;
  windowsSec.forEach((windowSec, index) => {
    const w = Math.max(1, Math.round(windowSec * chromaFps));
    const change = new Float32Array(n);
    for (let t = 1; t < n; t++) {
      const a0 = Math.max(0, t - w);
      const b1 = Math.min(n, t + w);
      if (b1 - t < 1) continue;
      let dot = 0;
      let nb = 0;
      let na = 0;
      for (let k = 0; k < 12; k++) {
        const row = k * (n + 1);
        const before = (prefix[row + t]! - prefix[row + a0]!) / (t - a0);
        const after = (prefix[row + b1]! - prefix[row + t]!) / (b1 - t);
        dot += before * after;
        nb += before * before;
        na += after * after;
      }
      change[t] = nb > 0 && na > 0 ? 1 - dot / Math.sqrt(nb * na) : 0;
    }
    let max = 0;
    for (let t = 0; t < n; t++) if (change[t]! > max) max = change[t]!;
    const out = outs[index]!;
    for (let t = 0; t < nFrames; t++) {
      const src = Math.min(n - 1, Math.round((t / fps) * chromaFps));
      out[t] = max > 0 ? change[src]! / max : 0;
    }
  });
  return outs;
}

/** Accent: onset strength relative to the largest onset within ±2 s, in [0, 1]. */
function localAccent(onset: Float32Array, fps: number): Float32Array {
  const localMax = movingMax(onset, Math.round(2 * fps));
  const out = new Float32Array(onset.length);
  for (let t = 0; t < onset.length; t++) out[t] = localMax[t]! > 0 ? onset[t]! / localMax[t]! : 0;
  return out;
}

/**
 * The one calibration step from a raw onset function to probabilities that are low between
 * events: contrast of each frame against a moving median (adaptive threshold, gain-free),
 * log compression relative to the noise level, normalisation by the local maximum (never by less
 * than `fullContrast`, so weak contrast such as noise stays weak), squashing with an exponent.
 */
export function calibrateActivation(
  odf: Float32Array,
  fps: number,
  options: CalibrationOptions = DSP_ACTIVATION_DEFAULTS.calibration,
): Float32Array {
  const n = odf.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  let globalMean = 0;
  for (let t = 0; t < n; t++) globalMean += odf[t]!;
  globalMean /= n;
  if (!(globalMean > 0)) return out;
  const baseline = movingMedian(odf, Math.max(1, Math.round((options.baselineSec * fps) / 2)));
  const floor = 0.05 * globalMean;
  const half = Math.max(1, Math.round((options.baselineSec * fps) / 2));
  let spread = baseline;
  if (options.dispersion === "mad") {
    const deviation = new Float32Array(n);
    for (let t = 0; t < n; t++) deviation[t] = Math.abs(odf[t]! - baseline[t]!);
    spread = movingMedian(deviation, half);
  }
  const level = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    const excess = odf[t]! - baseline[t]!;
    level[t] = excess > 0 ? Math.log1p(excess / (spread[t]! + floor) / options.noiseContrast) : 0;
  }
  const localMax = movingMax(level, Math.max(1, Math.round((options.localMaxSec * fps) / 2)));
  const minNorm = Math.log1p(options.fullContrast / options.noiseContrast);
  for (let t = 0; t < n; t++) {
    const x = clamp01(level[t]! / Math.max(localMax[t]!, minNorm));
    out[t] = options.maxProbability * x ** options.gamma;
  }
  return out;
}

/** Moving maximum over [t − half, t + half] (monotonic deque, O(n)). */
export function movingMax(x: Float32Array, half: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let t = 0; t < n; t++) {
    const hi = Math.min(n - 1, t + half);
    while (next <= hi) {
      while (tail > head && x[deque[tail - 1]!]! <= x[next]!) tail--;
      deque[tail++] = next++;
    }
    while (deque[head]! < t - half) head++;
    out[t] = x[deque[head]!]!;
  }
  return out;
}

/** Moving median over [t − half, t + half], clipped at the edges. */
export function movingMedian(x: Float32Array, half: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  // A sorted window maintained by binary insertion / deletion: O(n · w).
  const window: number[] = [];
  const lowerBound = (v: number) => {
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (window[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const insert = (v: number) => window.splice(lowerBound(v), 0, v);
  const remove = (v: number) => window.splice(lowerBound(v), 1);
  let added = 0;
  let removed = 0;
  for (let t = 0; t < n; t++) {
    const hi = Math.min(n - 1, t + half);
    while (added <= hi) insert(x[added++]!);
    while (removed < t - half) remove(x[removed++]!);
    const m = window.length;
    out[t] = m % 2 === 1 ? window[(m - 1) / 2]! : 0.5 * (window[m / 2 - 1]! + window[m / 2]!);
  }
  return out;
}


/** When activations show a rhythm at all (see {@link hasRhythmicEvidence}). */
export const EVIDENCE_GATE = {
  /** A clear onset: a local maximum of beat + downbeat activation at least this high. */
  minPeak: 0.15,
  /** Fewer clear onsets than this is no rhythm (silence, one click, stationary noise). */
  minEvents: 4,
} as const;

/**
 * True when the activations contain at least {@link EVIDENCE_GATE}.minEvents clear onsets. The
 * calibration measures contrast against a moving median, so silence and stationary noise stay
 * far below `minPeak` (white noise peaks near 0.1) while music, noisy music included, has many.
 */
export function hasRhythmicEvidence(activations: Activations, gate = EVIDENCE_GATE): boolean {
  const { beat, downbeat } = activations;
  let events = 0;
  let prev = 0;
  for (let t = 0; t < beat.length; t++) {
    const p = beat[t]! + downbeat[t]!;
    const next = t + 1 < beat.length ? beat[t + 1]! + downbeat[t + 1]! : 0;
    if (p >= gate.minPeak && p >= prev && p > next && ++events >= gate.minEvents) return true;
    prev = p;
  }
  return false;
}
