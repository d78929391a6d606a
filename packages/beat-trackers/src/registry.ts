/**
 * The tracker registry: every beat/downbeat tracker under its stable name (the name used in cache
 * keys, feature slots and `--verbose` output) with a one-line description. Lists of tracker names
 * are derived from {@link TRACKERS}, never retyped.
 */

import {
  type OnsetEnvelope,
  onsetStrength,
  SPECTRAL_FRONT_END_DEFAULTS,
  type SpectralFrontEnd,
  spectralFrontEnd,
} from "@tactus/onset";
import { type ActivationModel, type Activations, DSP_ACTIVATIONS, hasRhythmicEvidence } from "./activations.js";
import {
  DBN_FIXED_BAR_LENGTHS,
  type DbnAllResult,
  type DbnFixedBarLength,
  dbnVariantName,
  runDbnVariants,
  trackDbnFixed,
} from "./dbn-trackers.js";
import { DP_ENVELOPE_CACHE_KEY, trackBeatsDp } from "./dp.js";
import { trackBeatsMultifeature } from "./multifeature.js";
import type { Beat, SharedInputs, TrackerDefinition, TrackerOptions, TrackerResult } from "./types.js";

/** What a tracker reports beyond its registry entry. */
export type TrackerOutput = Omit<TrackerResult, "name" | "downbeats" | "error">;

/** A registered tracker: `run` gives the beats, `analyze` the beats plus tracker-specific details. */
export interface RegisteredTracker<N extends string = string> extends TrackerDefinition {
  readonly name: N;
  analyze(samples: Float32Array, sampleRate: number, options?: TrackerOptions): TrackerOutput | Promise<TrackerOutput>;
}

/** Options of the DBN trackers: which activation model feeds them (the DSP one by default). */
export interface DbnRunOptions extends TrackerOptions {
  activationModel?: ActivationModel;
}

/**
 * Register a tracker. Every tracker is gated by the activations: without rhythmic evidence
 * (silence, a lone click, stationary noise; {@link hasRhythmicEvidence}) it returns no beats
 * instead of locking onto noise.
 */
function defineTracker<const N extends string>(
  entry: Omit<RegisteredTracker<N>, "run">,
): RegisteredTracker<N> {
  const analyze = (samples: Float32Array, sampleRate: number, options: DbnRunOptions = {}) => {
    const opts = options.shared ? options : { ...options, shared: createSharedInputs() };
    // A failing activation model must not take the trackers that do not need it down with it.
    const rhythmic = attempt(() => hasRhythmicEvidence(sharedActivations(samples, sampleRate, opts))) ?? true;
    if (!rhythmic) return { beats: [] };
    return entry.analyze(samples, sampleRate, opts);
  };
  return {
    ...entry,
    analyze,
    run(samples, sampleRate, options) {
      const out = analyze(samples, sampleRate, options);
      return out instanceof Promise ? out.then((o) => o.beats) : out.beats;
    },
  };
}

/**
 * A tracker's `sources`: its own module and this registry module (the shared wrapper and inputs),
 * as file URLs of the compiled modules — for cache fingerprints.
 */
function moduleSources(ownModule: string): readonly string[] {
  return Object.freeze([new URL(ownModule, import.meta.url).href, import.meta.url]);
}

/** New empty shared-input cache for one piece of audio. */
export function createSharedInputs(): SharedInputs {
  return { cache: new Map() };
}

function cached<T>(shared: SharedInputs | undefined, key: string, compute: () => T): T {
  if (shared === undefined) return compute();
  if (shared.cache.has(key)) return shared.cache.get(key) as T;
  const value = compute();
  shared.cache.set(key, value);
  return value;
}

/** The activations of `samples` under `model`, computed once per shared cache. */
export function sharedActivations(
  samples: Float32Array,
  sampleRate: number,
  options: DbnRunOptions = {},
): Activations {
  const model = options.activationModel ?? DSP_ACTIVATIONS;
  return cached(options.shared, `activations:${model.name}:${sampleRate}`, () => model.compute(samples, sampleRate));
}

