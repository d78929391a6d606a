/**
 * The 1449-value audio block of the MeterNet vector (reference/features.md §5, "v6"), computed
 * from ONE shared analysis of the prepared clip: one STFT feeds the dB-mel (onset envelope and
 * MFCC), spectral flux, spectral contrast and the chroma tuning estimate; the chroma is computed
 * once and exposed through {@link ClipAnalysis} so the SSM block reuses it.
 *
 *   clip → |STFT| → dB-mel → onset envelope → tempogram → tempo candidates
 *                 ↘ flux, contrast      ↘ MFCC   ↘ onsets
 *        → RMS, chroma (CQT)
 *   → 4 base autocorrelations → A1 … A8
 */
import {
  chroma as chromaCqt,
  lagToBpm,
  type Matrix,
  meanTempogram,
  mfcc,
  normalizedAutocorrelation,
  type Spectrogram,
  spectralContrast,
  tempogram,
  toScale,
} from "@tactus/dsp";
import {
  librosaTempoLag,
  type OnsetEnvelope,
  onsetEvents,
  onsetStrengthFromMelDb,
  type SpectralFrontEnd,
  spectralFrontEnd,
} from "@tactus/onset";
import {
  A1_MULTIPLE_VALUES,
  A2_BPM_VALUES,
  AUDIO_BLOCK,
  HISTOGRAM_BAR_LENGTHS,
  HISTOGRAM_BINS,
  N_MFCC,
  RATIO_LAGS,
  RATIO_PAIRS,
  SALIENCE_METERS,
  subBlockRange,
} from "./layout.js";
import { type ClipTooShort, ClipTooShortError, firstNonFinite, MIN_CLIP_DURATION_SEC, NonFiniteSamplesError } from "./prepare.js";

/** Analysis parameters (librosa 0.11 defaults the reference relied on). */
export const AUDIO_DEFAULTS = {
  sampleRate: 22050,
  fftSize: 2048,
  hopLength: 512,
  /** Tempogram window (lags) of the feature tempogram. */
  tempogramLags: 384,
  /** Centre of librosa.feature.tempo's log-normal prior: its answer for silence is the lag nearest to it. */
  priorBpm: 120,
  /** Tempo-candidate search in the mean tempogram: lags int(0.2·fps)..int(2·fps). */
  candidateMinSec: 0.2,
  candidateMaxSec: 2.0,
  candidatePeakDistance: 3,
  bpmRange: [30, 300] as const,
  /** Used when the tempogram has no peak at all (silence). */
  fallbackBpm: 120,
  /** A8 tempo sweep. */
  salienceBpm: { from: 60, to: 200, step: 2 },
  /** Window half-width of A1/A7 sampling, as a fraction of the lag. */
  windowFraction: 0.05,
} as const;

/** Everything the audio and SSM blocks share, computed once per prepared clip. */
export interface ClipAnalysis {
  readonly sampleRate: number;
  readonly hopLength: number;
  readonly nSamples: number;
  readonly durationSec: number;
  /** N = 1 + ⌊nSamples / hop⌋. */
  readonly nFrames: number;
  /** The one STFT (|X|², mel, dB-mel): `@tactus/onset` spectralFrontEnd. */
  readonly frontEnd: SpectralFrontEnd;
  /** The same STFT as magnitude |X| (1025 × N): flux, contrast, chroma tuning. */
  readonly spectrogram: Spectrogram;
  /** dB-mel (128 × N), the input of both the onset envelope and the MFCCs. */
  readonly melDb: Matrix;
  /** Raw (unnormalised) onset-strength envelope, librosa onset_strength (length N). */
  readonly onset: OnsetEnvelope;
  /** Onset frames (librosa onset_detect, no backtracking). */
  readonly onsetFrames: Int32Array;
  /** Time-averaged 384-lag tempogram of the envelope (length 384; lag ℓ ↔ 60·sr/(hop·ℓ) BPM). */
  readonly tempogramMean: Float32Array;
  /** chroma_cqt (12 × N, each non-silent frame max 1), shared with the SSM block. */
  readonly chroma: Matrix;
  /** Frame RMS, librosa.feature.rms 2048/512 centred (length N). */
  readonly rms: Float32Array;
}

