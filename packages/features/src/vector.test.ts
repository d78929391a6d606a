import { DSP_ACTIVATIONS, onsetAlignmentF1, runDbnVariants } from "@tactus/beat-trackers";
import { synthesizeClip } from "@tactus/datasets";
import { onsetEvents, onsetStrength, tempoLibrosa, tempoTempogram } from "@tactus/onset";
import { downbeatSpacingScores, nonSilentFraction, onsetAutocorrelationScores, barTrackingScores, hcdfScores } from "@tactus/signals";
import { describe, expect, it } from "vitest";
import { AUDIO_DEFAULTS, analyzeClip, audioBlock } from "./audio-block.js";
import { beatBlock, selectBestDbn } from "./beat-block.js";
import { AUDIO_BLOCK, BEAT_BLOCK, FEATURE_LENGTH, SIGNAL_BLOCK, SSM_BLOCK, TEMPO_BLOCK } from "./layout.js";
import { prepareClip } from "./prepare.js";
import { signalBlock } from "./signal-block.js";
import { ssmBlock } from "./ssm-block.js";
import { tempoBlock } from "./tempo-block.js";
import { assembleFeatureVector, FeatureBlockError } from "./vector.js";

const filled = (n: number, v: number) => new Float32Array(n).fill(v);
const blocks = () => ({
  audio: filled(AUDIO_BLOCK.length, 1),
  ssm: filled(SSM_BLOCK.length, 2),
  beat: filled(BEAT_BLOCK.length, 3),
  signal: filled(SIGNAL_BLOCK.length, 4),
  tempo: filled(TEMPO_BLOCK.length, 5),
});

describe("assembleFeatureVector", () => {
  it("puts every block at its layout offset", () => {
    const v = assembleFeatureVector(blocks());
    expect(v.length).toBe(FEATURE_LENGTH);
    expect(v.length).toBe(1630);
    expect([v[0], v[1448], v[1449], v[1523], v[1524], v[1565], v[1566], v[1625], v[1626], v[1629]]).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
  });

  it("names the block on a wrong length or a non-finite value", () => {
    const short = { ...blocks(), beat: new Float32Array(41) };
    expect(() => assembleFeatureVector(short)).toThrow(FeatureBlockError);
    expect(() => assembleFeatureVector(short)).toThrow(/beat: length 41, expected 42/);
    const nan = blocks();
    nan.signal[7] = Number.NaN;
    try {
      assembleFeatureVector(nan);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FeatureBlockError);
      expect((error as FeatureBlockError).block).toBe("signal");
      expect((error as FeatureBlockError).message).toMatch(/vector index 1573/);
    }
    const inf = blocks();
    inf.tempo[0] = Number.POSITIVE_INFINITY;
    expect(() => assembleFeatureVector(inf)).toThrow(/tempo/);
  });
});

