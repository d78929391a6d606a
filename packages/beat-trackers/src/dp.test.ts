import { onsetStrength } from "@tactus/onset";
import { describe, expect, it } from "vitest";
import { DP_ENVELOPE_CACHE_KEY, dpBeatFrames, trackBeatsDp, trackBeatsDpFromEnvelope } from "./dp.js";
import { beatFMeasure } from "./metrics.js";

const SR = 22050;

/** mulberry32, uniform in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded drum-kit clip: kick on the downbeat (and beat 3 in 4/4), snare on the other beats,
 * hi-hat on every eighth (off-beats softer), velocities jittered ±15 %, over a quiet 55 Hz drone and noise floor.
 */
function drumClip(options: {
  beatsPerBar: 3 | 4;
  bpm: number;
  durationSec: number;
  seed: number;
  firstBeatSec?: number;
}): { samples: Float32Array; beatsSec: number[] } {
  const random = seededRandom(options.seed);
  const samples = new Float32Array(Math.round(options.durationSec * SR));
  // A drone plus a faint noise floor, as in a recording: quiet hats then rise a few dB, not 80.
  for (let i = 0; i < samples.length; i++) samples[i] = 0.03 * Math.sin((2 * Math.PI * 55 * i) / SR) + 0.01 * (2 * random() - 1);
  const add = (timeSec: number, lengthSec: number, voice: (t: number) => number, velocity: number) => {
    const start = Math.round(timeSec * SR);
    const end = Math.min(samples.length, start + Math.round(lengthSec * SR));
    for (let i = start; i < end; i++) samples[i] += velocity * voice((i - start) / SR);
  };
  const kick = (t: number) => Math.sin(2 * Math.PI * (50 * t + (70 * 0.03) * (1 - Math.exp(-t / 0.03)))) * Math.exp(-t / 0.05);
  const snare = (t: number) => ((2 * random() - 1) * 0.8 + 0.4 * Math.sin(2 * Math.PI * 185 * t)) * Math.exp(-t / 0.045);
  let previous = 0;
  const hat = (t: number) => {
    const white = 2 * random() - 1;
    const bright = white - previous;
    previous = white;
    return bright * Math.exp(-t / 0.012);
  };
  const period = 60 / options.bpm;
  const beatsSec: number[] = [];
  const first = options.firstBeatSec ?? 0.3;
  for (let k = 0; first + k * period < options.durationSec - 0.2; k++) {
    const t = first + k * period;
    beatsSec.push(t);
    const position = k % options.beatsPerBar;
    const jitter = () => 0.85 + 0.3 * random();
    if (position === 0 || (options.beatsPerBar === 4 && position === 2)) add(t, 0.25, kick, 0.9 * jitter());
    else add(t, 0.2, snare, 0.5 * jitter());
    add(t, 0.06, hat, 0.15 * jitter());
    add(t + period / 2, 0.06, hat, 0.05 * jitter());
  }
  // A 50 ms fade-out, so the end of the clip is not itself a click.
  const fade = Math.min(samples.length, Math.round(0.05 * SR));
  for (let i = 0; i < fade; i++) samples[samples.length - 1 - i] *= i / fade;
  return { samples, beatsSec };
}

const times = (beats: { timeSec: number }[]) => beats.map((b) => b.timeSec);

describe("trackBeatsDp on drum clips", () => {
  const cases: [3 | 4, number][] = [];
  for (const beatsPerBar of [3, 4] as const) for (const bpm of [80, 100, 120, 140, 160]) cases.push([beatsPerBar, bpm]);

  it.each(cases)("%i/4 at %i BPM: beat F-measure ≥ 0.9 (±70 ms)", (beatsPerBar, bpm) => {
    const { samples, beatsSec } = drumClip({ beatsPerBar, bpm, durationSec: 24, seed: bpm + beatsPerBar });
    const beats = trackBeatsDp(samples, SR);
    expect(beatFMeasure(beatsSec, times(beats))).toBeGreaterThanOrEqual(0.9);
    for (const b of beats) {
      expect(b.isDownbeat).toBe(false);
      expect(b.strength).toBeGreaterThanOrEqual(0);
      expect(b.strength).toBeLessThanOrEqual(1);
    }
  });
});

describe("dpBeatFrames on known envelopes", () => {
  const fps = SR / 512;
  const impulses = (n: number, frames: number[], height = 1) => {
    const envelope = new Float32Array(n);
    for (const f of frames) envelope[f] = height;
    return { envelope, fps, hopLength: 512, sampleRate: SR };
  };
  // Impulses every 20 frames from frame 50 to 390 of 420 (a pulse from frame 50 on, like a song's first beat).
  const grid = Array.from({ length: 18 }, (_, k) => 50 + 20 * k);

  it("an impulse every 20 frames is tracked on the impulses at the tempo of lag 20", () => {
    const result = dpBeatFrames(impulses(420, grid));
    expect(result.bpm).toBeCloseTo((60 * fps) / 20, 9);
    expect(Array.from(result.frames)).toEqual(grid);
  });

  it("a given bpm overrides the estimate and the interval penalty bridges a gap at that period", () => {
    const present = grid.filter((f) => f !== 170 && f !== 190);
    const result = dpBeatFrames(impulses(420, present), { bpm: (60 * fps) / 20 });
    expect(result.bpm).toBeCloseTo((60 * fps) / 20, 9);
    expect(Array.from(result.frames)).toEqual(grid);
  });

  it("librosa's trim drops beats before the first and after the last strong frame; trim: false keeps them", () => {
    const env = impulses(420, grid);
    for (const f of [50, 70, 370, 390]) env.envelope[f] = 0.2;
    expect(Array.from(dpBeatFrames(env).frames)).toEqual(grid.slice(2, -2));
    const untrimmed = Array.from(dpBeatFrames(env, { trim: false }).frames);
    for (const f of grid) expect(untrimmed).toContain(f);
  });
});