export interface AnalyzeOptions {
  /** `@tactus/onset` spectralFrontEnd(clip, sampleRate), already computed for this exact clip. */
  frontEnd?: SpectralFrontEnd;
}

export interface AudioBlockOptions extends AnalyzeOptions {
  /** The shared analysis of this clip from {@link analyzeClip}; computed when absent. */
  analysis?: ClipAnalysis;
}

function checkClip(clip: Float32Array, sampleRate: number): void {
  if (sampleRate !== AUDIO_DEFAULTS.sampleRate) {
    throw new RangeError(
      `audio features are defined at ${AUDIO_DEFAULTS.sampleRate} Hz, got ${sampleRate} Hz (resample with @tactus/audio first)`,
    );
  }
  const durationSec = clip.length / sampleRate;
  if (clip.length < MIN_CLIP_DURATION_SEC * sampleRate) throw new ClipTooShortError(durationSec);
  const bad = firstNonFinite(clip);
  if (bad >= 0) throw new NonFiniteSamplesError(bad);
}

/**
 * The shared intermediates of a prepared clip (see {@link prepareClip}). Throws
 * {@link ClipTooShortError} below 2 s and {@link NonFiniteSamplesError} for NaN/∞ samples.
 */
export function analyzeClip(clip: Float32Array, sampleRate: number = AUDIO_DEFAULTS.sampleRate, options: AnalyzeOptions = {}): ClipAnalysis {
  checkClip(clip, sampleRate);
  const { hopLength, fftSize } = AUDIO_DEFAULTS;
  const nFrames = 1 + Math.floor(clip.length / hopLength);
  const frontEnd = options.frontEnd ?? spectralFrontEnd(clip, sampleRate, { fftSize, hopLength });
  const { power } = frontEnd;
  if (
    power.nCols !== nFrames ||
    frontEnd.fftSize !== fftSize ||
    frontEnd.hopLength !== hopLength ||
    frontEnd.sampleRate !== sampleRate
  ) {
    throw new RangeError(
      `front end is ${power.nRows}×${power.nCols} (fft ${frontEnd.fftSize}, hop ${frontEnd.hopLength}, ${frontEnd.sampleRate} Hz); expected ${fftSize / 2 + 1}×${nFrames} (fft ${fftSize}, hop ${hopLength}, ${sampleRate} Hz)`,
    );
  }
  const spectrogram = toScale(power, "magnitude");
  const onset = onsetStrengthFromMelDb(frontEnd.melDb, { sampleRate, hopLength, fftSize });
  return {
    sampleRate,
    hopLength,
    nSamples: clip.length,
    durationSec: clip.length / sampleRate,
    nFrames,
    frontEnd,
    spectrogram,
    melDb: frontEnd.melDb,
    onset,
    onsetFrames: onsetEvents(onset, { backtrack: false }).frames,
    tempogramMean: meanTempogram(tempogram(onset.envelope, { winLength: AUDIO_DEFAULTS.tempogramLags })),
    chroma: chromaCqt(clip, { sampleRate, hopLength, spectrogram }),
    rms: frameRms(clip, fftSize, hopLength),
  };
}

/**
 * The 1449-value audio block (Float32Array, always finite). Throws {@link ClipTooShortError}
 * below 2 s (use {@link tryAudioBlock} for a result value instead).
 */
export function audioBlock(clip: Float32Array, sampleRate: number = AUDIO_DEFAULTS.sampleRate, options: AudioBlockOptions = {}): Float32Array {
  const analysis = options.analysis ?? analyzeClip(clip, sampleRate, options);
  if (analysis.nSamples !== clip.length) throw new RangeError("analysis was computed for a different clip");
  return audioBlockFromAnalysis(analysis, () => librosaTempo(analysis.onset));
}

export type AudioBlockResult = { ok: true; features: Float32Array; analysis: ClipAnalysis } | ClipTooShort;

