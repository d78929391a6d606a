import { seededRandom as mulberry32 } from "@tactus/dsp";
import { describe, expect, it } from "vitest";
import { type DbnBeat, decodeBeatsDownbeats } from "./decode.js";


interface Synthetic {
  beat: Float32Array;
  downbeat: Float32Array;
  beatTimes: number[];
  downbeatTimes: number[];
}

/**
 * RNN-like activations: Gaussian bumps (σ = 20 ms) at the given beat times, the downbeat
 * column high on every `beatsPerBar`-th beat (starting with the first), the beat column
 * high on the others, plus seeded uniform noise.
 */
function synthesize(
  beatTimes: number[],
  opts: { fps: number; durationSec: number; beatsPerBar: number; noise?: number; seed?: number },
): Synthetic {
  const { fps, durationSec, beatsPerBar, noise = 0.03, seed = 1 } = opts;
  const n = Math.round(durationSec * fps);
  const beat = new Float32Array(n);
  const downbeat = new Float32Array(n);
  const random = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    beat[i] = noise * random();
    downbeat[i] = noise * random() * 0.5;
  }
  const sigma = 0.02 * fps;
  beatTimes.forEach((time, index) => {
    const isDownbeat = index % beatsPerBar === 0;
    const centre = time * fps;
    const from = Math.max(0, Math.floor(centre - 4 * sigma));
    const to = Math.min(n - 1, Math.ceil(centre + 4 * sigma));
    for (let f = from; f <= to; f++) {
      const g = Math.exp(-0.5 * ((f - centre) / sigma) ** 2);
      if (isDownbeat) {
        downbeat[f] = Math.max(downbeat[f]!, 0.7 * g);
        beat[f] = Math.max(beat[f]!, 0.15 * g);
      } else {
        beat[f] = Math.max(beat[f]!, 0.7 * g);
        downbeat[f] = Math.max(downbeat[f]!, 0.05 * g);
      }
    }
  });
  return {
    beat,
    downbeat,
    beatTimes,
    downbeatTimes: beatTimes.filter((_, i) => i % beatsPerBar === 0),
  };
}

function steadyBeats(bpm: number, startSec: number, endSec: number): number[] {
  const times: number[] = [];
  for (let t = startSec; t < endSec; t += 60 / bpm) times.push(t);
  return times;
}

/** Beat times of a tempo gliding linearly from bpmStart to bpmEnd over [startSec, endSec). */
function glidingBeats(bpmStart: number, bpmEnd: number, startSec: number, endSec: number): number[] {
  const times: number[] = [];
  for (let t = startSec; t < endSec; ) {
    times.push(t);
    const bpm = bpmStart + ((bpmEnd - bpmStart) * (t - startSec)) / (endSec - startSec);
    t += 60 / bpm;
  }
  return times;
}

function nearest(times: number[], t: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const u of times) best = Math.min(best, Math.abs(u - t));
  return best;
}

/**
 * Every decoded beat is within `tolSec` of a true beat and every true beat has a decoded one.
 * With `ignoreOutside`, decoded beats before the first / after the last true beat are not
 * checked (over noise the DBN legitimately continues the grid to the edges).
 */
function expectBeatsMatch(decoded: number[], truth: number[], tolSec: number, ignoreOutside = false): void {
  for (const t of decoded) {
    if (ignoreOutside && (t < truth[0]! - tolSec || t > truth.at(-1)! + tolSec)) continue;
    expect(nearest(truth, t)).toBeLessThanOrEqual(tolSec);
  }
  for (const t of truth) expect(nearest(decoded, t)).toBeLessThanOrEqual(tolSec);
}

const downbeatsOf = (beats: DbnBeat[]) => beats.filter((b) => b.position === 1).map((b) => b.timeSec);
const timesOf = (beats: DbnBeat[]) => beats.map((b) => b.timeSec);

