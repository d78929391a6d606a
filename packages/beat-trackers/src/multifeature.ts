/**
 * essentia's multi-feature beat tracker (Zapata, Davies & Gómez 2014), through @tactus/dsp's
 * essentia.js wrapper (ARCHITECTURE.md decision 4b).
 *
 * samples → resample to 44 100 Hz (the rate the algorithm is built for) → the five onset
 * functions of BeatTrackerMultiFeature, computed in TypeScript (`multifeature-odf.ts`, ~5× faster
 * than essentia's WASM) → essentia's TempoTapDegara on each → essentia's TempoTapMaxAgreement
 * (the candidate beat sequence that agrees most with the others) → ticks and their confidence.
 * No downbeats. This is BeatTrackerMultiFeature's own network, assembled from its parts.
 */

import { resample } from "@tactus/audio";
import { type EssentiaScope, type EssentiaVector, withEssentia } from "@tactus/dsp";
import { type MultifeatureOdfs, multifeatureOdfs, ODF_HOP_FRAMEWISE, ODF_HOP_GLOBAL, ODF_SAMPLE_RATE } from "./multifeature-odf.js";
import type { Beat, TrackerOptions } from "./types.js";

/** Sample rate essentia's BeatTrackerMultiFeature assumes (it has no sample-rate parameter). */
export const MULTIFEATURE_SAMPLE_RATE = ODF_SAMPLE_RATE;

export interface MultifeatureOptions extends TrackerOptions {
  /** Slowest tempo considered [BPM]; essentia's default 40. */
  minBpm?: number;
  /** Fastest tempo considered [BPM]; essentia's default 208. */
  maxBpm?: number;
}

export const MULTIFEATURE_DEFAULTS = { minBpm: 40, maxBpm: 208 } as const;

/** Beats plus essentia's confidence (mean mutual agreement of the candidate sequences, 0–5.32). */
export interface MultifeatureResult {
  beats: Beat[];
  /** essentia: < 1 very low, 1–1.5 low, 1.5–3.5 good, > 3.5 excellent; 0 when nothing was tracked. */
  confidence: number;
}

/** Shortest input handed to essentia: its onset functions need a few frames. */
const MIN_DURATION_SEC = 1;

/**
 * Run essentia's multi-feature tracker. Async because resampling (libsamplerate WASM) is.
 * Silent or very short input gives no beats and confidence 0.
 */
export async function trackBeatsMultifeature(
  samples: Float32Array,
  sampleRate: number,
  options: MultifeatureOptions = {},
): Promise<MultifeatureResult> {
  const minBpm = options.minBpm ?? MULTIFEATURE_DEFAULTS.minBpm;
  const maxBpm = options.maxBpm ?? MULTIFEATURE_DEFAULTS.maxBpm;
  if (!(sampleRate > 0) || !Number.isInteger(sampleRate)) {
    throw new RangeError(`sampleRate must be a positive integer, got ${sampleRate}`);
  }
  if (samples.length < MIN_DURATION_SEC * sampleRate || isSilent(samples)) return { beats: [], confidence: 0 };
  // Beat times need no more than "fastest" quality: its passband error is far below onset scale.
  const input = await resample(samples, sampleRate, MULTIFEATURE_SAMPLE_RATE, { quality: "fastest" });
  const { ticks, confidence } = decodeMultifeature(multifeatureOdfs(input), minBpm, maxBpm);
  const durationSec = samples.length / sampleRate;
  const beats: Beat[] = [];
  for (const t of ticks) {
    if (t >= 0 && t <= durationSec && (beats.length === 0 || t > beats[beats.length - 1]!.timeSec)) {
      beats.push({ timeSec: t, isDownbeat: false, strength: 1 });
    }
  }
  return { beats, confidence: beats.length > 0 && Number.isFinite(confidence) ? confidence : 0 };
}

interface VectorVectorFloat {
  push_back(v: EssentiaVector): void;
  delete(): void;
}

/**
 * BeatTrackerMultiFeature's decoding: TempoTapDegara on each onset function (the hop-1024 ones
 * resampled ×2 inside, as essentia configures them), then TempoTapMaxAgreement over the five tick
 * lists in essentia's order (complex, rms, melflux, beat_emphasis, infogain).
 */
export function decodeMultifeature(
  odfs: MultifeatureOdfs,
  minBpm: number,
  maxBpm: number,
): { ticks: Float32Array; confidence: number } {
  return withEssentia((scope: EssentiaScope) => {
    const { essentia, vector, outputs, toArray, track } = scope;
    const degara = (odf: Float32Array, hop: number, resampling: "x2" | "none") =>
      outputs(
        essentia.TempoTapDegara(vector(odf), maxBpm, minBpm, resampling, MULTIFEATURE_SAMPLE_RATE / hop),
      ).ticks as EssentiaVector;
    const module = (essentia as unknown as { module: { VectorVectorFloat: new () => VectorVectorFloat } }).module;
    const candidates = track(new module.VectorVectorFloat());
    candidates.push_back(degara(odfs.complex, ODF_HOP_FRAMEWISE, "x2"));
    candidates.push_back(degara(odfs.rms, ODF_HOP_FRAMEWISE, "x2"));
    candidates.push_back(degara(odfs.melflux, ODF_HOP_FRAMEWISE, "x2"));
    candidates.push_back(degara(odfs.beatEmphasis, ODF_HOP_GLOBAL, "none"));
    candidates.push_back(degara(odfs.infogain, ODF_HOP_GLOBAL, "none"));
    const out = outputs(essentia.TempoTapMaxAgreement(candidates));
    return { ticks: toArray(out.ticks), confidence: Number(out.confidence) };
  });
}

function isSilent(samples: Float32Array): boolean {
  for (let i = 0; i < samples.length; i++) if (samples[i] !== 0) return false;
  return true;
}
