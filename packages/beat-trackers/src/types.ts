/**
 * Shared types of the beat trackers: what every tracker returns and how the registry describes it.
 */

/** One tracked beat. */
export interface Beat {
  /** Beat time in seconds from the start of the signal. */
  timeSec: number;
  /** True when the tracker marks this beat as the first of a bar (false for beat-only trackers). */
  isDownbeat: boolean;
  /** Tracker-specific salience of the beat in [0, 1] (activation / onset strength at the beat). */
  strength: number;
}

/** The outcome of running one registered tracker. */
export interface TrackerResult {
  /** The tracker's registry name. */
  name: string;
  beats: Beat[];
  /** Whether the tracker decodes downbeats (copied from its definition). */
  downbeats: boolean;
  /** Tracker confidence where it reports one (essentia's multi-feature confidence, 0–5.32). */
  confidence?: number;
  /** Bar length in beats where the tracker decides one (the DBN variants). */
  beatsPerBar?: number;
  /** Per-bar-length scores where the tracker chooses the bar length (`dbn`: log probability per frame). */
  barLengthScores?: Record<number, number>;
  /** Set when the tracker threw: `beats` is then empty. */
  error?: string;
}

/** Options every tracker accepts; trackers ignore the fields they do not use. */
export interface TrackerOptions {
  /** Pass shared, precomputed inputs so a batch of trackers computes them once. */
  shared?: SharedInputs;
}

/**
 * Inputs shared between trackers. Filled lazily by `runAllTrackers`; a tracker run alone computes
 * what it needs itself.
 */
export interface SharedInputs {
  /** Cache keyed by input name (e.g. "activations", "onsetEnvelope"). */
  cache: Map<string, unknown>;
}

/** A registered tracker. */
export interface TrackerDefinition {
  /** Stable identifier (used in results, reports and CLIs). */
  name: string;
  /** One-line description. */
  description: string;
  /** True when the tracker marks downbeats. */
  downbeats: boolean;
  /**
   * File URLs of the compiled modules whose code decides the output: the tracker's own module and
   * the registry module that wraps it (for cache fingerprints; consumers follow their imports).
   */
  sources: readonly string[];
  run(
    samples: Float32Array,
    sampleRate: number,
    options?: TrackerOptions,
  ): Beat[] | Promise<Beat[]>;
}
