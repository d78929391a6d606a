import { describe, expect, it } from "vitest";
import { type AudioData, loadAudio } from "./load.js";
import { FIXTURE_TONE, fixturePath } from "./test-utils/fixtures.js";
import { toneAmplitude, zeroCrossingFrequency } from "./test-utils/signals.js";
import type { AudioFormat } from "./types.js";

interface FixtureCase {
  file: string;
  format: AudioFormat;
  sourceSampleRate: number;
  /** Frames per channel the encoder was given, at sourceSampleRate. */
  sourceFrames: number;
  /** Allowed deviation in frames: 0 for lossless, about one codec frame for lossy codecs. */
  frameTolerance: number;
  /** Relative error allowed on the channel amplitudes. */
  amplitudeTolerance: number;
}

const CASES: FixtureCase[] = [
  { file: "tone-stereo-44k1-pcm16.wav", format: "wav", sourceSampleRate: 44100, sourceFrames: 6615, frameTolerance: 0, amplitudeTolerance: 0.001 },
  { file: "tone-stereo-44k1-pcm24.wav", format: "wav", sourceSampleRate: 44100, sourceFrames: 4410, frameTolerance: 0, amplitudeTolerance: 0.001 },
  { file: "tone-stereo-44k1-float32.wav", format: "wav", sourceSampleRate: 44100, sourceFrames: 3528, frameTolerance: 0, amplitudeTolerance: 0.001 },
  { file: "tone-stereo-44k1-pcm24.flac", format: "flac", sourceSampleRate: 44100, sourceFrames: 4410, frameTolerance: 0, amplitudeTolerance: 0.001 },
  { file: "tone-stereo-44k1.flac", format: "flac", sourceSampleRate: 44100, sourceFrames: 17640, frameTolerance: 0, amplitudeTolerance: 0.001 },
  { file: "tone-stereo-44k1.mp3", format: "mp3", sourceSampleRate: 44100, sourceFrames: 17640, frameTolerance: 1152, amplitudeTolerance: 0.1 },
  { file: "tone-stereo-44k1.ogg", format: "ogg-vorbis", sourceSampleRate: 44100, sourceFrames: 17640, frameTolerance: 1024, amplitudeTolerance: 0.05 },
  // Opus always decodes at 48 kHz: 0.4 s is 19200 frames there.
  { file: "tone-stereo-44k1.opus", format: "ogg-opus", sourceSampleRate: 48000, sourceFrames: 19200, frameTolerance: 960, amplitudeTolerance: 0.05 },
];

/** Amplitude of the 1 kHz tone over a whole number of periods in the middle of the signal. */
function middleToneAmplitude(x: Float32Array, sampleRate: number): number {
  const periodSamples = sampleRate / FIXTURE_TONE.frequencyHz;
  const periods = Math.floor((x.length * 0.6) / periodSamples);
  const start = Math.floor(x.length * 0.2);
  return toneAmplitude(x.subarray(start, start + Math.round(periods * periodSamples)), FIXTURE_TONE.frequencyHz, sampleRate);
}

describe.each(CASES)("fixture $file", (c) => {
  it("decodes at the source rate with the right format, channels, duration, tone and levels", async () => {
    const audio = await loadAudio(fixturePath(c.file), { sampleRate: null, mono: false });
    expect(audio.format).toBe(c.format);
    expect(audio.sourceChannels).toBe(2);
    expect(audio.sourceSampleRate).toBe(c.sourceSampleRate);
    expect(audio.sampleRate).toBe(c.sourceSampleRate);
    expect(audio.truncated).toBe(false);
    expect(audio.warnings).toEqual([]);
    expect(Math.abs(audio.samples.length - c.sourceFrames)).toBeLessThanOrEqual(c.frameTolerance);
    expect(audio.durationSec).toBeCloseTo(audio.samples.length / c.sourceSampleRate, 12);
    const [left, right] = audio.channels!;
    const rate = audio.sampleRate;
    expect(zeroCrossingFrequency(audio.samples, rate)).toBeCloseTo(FIXTURE_TONE.frequencyHz, 0);
    expect(Math.abs(middleToneAmplitude(left!, rate) / FIXTURE_TONE.leftPeak - 1)).toBeLessThan(c.amplitudeTolerance);
    expect(Math.abs(middleToneAmplitude(right!, rate) / FIXTURE_TONE.rightPeak - 1)).toBeLessThan(c.amplitudeTolerance);
    // Mono is the mean of the channels.
    const mean = (FIXTURE_TONE.leftPeak + FIXTURE_TONE.rightPeak) / 2;
    expect(Math.abs(middleToneAmplitude(audio.samples, rate) / mean - 1)).toBeLessThan(c.amplitudeTolerance);
  });

  it("resamples to 22050 Hz mono by default, keeping duration and tone", async () => {
    const audio = await loadAudio(fixturePath(c.file));
    expect(audio.sampleRate).toBe(22050);
    expect(audio.channels).toBeUndefined();
    const expectedSec = c.sourceFrames / c.sourceSampleRate;
    expect(Math.abs(audio.durationSec - expectedSec)).toBeLessThanOrEqual(c.frameTolerance / c.sourceSampleRate + 1 / 22050);
    expect(zeroCrossingFrequency(audio.samples, 22050)).toBeCloseTo(FIXTURE_TONE.frequencyHz, 0);
  });
});

describe("lossless fixtures agree sample for sample", () => {
  const load = (file: string): Promise<AudioData> => loadAudio(fixturePath(file), { sampleRate: null, mono: false });

  it("16-bit FLAC equals the 16-bit WAV over their common span (same integer scaling)", async () => {
    const [flac, wav] = await Promise.all([load("tone-stereo-44k1.flac"), load("tone-stereo-44k1-pcm16.wav")]);
    for (let c = 0; c < 2; c++) {
      expect(flac.channels![c]!.subarray(0, wav.samples.length)).toEqual(wav.channels![c]);
    }
  });

  it("24-bit FLAC equals the 24-bit WAV it was encoded from", async () => {
    const [flac, wav] = await Promise.all([load("tone-stereo-44k1-pcm24.flac"), load("tone-stereo-44k1-pcm24.wav")]);
    expect(flac.channels).toEqual(wav.channels);
  });

  it("16- and 24-bit WAVs are the float master rounded to within half an LSB", async () => {
    const [f32, s16, s24] = await Promise.all([
      load("tone-stereo-44k1-float32.wav"),
      load("tone-stereo-44k1-pcm16.wav"),
      load("tone-stereo-44k1-pcm24.wav"),
    ]);
    for (const [pcm, halfLsb] of [
      [s16, 2 ** -16],
      [s24, 2 ** -24],
    ] as const) {
      for (let c = 0; c < 2; c++) {
        const reference = f32.channels![c]!;
        let maxError = 0;
        for (let i = 0; i < reference.length; i++) maxError = Math.max(maxError, Math.abs(pcm.channels![c]![i]! - reference[i]!));
        expect(maxError).toBeLessThanOrEqual(halfLsb * 1.0001);
        expect(maxError).toBeGreaterThan(0);
      }
    }
  });
});
