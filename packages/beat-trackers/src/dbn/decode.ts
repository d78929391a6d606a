import { beatIntervals, buildBarModel } from "./state-space.js";
import { type BarPointerPath, type ObservationLogDensities, viterbiBarPointer } from "./viterbi.js";

/** Options of {@link decodeBeatsDownbeats}; defaults in {@link DBN_DOWNBEAT_DEFAULTS}. */
export interface DbnDownbeatOptions {
  /** Bar lengths in beats to model, one HMM each; the best-scoring one wins (e.g. [4] or [3, 4, 5, 7, 9, 11]). */
  beatsPerBar: readonly number[];
  /** Slowest tempo modelled [BPM]. */
  minBpm?: number;
  /** Fastest tempo modelled [BPM]. */
  maxBpm?: number;
  /** Number of tempi (log-spaced beat intervals); a linear grid when it is not smaller than that grid. */
  numTempi?: number;
  /** λ of the exponential tempo-change distribution at beat boundaries (higher = steadier tempo). */
  transitionLambda?: number;
  /** The first 1/λ of every beat period is its (down)beat region. */
  observationLambda?: number;
  /** Frames before the first / after the last frame with an activation ≥ threshold are not decoded; 0 disables. */
  threshold?: number;
  /** Move each beat to the strongest activation frame of its beat region. */
  correct?: boolean;
}

/** madmom `DBNDownBeatTrackingProcessor` defaults. */
export const DBN_DOWNBEAT_DEFAULTS = {
  minBpm: 55,
  maxBpm: 215,
  numTempi: 60,
  transitionLambda: 100,
  observationLambda: 16,
  threshold: 0.05,
  correct: true,
} as const;

/** One decoded beat. */
export interface DbnBeat {
  timeSec: number;
  /** Position in the bar, 1 = downbeat. */
  position: number;
}

export interface DbnDecodeResult {
  beats: DbnBeat[];
  /** Bar length of the winning HMM; 0 when nothing was decoded (no activation reached the threshold). */
  beatsPerBar: number;
  /**
   * Viterbi log probability of each bar length's HMM divided by the number of decoded
   * frames (higher is better; comparable across bar lengths of one call). Empty when
   * nothing was decoded.
   */
  logProbPerFrame: Record<number, number>;
}

/** Floor for probabilities before taking logs: madmom would produce −∞ (or NaN when p_beat + p_down > 1). */
const MIN_PROBABILITY = 1e-10;

/**
 * Joint beat and downbeat decoding with a bar-pointer DBN: madmom's
 * `DBNDownBeatTrackingProcessor` over separate beat and downbeat activations
 * (probabilities in [0, 1] at `fps` frames per second).
 *
 * activation → threshold trim → one Viterbi per bar length → best log probability
 * → beats at beat-region changes (or activation peaks when `correct`).
 */
export function decodeBeatsDownbeats(
  beatActivation: ArrayLike<number>,
  downbeatActivation: ArrayLike<number>,
  fps: number,
  options: DbnDownbeatOptions,
): DbnDecodeResult {
  const opts = resolveOptions(options);
  const barLengths = validate(beatActivation, downbeatActivation, fps, opts);

  const [first, end] = opts.threshold
    ? activeSpan(beatActivation, downbeatActivation, opts.threshold)
    : [0, beatActivation.length];
  if (end <= first || !anyNonZero(beatActivation, downbeatActivation, first, end)) {
    return { beats: [], beatsPerBar: 0, logProbPerFrame: {} };
  }
  const numFrames = end - first;
  const densities = logDensities(
    beatActivation,
    downbeatActivation,
    first,
    end,
    opts.observationLambda,
  );

  const intervals = beatIntervals((60 * fps) / opts.maxBpm, (60 * fps) / opts.minBpm, opts.numTempi);
  const logProbPerFrame: Record<number, number> = {};
  let bestPath: BarPointerPath | undefined;
  let bestBarLength = 0;
  for (const beatsPerBar of barLengths) {
    const model = buildBarModel(beatsPerBar, {
      intervals,
      transitionLambda: opts.transitionLambda,
      observationLambda: opts.observationLambda,
    });
    const path = viterbiBarPointer(model, densities, numFrames);
    logProbPerFrame[beatsPerBar] = path.logProb / numFrames;
    if (bestPath === undefined || path.logProb > bestPath.logProb) {
      bestPath = path;
      bestBarLength = beatsPerBar;
    }
  }

  const frames = opts.correct
    ? peakFramesOfBeatRegions(bestPath!, beatActivation, downbeatActivation, first)
    : beatNumberChanges(bestPath!);
  const beats = frames.map((frame) => ({
    timeSec: (frame + first) / fps,
    position: bestPath!.beatIndex[frame]! + 1,
  }));
  return { beats, beatsPerBar: bestBarLength, logProbPerFrame };
}

function resolveOptions(options: DbnDownbeatOptions): Required<DbnDownbeatOptions> {
  const d = DBN_DOWNBEAT_DEFAULTS;
  return {
    beatsPerBar: options.beatsPerBar,
    minBpm: options.minBpm ?? d.minBpm,
    maxBpm: options.maxBpm ?? d.maxBpm,
    numTempi: options.numTempi ?? d.numTempi,
    transitionLambda: options.transitionLambda ?? d.transitionLambda,
    observationLambda: options.observationLambda ?? d.observationLambda,
    threshold: options.threshold ?? d.threshold,
    correct: options.correct ?? d.correct,
  };
}

