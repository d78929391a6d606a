import { type Matrix, stftFrameCount } from "@tactus/dsp";
import { SPECTRAL_FRONT_END_DEFAULTS, spectralFrontEnd } from "./front-end.js";

/** A raw (unnormalised) onset-strength envelope and its framing. */
export interface OnsetEnvelope {
  /** One value per STFT frame, ≥ 0; frame i is centred on sample i·hopLength. */
  readonly envelope: Float32Array;
  /** Frames per second: sampleRate / hopLength (≈ 43.07 at 22050/512). */
  readonly fps: number;
  readonly hopLength: number;
  readonly sampleRate: number;
}

export type OnsetAggregate = "mean" | "median";

export interface OnsetStrengthOptions {
  /** Default 22050. */
  sampleRate?: number;
  /** Default 512. */
  hopLength?: number;
  /** Default 2048. */
  fftSize?: number;
  /** Default 128. */
  nMels?: number;
  /** How band fluxes combine per frame: "mean" (librosa default) or "median" (beat_track). Default "mean". */
  aggregate?: OnsetAggregate;
  /**
   * A precomputed mel-dB matrix (nMels × frames, e.g. {@link spectralFrontEnd}'s `melDb`) made
   * with the same sampleRate/hopLength/fftSize; skips the STFT.
   */
  melDb?: Matrix;
}

export const ONSET_STRENGTH_DEFAULTS = {
  sampleRate: 22050,
  hopLength: SPECTRAL_FRONT_END_DEFAULTS.hopLength,
  fftSize: SPECTRAL_FRONT_END_DEFAULTS.fftSize,
  nMels: SPECTRAL_FRONT_END_DEFAULTS.nMels,
  aggregate: "mean",
} as const satisfies OnsetStrengthOptions;

/**
 * librosa.onset.onset_strength (reference P3, signals §3.1): lag-1 positive spectral flux of the
 * mel-dB spectrogram, aggregated over bands, shifted right by 1 + fftSize/(2·hop) frames (lag
 * plus the centring offset, so a peak sits on the frame of its onset) and cut to the STFT frame
 * count. Silence gives all zeros.
 */
export function onsetStrength(samples: Float32Array, options: OnsetStrengthOptions = {}): OnsetEnvelope {
  const sampleRate = options.sampleRate ?? ONSET_STRENGTH_DEFAULTS.sampleRate;
  const hopLength = options.hopLength ?? ONSET_STRENGTH_DEFAULTS.hopLength;
  const fftSize = options.fftSize ?? ONSET_STRENGTH_DEFAULTS.fftSize;
  const nMels = options.nMels ?? ONSET_STRENGTH_DEFAULTS.nMels;
  const aggregate = options.aggregate ?? ONSET_STRENGTH_DEFAULTS.aggregate;
  let melDb = options.melDb;
  if (melDb === undefined) melDb = spectralFrontEnd(samples, sampleRate, { fftSize, hopLength, nMels }).melDb;
  else {
    const expected = stftFrameCount(samples.length, { fftSize, hopLength });
    if (melDb.nCols !== expected) {
      throw new RangeError(`melDb has ${melDb.nCols} frames, expected ${expected} for ${samples.length} samples at hop ${hopLength}`);
    }
  }
  return onsetStrengthFromMelDb(melDb, { sampleRate, hopLength, fftSize, aggregate });
}

/** {@link onsetStrength} from a mel-dB matrix alone (bands × frames). */
export function onsetStrengthFromMelDb(
  melDb: Matrix,
  options: Pick<OnsetStrengthOptions, "sampleRate" | "hopLength" | "fftSize" | "aggregate"> = {},
): OnsetEnvelope {
  const sampleRate = options.sampleRate ?? ONSET_STRENGTH_DEFAULTS.sampleRate;
  const hopLength = options.hopLength ?? ONSET_STRENGTH_DEFAULTS.hopLength;
  const fftSize = options.fftSize ?? ONSET_STRENGTH_DEFAULTS.fftSize;
  const aggregate = options.aggregate ?? ONSET_STRENGTH_DEFAULTS.aggregate;
  const { data, nRows: nBands, nCols: nFrames } = melDb;
  // The flux between frames j and j+1 lands on frame j + 1 + fftSize/(2·hop) (librosa's lag + centre pad).
  const shift = 1 + Math.floor(fftSize / (2 * hopLength));
  const envelope = new Float32Array(nFrames);
  const nDiffs = nFrames - shift;
  if (nBands > 0 && nDiffs > 0) {
    if (aggregate === "mean") {
      const acc = new Float64Array(nDiffs);
      for (let b = 0; b < nBands; b++) {
        const row = b * nFrames;
        for (let j = 0; j < nDiffs; j++) {
          const d = data[row + j + 1] - data[row + j];
          if (d > 0) acc[j] += d;
        }
      }
      for (let j = 0; j < nDiffs; j++) envelope[j + shift] = acc[j] / nBands;
    } else {
      const column = new Float64Array(nBands);
      for (let j = 0; j < nDiffs; j++) {
        for (let b = 0, i = j; b < nBands; b++, i += nFrames) column[b] = Math.max(0, data[i + 1] - data[i]);
        envelope[j + shift] = median(column);
      }
    }
  }
  return { envelope, fps: sampleRate / hopLength, hopLength, sampleRate };
}

/** numpy median: the middle value, or the mean of the two middle values. Sorts `values` in place. */
function median(values: Float64Array): number {
  values.sort();
  const n = values.length;
  const mid = n >> 1;
  return n % 2 === 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

/** envelope / max(envelope) (signals §3.1 strengths); returned unchanged (copied) when the max is 0. */
export function normalizedEnvelope(env: OnsetEnvelope): Float32Array {
  const out = Float32Array.from(env.envelope);
  let max = 0;
  for (const v of out) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] /= max;
  return out;
}

/** Time in seconds of each envelope frame: i·hopLength/sampleRate. */
export function envelopeTimes(env: OnsetEnvelope): Float64Array {
  const out = new Float64Array(env.envelope.length);
  for (let i = 0; i < out.length; i++) out[i] = (i * env.hopLength) / env.sampleRate;
  return out;
}