describe("decodeBeatsDownbeats", () => {
  const fps = 100;
  const twoFrames = 2 / fps + 1e-9;

  it("tracks a 120 BPM 4/4 activation: beats within ±2 frames, downbeats in place", () => {
    const s = synthesize(steadyBeats(120, 0.5, 29.9), { fps, durationSec: 30, beatsPerBar: 4, noise: 0.04, seed: 3 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [4] });
    expect(result.beatsPerBar).toBe(4);
    expect(result.beats).toHaveLength(s.beatTimes.length);
    expectBeatsMatch(timesOf(result.beats), s.beatTimes, twoFrames);
    expectBeatsMatch(downbeatsOf(result.beats), s.downbeatTimes, twoFrames);
    // positions count 1 2 3 4 1 2 …
    expect(result.beats.map((b) => b.position)).toEqual(result.beats.map((_, i) => (i % 4) + 1));
  });

  it("tolerates heavy noise between the beats", () => {
    const s = synthesize(steadyBeats(120, 0.5, 29.9), { fps, durationSec: 30, beatsPerBar: 4, noise: 0.3, seed: 6 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [3, 4] });
    expect(result.beatsPerBar).toBe(4);
    expectBeatsMatch(timesOf(result.beats), s.beatTimes, twoFrames, true);
    expectBeatsMatch(downbeatsOf(result.beats), s.downbeatTimes, twoFrames, true);
  });

  it("chooses 3 beats per bar on a 3/4 activation and 4 on a 4/4 one", () => {
    for (const bar of [3, 4]) {
      const s = synthesize(steadyBeats(120, 0.5, 19.9), { fps, durationSec: 20, beatsPerBar: bar, seed: bar });
      const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [3, 4] });
      expect(result.beatsPerBar).toBe(bar);
      expect(Object.keys(result.logProbPerFrame).map(Number).sort()).toEqual([3, 4]);
      const other = bar === 3 ? 4 : 3;
      expect(result.logProbPerFrame[bar]!).toBeGreaterThan(result.logProbPerFrame[other]!);
      expectBeatsMatch(downbeatsOf(result.beats), s.downbeatTimes, twoFrames);
    }
  });

  it("chooses 5 and 7 beats per bar among {3, 4, 5, 7}", () => {
    for (const bar of [5, 7]) {
      const s = synthesize(steadyBeats(150, 0.3, 24.9), { fps, durationSec: 25, beatsPerBar: bar, seed: 10 + bar });
      const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [3, 4, 5, 7] });
      expect(result.beatsPerBar).toBe(bar);
      expectBeatsMatch(timesOf(result.beats), s.beatTimes, twoFrames);
      expectBeatsMatch(downbeatsOf(result.beats), s.downbeatTimes, twoFrames);
    }
  });

  it("follows a tempo glide from 90 to 150 BPM", () => {
    const s = synthesize(glidingBeats(90, 150, 0.5, 29.5), { fps, durationSec: 30, beatsPerBar: 4, seed: 7 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [4] });
    expectBeatsMatch(timesOf(result.beats), s.beatTimes, twoFrames);
    expectBeatsMatch(downbeatsOf(result.beats), s.downbeatTimes, twoFrames);
  });

  it("follows an abrupt tempo change from 100 to 125 BPM", () => {
    const first = steadyBeats(100, 0.5, 15);
    const second = steadyBeats(125, first.at(-1)! + 60 / 125, 29.9);
    const s = synthesize([...first, ...second], { fps, durationSec: 30, beatsPerBar: 4, seed: 8 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [4] });
    expectBeatsMatch(timesOf(result.beats), s.beatTimes, twoFrames);
  });

  it("works at 22050/512 fps (the Tactus onset frame rate)", () => {
    const rate = 22050 / 512;
    const s = synthesize(steadyBeats(100, 0.4, 19.9), { fps: rate, durationSec: 20, beatsPerBar: 3, seed: 4 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, rate, { beatsPerBar: [3, 4] });
    expect(result.beatsPerBar).toBe(3);
    expectBeatsMatch(timesOf(result.beats), s.beatTimes, 2 / rate + 1e-9);
    expectBeatsMatch(downbeatsOf(result.beats), s.downbeatTimes, 2 / rate + 1e-9);
  });

  it("keeps absolute times after trimming leading and trailing silence", () => {
    const s = synthesize(steadyBeats(120, 5, 15), { fps, durationSec: 20, beatsPerBar: 4, noise: 0 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [4] });
    expect(result.beats[0]!.timeSec).toBeCloseTo(5, 9);
    expect(result.beats[0]!.position).toBe(1);
    expectBeatsMatch(timesOf(result.beats), s.beatTimes, twoFrames);
  });

  it("without peak correction reports beat starts of the path, still within ±2 frames", () => {
    const s = synthesize(steadyBeats(120, 0.5, 19.9), { fps, durationSec: 20, beatsPerBar: 4, seed: 5 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [4], correct: false });
    expectBeatsMatch(timesOf(result.beats), s.beatTimes, twoFrames);
    expectBeatsMatch(downbeatsOf(result.beats), s.downbeatTimes, twoFrames);
  });

  it("returns no beats for an all-zero or sub-threshold activation", () => {
    const zeros = new Float32Array(3000);
    expect(decodeBeatsDownbeats(zeros, zeros, fps, { beatsPerBar: [3, 4] })).toEqual({
      beats: [],
      beatsPerBar: 0,
      logProbPerFrame: {},
    });
    const quiet = new Float32Array(3000).fill(0.049);
    expect(decodeBeatsDownbeats(quiet, quiet, fps, { beatsPerBar: [4] }).beats).toEqual([]);
    // with thresholding disabled an all-zero activation still decodes to nothing
    expect(decodeBeatsDownbeats(zeros, zeros, fps, { beatsPerBar: [4], threshold: 0 }).beats).toEqual([]);
    expect(decodeBeatsDownbeats(new Float32Array(0), new Float32Array(0), fps, { beatsPerBar: [4] }).beats).toEqual(
      [],
    );
  });

  it("returns at most one beat for a 0.5 s activation", () => {
    const s = synthesize([0.1, 0.35], { fps, durationSec: 0.5, beatsPerBar: 4, seed: 2 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [3, 4, 5, 7, 9, 11] });
    // the shortest beat period modelled (215 BPM ≈ 28 frames) leaves room for two beats at most
    expect(result.beats.length).toBeLessThanOrEqual(2);
    for (const b of result.beats) expect(nearest(s.beatTimes, b.timeSec)).toBeLessThanOrEqual(twoFrames);
  });

  it("reproduces the madmom DBN (transcribed in numpy) on a noisy activation", () => {
    // Expected values from madmom's BarStateSpace/BarTransitionModel/RNNDownBeatTrackingObservationModel
    // + HiddenMarkovModel.viterbi + DBNDownBeatTrackingProcessor.process, run in numpy on this input.
    const s = synthesize(steadyBeats(97, 0.5, 11.9), { fps, durationSec: 12, beatsPerBar: 4, noise: 0.3, seed: 5 });
    const result = decodeBeatsDownbeats(s.beat, s.downbeat, fps, { beatsPerBar: [3, 4] });
    expect(result.beatsPerBar).toBe(MADMOM_GOLDEN.beatsPerBar);
    expect(result.beats.map((b) => [Math.round(b.timeSec * fps), b.position])).toEqual(MADMOM_GOLDEN.beats);
    for (const [bar, value] of Object.entries(MADMOM_GOLDEN.logProbPerFrame)) {
      expect(result.logProbPerFrame[Number(bar)]).toBeCloseTo(value, 9);
    }
  });

  it("rejects inconsistent input", () => {
    const a = new Float32Array(10);
    expect(() => decodeBeatsDownbeats(a, new Float32Array(9), fps, { beatsPerBar: [4] })).toThrow(RangeError);
    expect(() => decodeBeatsDownbeats(a, a, 0, { beatsPerBar: [4] })).toThrow(RangeError);
    expect(() => decodeBeatsDownbeats(a, a, fps, { beatsPerBar: [] })).toThrow(RangeError);
    expect(() => decodeBeatsDownbeats(a, a, fps, { beatsPerBar: [3.5] })).toThrow(RangeError);
    expect(() => decodeBeatsDownbeats(a, a, fps, { beatsPerBar: [4], minBpm: 200, maxBpm: 100 })).toThrow(
      RangeError,
    );
  });
});

const MADMOM_GOLDEN = {
  beatsPerBar: 4,
  // [frame, position]
  beats: [
    [50, 1], [112, 2], [174, 3], [236, 4], [297, 1], [359, 2], [421, 3], [483, 4], [545, 1], [607, 2],
    [669, 3], [730, 4], [792, 1], [854, 2], [916, 3], [978, 4], [1040, 1], [1102, 2], [1163, 3],
  ],
  logProbPerFrame: { 3: -2.8999975942895486, 4: -2.862078727227303 } as Record<string, number>,
};
