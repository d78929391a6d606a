/**
 * The one audio preparation every feature path uses (ARCHITECTURE.md decision 1): training,
 * extraction and inference all call {@link prepareClip} on the already preprocessed signal
 * (`@tactus/audio` preprocess: peak-normalised, 60 Hz high-passed), so the audio and SSM blocks
 * always see the same centred 30 s crop, with beat times shifted into it.
 *
 * Deviations from the reference (reference/features.md §3, NOTE): training there used the raw
 * first 30 s while inference used the preprocessed centre, and the SSM beats were not shifted.
 */

/** Length of the analysed excerpt. */
export const CLIP_DURATION_SEC = 30;
/** Shorter clips give no features (the reference returns None below 2 s). */
export const MIN_CLIP_DURATION_SEC = 2;

/** A clip that may be analysed. */
export interface PreparedClip<B extends { timeSec: number } = { timeSec: number }> {
  readonly ok: true;
  /** The centred crop (a view into the input when cropped, the input itself otherwise). */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Start of the crop in the original signal, seconds. */
  readonly offsetSec: number;
  /** Length of the crop, seconds. */
  readonly durationSec: number;
  /** Beats inside the crop, times relative to its start. */
  readonly beats: B[];
}

/** A clip too short to give features: never replaced by zeros. */
export interface ClipTooShort {
  readonly ok: false;
  readonly reason: "too short";
  readonly durationSec: number;
  readonly minDurationSec: number;
}

/** A clip containing NaN or ±Infinity samples. */
export interface ClipNotFinite {
  readonly ok: false;
  readonly reason: "non-finite samples";
  readonly durationSec: number;
  /** Index of the first non-finite sample in the input. */
  readonly sampleIndex: number;
}

export type ClipRejection = ClipTooShort | ClipNotFinite;
export type PrepareResult<B extends { timeSec: number } = { timeSec: number }> = PreparedClip<B> | ClipRejection;

/** Thrown by the block builders when handed a clip shorter than {@link MIN_CLIP_DURATION_SEC}. */
export class ClipTooShortError extends Error {
  override readonly name = "ClipTooShortError";
  readonly durationSec: number;
  readonly minDurationSec = MIN_CLIP_DURATION_SEC;
  constructor(durationSec: number, detail = "") {
    super(
      `clip too short: ${durationSec.toFixed(3)} s < ${MIN_CLIP_DURATION_SEC} s${detail === "" ? "" : ` (${detail})`}; no features`,
    );
    this.durationSec = durationSec;
  }

  /** The same outcome as a result value. */
  toResult(): ClipTooShort {
    return tooShort(this.durationSec);
  }
}

/** Thrown by the block builders when a sample is NaN or ±Infinity. */
export class NonFiniteSamplesError extends Error {
  override readonly name = "NonFiniteSamplesError";
  readonly sampleIndex: number;
  constructor(sampleIndex: number) {
    super(`clip has a non-finite sample at index ${sampleIndex}; no features`);
    this.sampleIndex = sampleIndex;
  }
}

export function tooShort(durationSec: number): ClipTooShort {
  return { ok: false, reason: "too short", durationSec, minDurationSec: MIN_CLIP_DURATION_SEC };
}

/** Index of the first NaN/±Infinity sample, or −1. */
export function firstNonFinite(samples: Float32Array): number {
  for (let i = 0; i < samples.length; i++) if (!Number.isFinite(samples[i])) return i;
  return -1;
}

/** Number of samples in the analysed excerpt at `sampleRate`. */
export function clipSampleCount(sampleRate: number): number {
  return Math.round(CLIP_DURATION_SEC * sampleRate);
}

/** The centred 30 s window of a signal of `nSamples`: first sample, length, and both in seconds. */
export function clipWindow(nSamples: number, sampleRate: number): { start: number; length: number; offsetSec: number; durationSec: number } {
  const maxLength = clipSampleCount(sampleRate);
  const start = nSamples > maxLength ? Math.floor((nSamples - maxLength) / 2) : 0;
  const length = Math.min(nSamples, maxLength);
  return { start, length, offsetSec: start / sampleRate, durationSec: length / sampleRate };
}

/** The items inside [offsetSec, offsetSec + durationSec), their times made relative to the window. */
export function shiftIntoWindow<B extends { timeSec: number }>(items: readonly B[], offsetSec: number, durationSec: number): B[] {
  const shifted: B[] = [];
  for (const item of items) {
    const timeSec = item.timeSec - offsetSec;
    if (timeSec >= 0 && timeSec < durationSec) shifted.push({ ...item, timeSec });
  }
  return shifted;
}

/**
 * Centre-crop a preprocessed signal to 30 s (start = ⌊(L − 30·sr)/2⌋ when longer) and shift the
 * beats into the crop, dropping those outside [0, crop length). Clips shorter than 2 s, or with
 * non-finite samples, come back as a rejection instead of a clip.
 */
export function prepareClip<B extends { timeSec: number }>(
  samples: Float32Array,
  sampleRate: number,
  beats: readonly B[] = [],
): PrepareResult<B> {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
  const length = samples.length;
  if (length < MIN_CLIP_DURATION_SEC * sampleRate) return tooShort(length / sampleRate);
  const window = clipWindow(length, sampleRate);
  const cropped = window.length < length ? samples.subarray(window.start, window.start + window.length) : samples;
  const bad = firstNonFinite(cropped);
  if (bad >= 0) return { ok: false, reason: "non-finite samples", durationSec: length / sampleRate, sampleIndex: window.start + bad };
  const { offsetSec, durationSec } = window;
  return { ok: true, samples: cropped, sampleRate, offsetSec, durationSec, beats: shiftIntoWindow(beats, offsetSec, durationSec) };
}