/** {@link audioBlock} that reports a too-short clip as a value instead of throwing. */
export function tryAudioBlock(clip: Float32Array, sampleRate: number = AUDIO_DEFAULTS.sampleRate, options: AudioBlockOptions = {}): AudioBlockResult {
  try {
    const analysis = options.analysis ?? analyzeClip(clip, sampleRate, options);
    return { ok: true, features: audioBlock(clip, sampleRate, { ...options, analysis }), analysis };
  } catch (error) {
    if (error instanceof ClipTooShortError) return error.toResult();
    throw error;
  }
}

function audioBlockFromAnalysis(a: ClipAnalysis, globalTempo: () => number): Float32Array {
  // The four base signals and their normalised autocorrelations (§5.1, P7).
  const flux = spectralFlux(a.spectrogram);
  const chromaEnergy = columnSums(a.chroma);
  const autocorrs: Float32Array[] = [];
  for (const signal of [a.onset.envelope, a.rms, flux, chromaEnergy]) {
    const r = normalizedAutocorrelation(signal);
    if (r === null) throw new ClipTooShortError(a.durationSec, `a base signal has ${signal.length} < 10 frames`);
    autocorrs.push(r);
  }
  const tempos = tempoCandidates(a.tempogramMean, a.sampleRate, a.hopLength, globalTempo);
  const beatFrames = framesPerMinute(a) / tempos[0];

  const out = new Float64Array(AUDIO_BLOCK.length);
  writeA1(out, autocorrs, tempos, framesPerMinute(a));
  writeA2(out, a.tempogramMean, framesPerMinute(a));
  writeStats(out, subBlockRange("A3").offset, mfcc(a.melDb, { nMfcc: N_MFCC }));
  writeStats(out, subBlockRange("A4").offset, spectralContrast(a.spectrogram, { sampleRate: a.sampleRate }));
  writeA5(out, a);
  writeA6(out, a, 60 / tempos[0]);
  writeA7(out, autocorrs, beatFrames);
  writeA8(out, a.tempogramMean, a.sampleRate / a.hopLength);

  const features = Float32Array.from(out);
  const bad = firstNonFinite(features);
  if (bad >= 0) throw new Error(`audio block: non-finite value at index ${bad} (a bug: inputs were finite)`);
  return features;
}

/** Time of a frame, (frame·hop)/sr: the reference's rounding, which decides phases that land exactly on a bar line. */
function frameTime(a: { sampleRate: number; hopLength: number }, frame: number): number {
  return (frame * a.hopLength) / a.sampleRate;
}

/** 60·sr/hop: frames per beat = this / bpm. */
function framesPerMinute(a: { sampleRate: number; hopLength: number }): number {
  return (60 * a.sampleRate) / a.hopLength;
}

// ---------------------------------------------------------------------------------------------
// Base signals.

/** librosa.feature.rms(y, frame_length, hop_length), centred with zero padding; float32 per frame. */
export function frameRms(clip: Float32Array, frameLength: number, hopLength: number): Float32Array {
  const nFrames = 1 + Math.floor(clip.length / hopLength);
  const half = frameLength / 2;
  // Prefix sums of x² over the zero-padded signal, in float64.
  const prefix = new Float64Array(clip.length + 1);
  for (let i = 0; i < clip.length; i++) prefix[i + 1] = prefix[i] + clip[i] * clip[i];
  const out = new Float32Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const lo = Math.max(0, t * hopLength - half);
    const hi = Math.min(clip.length, t * hopLength - half + frameLength);
    const energy = hi > lo ? Math.max(0, prefix[hi] - prefix[lo]) : 0;
    out[t] = Math.sqrt(energy / frameLength);
  }
  return out;
}

/** flux[t] = ‖S[:, t+1] − S[:, t]‖₂ over the magnitude spectrogram, no rectification; length N − 1. */
export function spectralFlux(spectrogram: Spectrogram): Float32Array {
  const { nRows, nCols, data } = spectrogram;
  const magnitude = spectrogram.scale === "magnitude";
  const acc = new Float64Array(Math.max(0, nCols - 1));
  for (let f = 0; f < nRows; f++) {
    const row = f * nCols;
    for (let t = 0; t + 1 < nCols; t++) {
      const a = magnitude ? data[row + t] : Math.sqrt(data[row + t]);
      const b = magnitude ? data[row + t + 1] : Math.sqrt(data[row + t + 1]);
      const d = b - a;
      acc[t] += d * d;
    }
  }
  return Float32Array.from(acc, Math.sqrt);
}

