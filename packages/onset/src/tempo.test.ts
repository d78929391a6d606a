import { synthesizeClip } from "@tactus/datasets";
import { lagToBpm } from "@tactus/dsp";
import { describe, expect, it } from "vitest";
import { type OnsetEnvelope, onsetStrength } from "./envelope.js";
import { librosaTempoLag, tempoLibrosa, tempoTempogram } from "./tempo.js";
import { clickTrack, relativeError, whiteNoise } from "./test-utils/signals.js";

const envelopes = new Map<number, OnsetEnvelope>();
/** Mean-aggregated envelope of a 20 s 4/4 drum clip (seed 1), memoised per tempo. */
function drumEnvelope(bpm: number): OnsetEnvelope {
  let env = envelopes.get(bpm);
  if (env === undefined) {
    const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm, durationSec: 20, seed: 1, instrumentation: "drums" });
    env = onsetStrength(clip.samples, { sampleRate: clip.sampleRate });
    envelopes.set(bpm, env);
  }
  return env;
}

describe("tempoLibrosa (signals §6.2)", () => {
  it.each([90, 120, 150])("a %i BPM 4/4 drum clip → within 2 %", (bpm) => {
    const candidate = tempoLibrosa(drumEnvelope(bpm));
    expect(candidate).not.toBeNull();
    expect(candidate!.method).toBe("librosa");
    expect(candidate!.confidence).toBe(0.7);
    expect(relativeError(candidate!.bpm, bpm)).toBeLessThan(0.02);
  });

  it("a 120 BPM click track → within 2 %", () => {
    const { samples } = clickTrack({ bpm: 120, durationSec: 15, seed: 2 });
    expect(relativeError(tempoLibrosa(onsetStrength(samples))!.bpm, 120)).toBeLessThan(0.02);
  });

  it("unrefined, it is librosa's value: the tempo of an integer lag", () => {
    const env = drumEnvelope(120);
    // 120 BPM is 21.53 frames per beat at 22050/512; librosa's argmax lands on lag 22 = 117.45 BPM.
    expect(librosaTempoLag(env, { refine: false })!.lag).toBe(22);
    expect(tempoLibrosa(env, { refine: false })!.bpm).toBe(Math.round(lagToBpm(22, 22050, 512) * 10) / 10);
    const { lag, refinedLag } = librosaTempoLag(env)!;
    expect(Math.abs(refinedLag - lag)).toBeLessThanOrEqual(0.5);
  });

  it("maxBpm excludes faster lags: 150 BPM capped below 100 gives the half tempo", () => {
    expect(relativeError(tempoLibrosa(drumEnvelope(150), { maxBpm: 100 })!.bpm, 75)).toBeLessThan(0.02);
  });

  it("silence → null", () => {
    expect(tempoLibrosa(onsetStrength(new Float32Array(22050 * 4)))).toBeNull();
  });
});

describe("tempoTempogram (signals §6.3)", () => {
  it.each([90, 150])("a %i BPM 4/4 drum clip → within 2 %", (bpm) => {
    const candidate = tempoTempogram(drumEnvelope(bpm));
    expect(candidate).not.toBeNull();
    expect(candidate!.method).toBe("tempogram");
    expect(candidate!.confidence).toBe(0.8);
    expect(relativeError(candidate!.bpm, bpm)).toBeLessThan(0.02);
  });

  it("at 120 BPM it makes the reference's octave error: the period (21.53 frames) splits over lags 21 and 22, so lag 43 wins", () => {
    // No prior, integer lags: each of lags 21 and 22 catches about half the beat coincidences,
    // while two beats (43.07 frames) fall on lag 43. The consensus (§6.4) undoes this halving.
    const env = drumEnvelope(120);
    expect(relativeError(tempoTempogram(env)!.bpm, 60)).toBeLessThan(0.02);
    expect(tempoTempogram(env, { refine: false })!.bpm).toBe(Math.round(lagToBpm(43, 22050, 512) * 10) / 10);
  });

  it("the range limits apply: [100, 300] keeps 120 for the 120 BPM clip", () => {
    expect(relativeError(tempoTempogram(drumEnvelope(120), { minBpm: 100 })!.bpm, 120)).toBeLessThan(0.02);
  });

  it("silence → null; white noise → a finite candidate in range", () => {
    expect(tempoTempogram(onsetStrength(new Float32Array(22050 * 4)))).toBeNull();
    const noise = tempoTempogram(onsetStrength(whiteNoise(4, { seed: 5 })));
    expect(noise!.bpm).toBeGreaterThanOrEqual(40);
    expect(noise!.bpm).toBeLessThanOrEqual(300);
  });
});
