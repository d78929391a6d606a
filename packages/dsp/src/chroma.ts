import { C1_HZ, cqt } from "./cqt.js";
import { createMatrix, type Matrix } from "./matrix.js";
import { normalizeColumnsInPlace } from "./normalize.js";
import type { Spectrogram } from "./stft.js";
import { estimateTuning } from "./tuning.js";

export interface CqtToChromaOptions {
  /** CQT bins per octave; a multiple of nChroma. Default 36. */
  binsPerOctave?: number;
  /** Number of chroma classes. Default 12. */
  nChroma?: number;
  /** Frequency of CQT bin 0 before tuning (it decides which class bin 0 folds into). Default C1. */
  fMin?: number;
  /** Values below this are set to 0 before normalising. Default 0. */
  threshold?: number;
  /** Per-frame normalisation: Infinity (max = 1), another p for L^p, or null for none. Default Infinity. */
  norm?: number | null;
}

export interface ChromaOptions extends CqtToChromaOptions {
  sampleRate: number;
  /** Samples between frames; a power of two. Default 512. */
  hopLength?: number;
  /** Octaves of CQT starting at fMin. Default 7. */
  nOctaves?: number;
  /** Tuning in fractions of a CQT bin. Default: estimated like librosa (estimate_tuning, bins_per_octave). */
  tuning?: number;
  /** STFT (2048/512 Hann, centred) of the same samples, reused for the tuning estimate instead of a new one. */
  spectrogram?: Spectrogram;
}

export const CHROMA_DEFAULTS = {
  binsPerOctave: 36,
  nChroma: 12,
  fMin: C1_HZ,
  threshold: 0,
  norm: Number.POSITIVE_INFINITY,
  hopLength: 512,
  nOctaves: 7,
} as const satisfies Omit<ChromaOptions, "sampleRate">;

/**
 * Fold a CQT magnitude (nBins × nFrames) into chroma like librosa.filters.cq_to_chroma: each class
 * sums the binsPerOctave/nChroma bins centred on it in every octave, then threshold and normalise.
 */
export function cqtToChroma(c: Matrix, options: CqtToChromaOptions = {}): Matrix {
  const binsPerOctave = options.binsPerOctave ?? CHROMA_DEFAULTS.binsPerOctave;
  const nChroma = options.nChroma ?? CHROMA_DEFAULTS.nChroma;
  const fMin = options.fMin ?? CHROMA_DEFAULTS.fMin;
  const threshold = options.threshold ?? CHROMA_DEFAULTS.threshold;
  const norm = options.norm === undefined ? CHROMA_DEFAULTS.norm : options.norm;
  const nMerge = binsPerOctave / nChroma;
  if (!Number.isInteger(nMerge) || nMerge < 1) {
    throw new RangeError(`binsPerOctave=${binsPerOctave} must be a multiple of nChroma=${nChroma}`);
  }
  // cq_to_chroma: identity repeated nMerge times, rolled left by ⌊nMerge/2⌋ so each class is centred
  // on its bin, tiled over octaves, then rolled to start at C given fMin's MIDI pitch class.
  const midi = 12 * Math.log2(fMin / 440) + 69;
  const roll = Math.round((((midi % 12) + 12) % 12) * (nChroma / 12));
  const half = Math.floor(nMerge / 2);
  const classOf = new Int32Array(c.nRows);
  for (let b = 0; b < c.nRows; b++) {
    const base = Math.floor((((b % binsPerOctave) + half) % binsPerOctave) / nMerge);
    classOf[b] = (base + roll) % nChroma;
  }
  const nFrames = c.nCols;
  const out = createMatrix(nChroma, nFrames);
  for (let b = 0; b < c.nRows; b++) {
    const dst = classOf[b] * nFrames;
    const src = b * nFrames;
    for (let t = 0; t < nFrames; t++) out.data[dst + t] += c.data[src + t];
  }
  for (let i = 0; i < out.data.length; i++) if (out.data[i] < threshold) out.data[i] = 0;
  return norm === null ? out : normalizeColumnsInPlace(out, norm);
}

/**
 * librosa.feature.chroma_cqt: tuning estimate (unless given), a 7-octave, 36-bins-per-octave CQT
 * from C1 (see {@link cqt}), folded to 12 classes starting at C, each frame scaled to max 1.
 * 12 × (1 + floor(N / hopLength)).
 */
export function chroma(x: Float32Array, options: ChromaOptions): Matrix {
  const binsPerOctave = options.binsPerOctave ?? CHROMA_DEFAULTS.binsPerOctave;
  const nOctaves = options.nOctaves ?? CHROMA_DEFAULTS.nOctaves;
  const fMin = options.fMin ?? CHROMA_DEFAULTS.fMin;
  const tuning =
    options.tuning ??
    estimateTuning(options.spectrogram ?? x, { sampleRate: options.sampleRate, binsPerOctave, fftSize: 2048, hopLength: 512 });
  const c = cqt(x, {
    sampleRate: options.sampleRate,
    hopLength: options.hopLength ?? CHROMA_DEFAULTS.hopLength,
    fMin,
    nBins: nOctaves * binsPerOctave,
    binsPerOctave,
    tuning,
  });
  return cqtToChroma(c, { ...options, binsPerOctave, fMin });
}