/** The full 1630 vector of one synthetic clip, through the same pieces as extraction and inference. */
function featureVector(samples: Float32Array, sampleRate: typeof AUDIO_DEFAULTS.sampleRate): Float32Array {
  const clip = prepareClip(samples, sampleRate);
  if (!clip.ok) throw new Error(`clip rejected: ${clip.reason}`);
  const analysis = analyzeClip(clip.samples, sampleRate);
  const fps = sampleRate / analysis.hopLength;
  const envelope = onsetStrength(clip.samples, { sampleRate });
  const events = Array.from(onsetEvents(envelope).timesSec);

  const activations = DSP_ACTIVATIONS.compute(clip.samples, sampleRate);
  const dbn = runDbnVariants(activations);
  const best = selectBestDbn(dbn.variants, events);
  // multifeature (the "Beat This!" slot) is not in the tracker registry yet: its slot stays empty.
  const beatsBySlot = { dbn: dbn.dbn.beats, dbn_best: best?.beats ?? [] };

  const candidates = [dbn.dbn.beats, best?.beats ?? []];
  const primary = candidates.reduce((a, b) =>
    onsetAlignmentF1(
      b.map((x) => x.timeSec),
      events,
    ) >
    onsetAlignmentF1(
      a.map((x) => x.timeSec),
      events,
    )
      ? b
      : a,
  );
  const libBpm = tempoLibrosa(envelope)?.bpm ?? 0;
  const tgBpm = tempoTempogram(envelope)?.bpm ?? 0;
  const beatIntervalSec = libBpm > 0 ? 60 / libBpm : 0.5;
  const scores = {
    "spacing:dbn": downbeatSpacingScores(dbn.dbn.beats),
    "spacing:dbn_best": downbeatSpacingScores(best?.beats ?? []),
    autocorr: onsetAutocorrelationScores({ values: envelope.envelope, fps: envelope.fps }, beatIntervalSec),
    bar_tracking: barTrackingScores(
      primary,
      { values: activations.downbeat, fps: activations.fps },
      nonSilentFraction(clip.samples, sampleRate),
    ),
    hcdf: hcdfScores(analysis.chroma, fps, beatIntervalSec),
  };
  return assembleFeatureVector({
    audio: audioBlock(clip.samples, sampleRate, { analysis }),
    ssm: ssmBlock(analysis.chroma, beatsBySlot, fps),
    beat: beatBlock(beatsBySlot, events, clip.durationSec),
    signal: signalBlock(scores),
    tempo: tempoBlock(libBpm, tgBpm),
  });
}

describe("seeded baseline", () => {
  it("nearest centroid on standardised 1630 vectors separates 3/x from 4/x (≥ 95 % held out)", () => {
    const rows: { x: Float32Array; label: 3 | 4; train: boolean }[] = [];
    const specs = [
      [3, 4],
      [3, 8],
      [4, 4],
      [4, 8],
    ] as const;
    for (const [numerator, denominator] of specs) {
      for (let i = 0; i < 10; i++) {
        const bpm = (denominator === 8 ? 150 : 85) + 6 * i;
        const clip = synthesizeClip({ numerator, denominator, bpm, durationSec: 8, seed: 1000 + 37 * i + numerator * 5 + denominator });
        rows.push({ x: featureVector(clip.samples, AUDIO_DEFAULTS.sampleRate), label: numerator, train: i % 2 === 0 });
      }
    }
    const train = rows.filter((r) => r.train);
    const test = rows.filter((r) => !r.train);
    // standardise with training statistics (std < 1e-8 → 1, as MeterNet does)
    const mean = new Float64Array(FEATURE_LENGTH);
    const std = new Float64Array(FEATURE_LENGTH);
    for (const r of train) for (let j = 0; j < FEATURE_LENGTH; j++) mean[j] += r.x[j]! / train.length;
    for (const r of train) for (let j = 0; j < FEATURE_LENGTH; j++) std[j] += (r.x[j]! - mean[j]!) ** 2 / train.length;
    for (let j = 0; j < FEATURE_LENGTH; j++) std[j] = Math.sqrt(std[j]!) < 1e-8 ? 1 : Math.sqrt(std[j]!);
    const z = (x: Float32Array) => Float64Array.from(x, (v, j) => (v - mean[j]!) / std[j]!);
    const centroid = (label: 3 | 4) => {
      const c = new Float64Array(FEATURE_LENGTH);
      const members = train.filter((r) => r.label === label);
      for (const r of members) {
        z(r.x).forEach((v, j) => {
          c[j] += v / members.length;
        });
      }
      return c;
    };
    const c3 = centroid(3);
    const c4 = centroid(4);
    const dist = (a: Float64Array, b: Float64Array) => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);
    let correct = 0;
    for (const r of test) {
      const zx = z(r.x);
      const predicted = dist(zx, c3) <= dist(zx, c4) ? 3 : 4;
      if (predicted === r.label) correct++;
    }
    const accuracy = correct / test.length;
    console.log(`3/x vs 4/x nearest centroid: ${correct}/${test.length} held-out clips (${(100 * accuracy).toFixed(1)} %)`);
    expect(test.length).toBe(20);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});