function columnSums(m: Matrix): Float32Array {
  const out = new Float64Array(m.nCols);
  for (let r = 0; r < m.nRows; r++) for (let c = 0; c < m.nCols; c++) out[c] += m.data[r * m.nCols + c];
  return Float32Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Tempo.

/**
 * scipy.signal.find_peaks(x, height, distance) on a 1-D array: strict local maxima (the middle
 * sample, rounded down, of a flat top; never the first or last sample), height ≥ `height`, then
 * the distance rule keeping higher peaks first. Returns peak indices in ascending order.
 */
export function findPeaks(x: ArrayLike<number>, options: { height?: number; distance?: number } = {}): Int32Array {
  const n = x.length;
  let peaks: number[] = [];
  let i = 1;
  while (i < n - 1) {
    if (x[i - 1] < x[i]) {
      let ahead = i + 1;
      while (ahead < n - 1 && x[ahead] === x[i]) ahead++;
      if (x[ahead] < x[i]) {
        peaks.push((i + ahead - 1) >> 1);
        i = ahead;
      }
    }
    i++;
  }
  if (options.height !== undefined) {
    const h = options.height;
    peaks = peaks.filter((p) => x[p] >= h);
  }
  if (options.distance !== undefined && options.distance > 1 && peaks.length > 1) {
    const distance = Math.ceil(options.distance);
    const keep = new Uint8Array(peaks.length).fill(1);
    // Highest priority first; among equal heights the later peak (numpy argsort order, reversed).
    const order = peaks.map((_, j) => j).sort((a, b) => x[peaks[a]] - x[peaks[b]] || a - b);
    for (let o = order.length - 1; o >= 0; o--) {
      const j = order[o];
      if (keep[j] === 0) continue;
      for (let k = j - 1; k >= 0 && peaks[j] - peaks[k] < distance; k--) keep[k] = 0;
      for (let k = j + 1; k < peaks.length && peaks[k] - peaks[j] < distance; k++) keep[k] = 0;
    }
    peaks = peaks.filter((_, j) => keep[j] === 1);
  }
  return Int32Array.from(peaks);
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * librosa.feature.tempo of an onset envelope, unrefined (the reference's fallback second tempo),
 * from `@tactus/onset`'s lag search. Without energy librosa's score is the prior alone, so its
 * answer is the lag nearest 120 BPM on a log scale (117.45 BPM at 22050/512).
 */
export function librosaTempo(onset: OnsetEnvelope): number {
  const found = librosaTempoLag(onset, { refine: false });
  if (found !== null) return lagToBpm(found.lag, onset.sampleRate, onset.hopLength);
  const exact = lagToBpm(1, onset.sampleRate, onset.hopLength) / AUDIO_DEFAULTS.priorBpm; // fractional lag of 120 BPM
  const octaves = (lag: number) =>
    Math.abs(Math.log2(lagToBpm(lag, onset.sampleRate, onset.hopLength) / AUDIO_DEFAULTS.priorBpm));
  const lo = Math.max(1, Math.floor(exact));
  const lag = octaves(lo) <= octaves(lo + 1) ? lo : lo + 1;
  return lagToBpm(lag, onset.sampleRate, onset.hopLength);
}

/**
 * The four A1 tempos (reference estimate_tempos_v5): the two highest peaks t1, t2 of the mean
 * tempogram between 0.2 s and 2 s (scipy find_peaks, height ≥ 0, distance 3), then
 * [t1, t2, max(30, t1/2), clip(1.5·t1, 30, 300)]. With one peak t2 = the global tempo; with none,
 * [120, global tempo, 60, 180]. A global tempo outside [30, 300] is replaced by 120.
 */
export function tempoCandidates(
  tempogramMean: Float32Array,
  sampleRate: number,
  hopLength: number,
  globalTempo: () => number,
): [number, number, number, number] {
  const [lo, hi] = AUDIO_DEFAULTS.bpmRange;
  const fps = sampleRate / hopLength;
  const perMinute = 60 * fps;
  const safeGlobal = () => {
    const t = globalTempo();
    return t >= lo && t <= hi ? t : AUDIO_DEFAULTS.fallbackBpm;
  };
  const minLag = Math.max(1, Math.trunc(AUDIO_DEFAULTS.candidateMinSec * fps));
  const maxLag = Math.min(tempogramMean.length - 1, Math.trunc(AUDIO_DEFAULTS.candidateMaxSec * fps));
  const fallback = (): [number, number, number, number] => [AUDIO_DEFAULTS.fallbackBpm, safeGlobal(), 60, 180];
  if (maxLag <= minLag) return fallback();
  const slice = tempogramMean.subarray(minLag, maxLag + 1);
  const peaks = Array.from(findPeaks(slice, { height: 0, distance: AUDIO_DEFAULTS.candidatePeakDistance }));
  if (peaks.length === 0) return fallback();
  // argsort ascending (stable), reversed: highest first, later index first among equal heights.
  const ranked = peaks
    .map((p, j) => ({ p, j }))
    .sort((a, b) => slice[a.p] - slice[b.p] || a.j - b.j)
    .reverse();
  const bpmOf = (p: number) => clip(perMinute / (p + minLag), lo, hi);
  const t1 = bpmOf(ranked[0].p);
  const t2 = ranked.length > 1 ? bpmOf(ranked[1].p) : safeGlobal();
  return [t1, t2, Math.max(lo, t1 / 2), clip(1.5 * t1, lo, hi)];
}

// ---------------------------------------------------------------------------------------------
// Sub-blocks.

/** max of x[max(0, lag − w) .. min(len, lag + w + 1)). */
export function windowMax(x: ArrayLike<number>, lag: number, halfWidth: number): number {
  const lo = Math.max(0, lag - halfWidth);
  const hi = Math.min(x.length, lag + halfWidth + 1);
  let m = Number.NEGATIVE_INFINITY;
  for (let i = lo; i < hi; i++) if (x[i] > m) m = x[i];
  return m;
}

/** Autocorrelation window-max at an integer lag (half-width max(1, int(0.05·ℓ))), 0 outside (0, len). */
function acfAt(r: Float32Array, lag: number): number {
  if (!(lag > 0 && lag < r.length)) return 0;
  return windowMax(r, lag, Math.max(1, Math.trunc(AUDIO_DEFAULTS.windowFraction * lag)));
}

/** Tempogram window-max at an integer lag (half-width max(1, ℓ//20)), 0 outside (0, len). */
function tempogramAt(avg: Float32Array, lag: number): number {
  if (!(lag > 0 && lag < avg.length)) return 0;
  return windowMax(avg, lag, Math.max(1, Math.floor(lag / 20)));
}

/** Divide out[offset .. offset+length) by its max when that max > 1e-10. */
function maxNormalise(out: Float64Array, offset: number, length: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = offset; i < offset + length; i++) if (out[i] > max) max = out[i];
  if (max > 1e-10) for (let i = offset; i < offset + length; i++) out[i] /= max;
}

/** A1: per tempo and signal, r at int(m_k·beat) for the 64 multiples m_k (reference P8). */
function writeA1(out: Float64Array, autocorrs: Float32Array[], tempos: number[], perMinute: number): void {
  let i = subBlockRange("A1").offset;
  for (const bpm of tempos) {
    const beatFrames = perMinute / bpm;
    for (const r of autocorrs) {
      for (const m of A1_MULTIPLE_VALUES) out[i++] = acfAt(r, Math.trunc(m * beatFrames));
    }
  }
}

/** A2: mean tempogram at the 64 log-spaced tempi, max-normalised. */
function writeA2(out: Float64Array, avg: Float32Array, perMinute: number): void {
  const { offset, length } = subBlockRange("A2");
  A2_BPM_VALUES.forEach((bpm, k) => {
    out[offset + k] = tempogramAt(avg, Math.trunc(perMinute / bpm));
  });
  maxNormalise(out, offset, length);
}

/** Row means, then row population stds, of a features × frames matrix (A3 MFCC, A4 contrast). */
function writeStats(out: Float64Array, offset: number, m: Matrix): void {
  const { nRows, nCols, data } = m;
  for (let r = 0; r < nRows; r++) {
    let sum = 0;
    for (let c = 0; c < nCols; c++) sum += data[r * nCols + c];
    const mean = sum / nCols;
    let sq = 0;
    for (let c = 0; c < nCols; c++) {
      const d = data[r * nCols + c] - mean;
      sq += d * d;
    }
    out[offset + r] = mean;
    out[offset + nRows + r] = Math.sqrt(sq / nCols);
  }
}

/** A5: inter-onset interval mean, std, median (s) and onsets per second; 0 with < 3 onsets. */
function writeA5(out: Float64Array, a: ClipAnalysis): void {
  const { offset } = subBlockRange("A5");
  const frames = a.onsetFrames;
  if (frames.length < 3) return;
  const intervals = new Float64Array(frames.length - 1);
  for (let i = 1; i < frames.length; i++) intervals[i - 1] = frameTime(a, frames[i]) - frameTime(a, frames[i - 1]);
  let sum = 0;
  for (const v of intervals) sum += v;
  const mean = sum / intervals.length;
  let sq = 0;
  for (const v of intervals) sq += (v - mean) * (v - mean);
  const sorted = Float64Array.from(intervals).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
  out[offset] = mean;
  out[offset + 1] = Math.sqrt(sq / intervals.length);
  out[offset + 2] = median;
  out[offset + 3] = frames.length / Math.max(a.nSamples / a.sampleRate, 1);
}

/**
 * A6: for each bar length n, a 32-bin histogram of onset phase (τ mod n·beat)/(n·beat), phase 0 at
 * the clip start, weighted by the raw envelope at the onset, max-normalised; 0 with < 3 onsets.
 */
function writeA6(out: Float64Array, a: ClipAnalysis, beatSec: number): void {
  const { offset } = subBlockRange("A6");
  const frames = a.onsetFrames;
  if (frames.length < 3) return;
  HISTOGRAM_BAR_LENGTHS.forEach((n, b) => {
    const bar = n * beatSec;
    if (bar < 0.1) return;
    const base = offset + b * HISTOGRAM_BINS;
    for (const f of frames) {
      const tau = frameTime(a, f);
      const pos = (tau % bar) / bar;
      const bin = Math.min(HISTOGRAM_BINS - 1, Math.floor(pos * HISTOGRAM_BINS));
      out[base + bin] += a.onset.envelope[f];
    }
    maxNormalise(out, base, HISTOGRAM_BINS);
  });
}

/** A7: per signal, r at n beats for the 8 ratio lags, then the 13 pair ratios. */
function writeA7(out: Float64Array, autocorrs: Float32Array[], beatFrames: number): void {
  let i = subBlockRange("A7").offset;
  for (const r of autocorrs) {
    const at = new Map<number, number>();
    for (const n of RATIO_LAGS) {
      const v = acfAt(r, Math.trunc(n * beatFrames));
      at.set(n, v);
      out[i++] = v;
    }
    for (const [p, q] of RATIO_PAIRS) {
      const ap = at.get(p) ?? 0;
      const aq = at.get(q) ?? 0;
      const denominator = ap + aq + 1e-8;
      // Only an exact zero could give ±∞/NaN; the reference had no guard at all.
      out[i++] = denominator === 0 ? 0 : (ap - aq) / denominator;
    }
  }
}

/** A8: per bar length M, the best tempogram window-max at the bar lag over 60…200 BPM, max-normalised. */
function writeA8(out: Float64Array, avg: Float32Array, fps: number): void {
  const { offset, length } = subBlockRange("A8");
  const { from, to, step } = AUDIO_DEFAULTS.salienceBpm;
  SALIENCE_METERS.forEach((m, k) => {
    let best = 0;
    for (let bpm = from; bpm <= to; bpm += step) {
      const barSec = (60 * m) / bpm;
      best = Math.max(best, tempogramAt(avg, Math.trunc(barSec * fps)));
    }
    out[offset + k] = best;
  });
  maxNormalise(out, offset, length);
}