function dbnKey(sampleRate: number, options: DbnRunOptions): string {
  return `dbn:${(options.activationModel ?? DSP_ACTIVATIONS).name}:${sampleRate}`;
}

/** All DBN decodes of `samples`, computed once per shared cache. */
function sharedDbn(samples: Float32Array, sampleRate: number, options: DbnRunOptions): DbnAllResult {
  return cached(options.shared, dbnKey(sampleRate, options), () =>
    runDbnVariants(sharedActivations(samples, sampleRate, options)),
  );
}

function dbnFixedTracker<L extends DbnFixedBarLength>(beatsPerBar: L) {
  return defineTracker({
    name: dbnVariantName(beatsPerBar) as `dbn_bpb${L}`,
    description: `bar-pointer DBN over the beat/downbeat activations, bar length fixed to ${beatsPerBar} beats`,
    downbeats: true,
    sources: moduleSources("./dbn-trackers.js"),
    analyze(samples: Float32Array, sampleRate: number, options: DbnRunOptions = {}): TrackerOutput {
      // In a batch (decodes already shared) read this variant; alone, decode only this bar length.
      const all = options.shared?.cache.get(dbnKey(sampleRate, options)) as DbnAllResult | undefined;
      const beats = all
        ? all.variants[dbnVariantName(beatsPerBar)]
        : trackDbnFixed(sharedActivations(samples, sampleRate, options), beatsPerBar).beats;
      return { beats, beatsPerBar };
    },
  });
}

/** Every tracker, in the registry's canonical order. */
export const TRACKERS = [
  defineTracker({
    name: "dp",
    description: "dynamic-programming beat tracker (Ellis 2007, librosa beat_track defaults); no downbeats",
    downbeats: false,
    sources: moduleSources("./dp.js"),
    analyze: (samples: Float32Array, sampleRate: number, options?: TrackerOptions): TrackerOutput => ({
      beats: trackBeatsDp(samples, sampleRate, options),
    }),
  }),
  defineTracker({
    name: "multifeature",
    description: "essentia BeatTrackerMultiFeature (Zapata et al. 2014) at 44.1 kHz, with its confidence; no downbeats",
    downbeats: false,
    sources: moduleSources("./multifeature.js"),
    analyze: (samples: Float32Array, sampleRate: number): Promise<TrackerOutput> =>
      trackBeatsMultifeature(samples, sampleRate),
  }),
  ...DBN_FIXED_BAR_LENGTHS.map((length) => dbnFixedTracker(length)),
  defineTracker({
    name: "dbn",
    description: "bar-pointer DBN over the beat/downbeat activations, bar length chosen among 3, 4, 5, 7, 9, 11",
    downbeats: true,
    sources: moduleSources("./dbn-trackers.js"),
    analyze(samples: Float32Array, sampleRate: number, options: DbnRunOptions = {}): TrackerOutput {
      const { dbn } = sharedDbn(samples, sampleRate, options);
      return { beats: dbn.beats, beatsPerBar: dbn.beatsPerBar, barLengthScores: dbn.scores };
    },
  }),
] as const;

/** A registered tracker name. */
export type TrackerName = (typeof TRACKERS)[number]["name"];

/** Every tracker name, in registry order. */
export const TRACKER_NAMES: readonly TrackerName[] = TRACKERS.map((t) => t.name);

/** The tracker registered as `name`; throws a RangeError listing the valid names otherwise. */
export function getTracker(name: string): RegisteredTracker<TrackerName> {
  const tracker = TRACKERS.find((t) => t.name === name);
  if (tracker === undefined) {
    throw new RangeError(`unknown beat tracker "${name}"; valid trackers: ${TRACKER_NAMES.join(", ")}`);
  }
  return tracker;
}

function attempt<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch {
    return undefined;
  }
}

/** Every tracker's result on one piece of audio, plus the inputs they shared. */
export interface AllTrackersResult {
  /** One result per tracker, in registry order. */
  results: Record<TrackerName, TrackerResult>;
  /** The beat/downbeat activations behind the DBN trackers. */
  activations: Activations;
  /** librosa's mean-aggregated onset envelope (onset events, tempo estimates). */
  onsetEnvelope: OnsetEnvelope;
}