function validate(
  beatActivation: ArrayLike<number>,
  downbeatActivation: ArrayLike<number>,
  fps: number,
  opts: Required<DbnDownbeatOptions>,
): number[] {
  if (beatActivation.length !== downbeatActivation.length) {
    throw new RangeError(
      `beat activation has ${beatActivation.length} frames, downbeat activation ${downbeatActivation.length}`,
    );
  }
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be positive, got ${fps}`);
  if (!(opts.minBpm > 0 && opts.maxBpm > opts.minBpm && Number.isFinite(opts.maxBpm))) {
    throw new RangeError(`need 0 < minBpm < maxBpm, got ${opts.minBpm}, ${opts.maxBpm}`);
  }
  if (!(Number.isInteger(opts.numTempi) && opts.numTempi >= 1)) {
    throw new RangeError(`numTempi must be a positive integer, got ${opts.numTempi}`);
  }
  if (!(opts.observationLambda > 1)) {
    throw new RangeError(`observationLambda must be > 1, got ${opts.observationLambda}`);
  }
  if (!(opts.transitionLambda >= 0)) {
    throw new RangeError(`transitionLambda must be ≥ 0, got ${opts.transitionLambda}`);
  }
  if (opts.beatsPerBar.length === 0) throw new RangeError("beatsPerBar is empty");
  for (const beats of opts.beatsPerBar) {
    if (!(Number.isInteger(beats) && beats >= 1 && beats <= 64)) {
      throw new RangeError(`beatsPerBar entries must be integers in 1…64, got ${beats}`);
    }
  }
  // madmom would decode a repeated bar length twice and keep the first; once is enough.
  return [...new Set(opts.beatsPerBar)];
}

/**
 * madmom's `threshold_activations`: [first, end) spanning the first to the last frame
 * where either activation is ≥ threshold; empty when none is. (madmom also returns an
 * empty span when only frame 0 qualifies, a quirk of `idx.any()` not copied here.)
 */
function activeSpan(
  beat: ArrayLike<number>,
  downbeat: ArrayLike<number>,
  threshold: number,
): [number, number] {
  let first = -1;
  let last = -1;
  for (let t = 0; t < beat.length; t++) {
    if (beat[t]! >= threshold || downbeat[t]! >= threshold) {
      if (first < 0) first = t;
      last = t;
    }
  }
  return first < 0 ? [0, 0] : [first, last + 1];
}

function anyNonZero(
  beat: ArrayLike<number>,
  downbeat: ArrayLike<number>,
  first: number,
  end: number,
): boolean {
  for (let t = first; t < end; t++) if (beat[t] !== 0 || downbeat[t] !== 0) return true;
  return false;
}

/** madmom's RNNDownBeatTrackingObservationModel densities, with probabilities clamped to [1e-10, 1]. */
function logDensities(
  beat: ArrayLike<number>,
  downbeat: ArrayLike<number>,
  first: number,
  end: number,
  observationLambda: number,
): ObservationLogDensities {
  const numFrames = end - first;
  const nonBeat = new Float64Array(numFrames);
  const beatLog = new Float64Array(numFrames);
  const downbeatLog = new Float64Array(numFrames);
  const logNonBeatShare = Math.log(observationLambda - 1);
  for (let t = 0; t < numFrames; t++) {
    const pBeat = clampProbability(beat[first + t]!);
    const pDown = clampProbability(downbeat[first + t]!);
    nonBeat[t] = Math.log(clampProbability(1 - pBeat - pDown)) - logNonBeatShare;
    beatLog[t] = Math.log(pBeat);
    downbeatLog[t] = Math.log(pDown);
  }
  return { nonBeat, beat: beatLog, downbeat: downbeatLog };
}

function clampProbability(p: number): number {
  // Written so that NaN maps to the floor.
  return p > MIN_PROBABILITY ? Math.min(p, 1) : MIN_PROBABILITY;
}

/**
 * correct=True: in every contiguous run of beat-region frames of the path, the frame with
 * the highest beat or downbeat activation (first one on ties, as madmom's flattened argmax).
 */
function peakFramesOfBeatRegions(
  path: BarPointerPath,
  beat: ArrayLike<number>,
  downbeat: ArrayLike<number>,
  first: number,
): number[] {
  const { inBeatRange } = path;
  const peaks: number[] = [];
  let t = 0;
  while (t < inBeatRange.length) {
    if (inBeatRange[t] === 0) {
      t++;
      continue;
    }
    let peak = t;
    let peakValue = Number.NEGATIVE_INFINITY;
    for (; t < inBeatRange.length && inBeatRange[t] === 1; t++) {
      if (beat[first + t]! > peakValue) {
        peakValue = beat[first + t]!;
        peak = t;
      }
      if (downbeat[first + t]! > peakValue) {
        peakValue = downbeat[first + t]!;
        peak = t;
      }
    }
    peaks.push(peak);
  }
  return peaks;
}

/** correct=False: frames where the beat number changes (madmom may miss a first/last beat here too). */
function beatNumberChanges(path: BarPointerPath): number[] {
  const frames: number[] = [];
  for (let t = 1; t < path.beatIndex.length; t++) {
    if (path.beatIndex[t] !== path.beatIndex[t - 1]) frames.push(t);
  }
  return frames;
}