describe("agreement with librosa", () => {
  /**
   * A seeded envelope of exactly representable values (MINSTD generator): a noise floor below
   * 0.25 and impulses of 4..8 every `period` ± 1 frames from frame 17.
   */
  function seededEnvelope(seed: number, n: number, period: number) {
    let state = seed;
    const next = () => (state = (state * 48271) % 2147483647);
    const envelope = new Float32Array(n);
    for (let i = 0; i < n; i++) envelope[i] = (next() % 64) / 256;
    for (let t = 17; t < n - 10; t += period + ((next() % 5) - 2) * 0.5) envelope[Math.floor(t)] += 4 + (next() % 32) / 8;
    return { envelope, fps: SR / 512, hopLength: 512, sampleRate: SR };
  }

  // Expected frames from a line-by-line numpy transcription of librosa 0.11's tempo() and
  // beat_track() (tempogram, prior, local score, DP, last beat, backtrack, trim) run on the same
  // envelopes. The impulse at frame 17 is lost there too: the DP start puts the first beat on a
  // weak frame, and the trim threshold (half the RMS of beat scores smoothed by a Hann window
  // whose gain is 2) lies above the weaker impulses, so trimming stops only at a strong one.
  const cases: [number, number, number, number[]][] = [
    [7, 600, 23, [40, 62, 86, 108, 131, 154, 177, 200, 223, 247, 271, 294, 316, 339, 361, 383, 407, 429, 452, 475, 498, 521, 545, 567]],
    [11, 700, 31, [49, 81, 112, 142, 174, 205, 237, 269, 300, 331, 363, 395, 425, 456, 486, 517, 548, 579, 611]],
    [5, 500, 17, [33, 50, 68, 85, 101, 118, 135, 151, 167, 184, 201, 218, 235, 252, 268, 286, 304, 321, 339, 355, 372, 390, 408, 424, 440, 458]],
  ];

  it.each(cases)("seed %i, %i frames, period %i", (seed, n, period, expected) => {
    const result = dpBeatFrames(seededEnvelope(seed, n, period));
    expect(result.bpm).toBeCloseTo((60 * SR) / 512 / period, 9);
    expect(Array.from(result.frames)).toEqual(expected);
  });
});

describe("trackBeatsDp edge cases", () => {
  it("silence → no beats", () => {
    expect(trackBeatsDp(new Float32Array(SR * 5), SR)).toEqual([]);
    expect(dpBeatFrames({ envelope: new Float32Array(0), fps: SR / 512, hopLength: 512, sampleRate: SR }).bpm).toBeNull();
  });

  it("a single click → at most a couple of beats, near the click", () => {
    const samples = new Float32Array(SR * 5);
    const random = seededRandom(3);
    for (let i = 0; i < 400; i++) samples[SR * 2 + i] = (2 * random() - 1) * Math.exp(-i / 90);
    const beats = trackBeatsDp(samples, SR);
    expect(beats.length).toBeLessThanOrEqual(2);
    for (const b of beats) expect(Math.abs(b.timeSec - 2)).toBeLessThan(0.6);
  });

  it("0.5 s of drums and white noise return short, sorted, in-range lists", () => {
    const short = drumClip({ beatsPerBar: 4, bpm: 120, durationSec: 0.5, seed: 1, firstBeatSec: 0.05 }).samples;
    const random = seededRandom(9);
    const noise = Float32Array.from({ length: SR * 3 }, () => 0.5 * (2 * random() - 1));
    for (const [samples, maxBeats] of [
      [short, 3],
      [noise, 3 * 5],
    ] as const) {
      const beats = trackBeatsDp(samples, SR);
      expect(beats.length).toBeLessThanOrEqual(maxBeats);
      const t = times(beats);
      for (let k = 0; k < t.length; k++) {
        expect(t[k]).toBeGreaterThanOrEqual(0);
        expect(t[k]).toBeLessThanOrEqual(samples.length / SR);
        if (k > 0) expect(t[k]).toBeGreaterThan(t[k - 1]);
      }
    }
    expect(trackBeatsDp(new Float32Array(100), SR)).toEqual([]);
  });
});

describe("sharing the envelope", () => {
  it("trackBeatsDpFromEnvelope on the median envelope equals trackBeatsDp, which caches it when given a shared cache", () => {
    const { samples } = drumClip({ beatsPerBar: 4, bpm: 110, durationSec: 8, seed: 5 });
    const cache = new Map<string, unknown>();
    const direct = trackBeatsDp(samples, SR, { shared: { cache } });
    expect(cache.has(DP_ENVELOPE_CACHE_KEY)).toBe(true);
    const fromEnvelope = trackBeatsDpFromEnvelope(onsetStrength(samples, { aggregate: "median" }));
    expect(fromEnvelope).toEqual(direct);
    expect(trackBeatsDp(samples, SR, { shared: { cache } })).toEqual(direct);
  });
});