export interface RunAllOptions extends DbnRunOptions {
  /** Only these trackers (default: all, registry order). */
  trackers?: readonly TrackerName[];
  /**
   * `spectralFrontEnd(samples, sampleRate)` (default options), when the caller already has it:
   * the onset envelopes are then computed from it instead of a second STFT/mel.
   */
  frontEnd?: SpectralFrontEnd;
}

/**
 * Run every registered tracker on one piece of audio, computing the shared inputs once: one
 * STFT/mel front end for both onset envelopes (mean for onsets and tempo, median for `dp`), one
 * activation computation and one set of DBN decodes for the five DBN trackers. A tracker that
 * throws gets an empty beat list and its error message (as the reference does).
 */
export async function runAllTrackers(
  samples: Float32Array,
  sampleRate: number,
  options: RunAllOptions = {},
): Promise<AllTrackersResult> {
  const given = options.frontEnd;
  if (given) checkFrontEnd(given, samples, sampleRate);
  const shared = options.shared ?? createSharedInputs();
  const runOptions: DbnRunOptions = { ...options, shared };
  // Shared inputs never throw out of here: a failure surfaces as the trackers' errors instead.
  const onsetEnvelope = attempt(() => {
    const front = given ?? spectralFrontEnd(samples, sampleRate);
    if (!shared.cache.has(DP_ENVELOPE_CACHE_KEY)) {
      shared.cache.set(DP_ENVELOPE_CACHE_KEY, onsetStrength(samples, { sampleRate, melDb: front.melDb, aggregate: "median" }));
    }
    return onsetStrength(samples, { sampleRate, melDb: front.melDb, aggregate: "mean" });
  }) ?? { envelope: new Float32Array(0), fps: sampleRate / 512, hopLength: 512, sampleRate };
  const activations = attempt(() => sharedActivations(samples, sampleRate, runOptions)) ?? {
    beat: new Float32Array(0),
    downbeat: new Float32Array(0),
    fps: (options.activationModel ?? DSP_ACTIVATIONS).fps,
  };
  const names = new Set<string>(options.trackers ?? TRACKER_NAMES);
  if (hasRhythmicEvidence(activations) && [...names].some((n) => n.startsWith("dbn"))) {
    attempt(() => sharedDbn(samples, sampleRate, runOptions));
  }
  const results = {} as Record<TrackerName, TrackerResult>;
  for (const tracker of TRACKERS) {
    if (!names.has(tracker.name)) continue;
    let result: TrackerResult;
    try {
      const out = await tracker.analyze(samples, sampleRate, runOptions);
      result = { name: tracker.name, downbeats: tracker.downbeats, ...out };
    } catch (error) {
      result = {
        name: tracker.name,
        downbeats: tracker.downbeats,
        beats: [] as Beat[],
        error: error instanceof Error ? error.message : String(error),
      };
    }
    results[tracker.name] = result;
  }
  return { results, activations, onsetEnvelope };
}

/** A front end handed to {@link runAllTrackers} must be the default one of these very samples. */
function checkFrontEnd(front: SpectralFrontEnd, samples: Float32Array, sampleRate: number): void {
  const { fftSize, hopLength, nMels } = SPECTRAL_FRONT_END_DEFAULTS;
  const frames = 1 + Math.floor(samples.length / hopLength);
  if (
    front.sampleRate !== sampleRate ||
    front.fftSize !== fftSize ||
    front.hopLength !== hopLength ||
    front.melDb.nRows !== nMels ||
    front.melDb.nCols !== frames
  ) {
    throw new RangeError(
      `runAllTrackers: frontEnd is not spectralFrontEnd's default of these samples (want ${sampleRate} Hz, ${fftSize}/${hopLength}, ${nMels} × ${frames}; got ${front.sampleRate} Hz, ${front.fftSize}/${front.hopLength}, ${front.melDb.nRows} × ${front.melDb.nCols})`,
    );
  }
}
