import { describe, expect, it } from "vitest";
import { matrixGet } from "./matrix.js";
import { bpmToLag, lagToBpm, meanTempogram, tempogram } from "./tempogram.js";
import { argMax, impulseTrain, noise } from "./test-utils/signals.js";
import { hannWindow } from "./window.js";

const SR = 22050;
const HOP = 512;

/** Direct reference P4 for one column: linear-ramp pad, periodic Hann, direct autocorrelation, max-normalise. */
function directColumn(env: Float32Array, t: number, win: number): Float64Array {
  const half = Math.floor(win / 2);
  const n = env.length;
  const padded = (i: number) => {
    if (i < half) return (env[0] / half) * i;
    if (i >= half + n) return (env[n - 1] / half) * (half - 1 - (i - half - n));
    return env[i - half];
  };
  const w = hannWindow(win);
  const frame = Array.from({ length: win }, (_, i) => padded(t + i) * w[i]);
  const r = new Float64Array(win);
  for (let lag = 0; lag < win; lag++) for (let i = 0; i + lag < win; i++) r[lag] += frame[i] * frame[i + lag];
  const max = Math.max(...r.map(Math.abs));
  return max > 0 ? r.map((v) => v / max) : r;
}

describe("tempogram (reference P4)", () => {
  it("matches the direct definition, including the ramp-padded edges", () => {
    const env = noise(700, 4, 1).map(Math.abs);
    const tg = tempogram(env);
    expect(tg.nRows).toBe(384);
    expect(tg.nCols).toBe(700);
    for (const t of [0, 1, 100, 350, 698, 699]) {
      const expected = directColumn(env, t, 384);
      for (const lag of [0, 1, 50, 200, 383]) expect(matrixGet(tg, lag, t)).toBeCloseTo(expected[lag], 5);
    }
  });

  it("peaks at the 120 BPM lag for a 120 BPM click-track onset envelope", () => {
    const lag120 = bpmToLag(120, SR, HOP); // 21.533 frames
    expect(lag120).toBeCloseTo(21.533, 3);
    const tg = tempogram(impulseTrain(1292, lag120), { winLength: 384, hopLength: HOP, sampleRate: SR });
    expect(tg.bpm[0]).toBe(Number.POSITIVE_INFINITY);
    expect(tg.bpm[22]).toBeCloseTo(2583.984375 / 22, 9);
    const avg = meanTempogram(tg);
    expect(avg[0]).toBeCloseTo(1, 6);
    const best = 10 + argMax(avg.subarray(10, 40));
    expect([21, 22]).toContain(best);
    expect(Math.abs(lagToBpm(best, SR, HOP) - 120)).toBeLessThan(3.5);
    expect(lagToBpm(lag120, SR, HOP)).toBeCloseTo(120, 10);
  });

  it("leaves silent columns at zero and can skip normalisation", () => {
    const tg = tempogram(new Float32Array(50), { winLength: 16 });
    expect(tg.data.every((v) => v === 0)).toBe(true);
    const env = Float32Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? 2 : 0));
    const raw = tempogram(env, { winLength: 16, norm: null });
    expect(matrixGet(raw, 0, 20)).toBeGreaterThan(1);
  });
});
