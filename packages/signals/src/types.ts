import type { Matrix } from "@tactus/dsp";
import type { MeterKey, MeterScores } from "./meters.js";

/**
 * What signals read of a tracked beat: structurally a subset of `@tactus/beat-trackers`' `Beat`
 * ({ timeSec, isDownbeat, strength }), so tracker output and annotations both fit.
 */
export interface BeatLike {
  readonly timeSec: number;
  readonly isDownbeat: boolean;
}

/** A sampled time series: `values[i]` belongs to time `i / fps` seconds. */
export interface FrameSeries {
  values: ArrayLike<number>;
  /** Frames per second (22050/512 for the onset envelope and chroma). */
  fps: number;
}

/**
 * Everything a signal may read. Plain data computed once per clip by the caller (engine or
 * trainer); each signal reads only the fields it lists in {@link SignalDefinition.inputs} and
 * answers {} ("no opinion") when one of them is missing.
 */
export interface SignalInputs {
  /** Beats of every tracker that ran, by registry name (spacing signals read their own). */
  beatsByTracker?: Readonly<Record<string, readonly BeatLike[]>>;
  /** The primary beat list (best onset-aligned tracker): the grid bar_tracking samples on. */
  primaryBeats?: readonly BeatLike[];
  /** Beat period in seconds (60 / consensus tempo). */
  beatIntervalSec?: number;
  /** Onset-strength envelope of the whole clip (any scale; signals normalise it). */
  onsetEnvelope?: FrameSeries;
  /** Frame-wise downbeat activation in [0, 1] (the beat-trackers' activation model). */
  downbeatActivation?: FrameSeries;
  /** Chroma (12 × frames, librosa orientation) of the whole clip. */
  chroma?: { matrix: Matrix; fps: number };
  /** Fraction of samples louder than 0.1 × the RMS of the first 5 s ({@link nonSilentFraction}). */
  nonSilentFraction?: number;
}

/** What a registered signal declares about itself (essentia style). */
export interface SignalDefinition {
  /** Stable name: cache keys `signals:{name}:…`, feature slots, `--verbose` output. */
  readonly name: string;
  /** One line. */
  readonly description: string;
  /**
   * Module files whose code decides the output: the signal's own module (`import.meta.url`) and
   * the signals modules it imports. Outputs of other packages it reads (beats, activations,
   * chroma) are dependencies of the cache component, listed in `inputs` / `trackers`.
   */
  readonly sources: readonly string[];
  /** Input fields read. */
  readonly inputs: readonly (keyof SignalInputs)[];
  /** Trackers whose beats it reads from `beatsByTracker` (spacing signals). */
  readonly trackers: readonly string[];
  /** Meter keys it can emit. */
  readonly keys: readonly MeterKey[];
  /** True when the signal needs a trained model; such a signal has no `compute` until one exists. */
  readonly requiresModel: boolean;
  /** Pure computation; absent for a model signal without a model. */
  readonly compute?: (inputs: SignalInputs) => MeterScores;
}

/** The outcome of {@link computeSignal}: scores ({} = no opinion) or an explicit "unavailable". */
export type SignalOutcome =
  | { status: "ok"; name: string; scores: MeterScores }
  | { status: "unavailable"; name: string; reason: string };
