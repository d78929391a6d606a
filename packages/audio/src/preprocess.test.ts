import { describe, expect, it } from "vitest";
import {
  butterworthHighpassSos,
  highpass,
  peakNormalize,
  preprocess,
  sosFilter,
  sosMagnitudeResponse,
} from "./preprocess.js";
import { decibels, sine, toneAmplitude } from "./test-utils/signals.js";

const SR = 22050;

/** |H| of an N-th order digital Butterworth high-pass: 1/sqrt(1 + (tan(πfc/fs)/tan(πf/fs))^(2N)). */
function analyticGain(frequencyHz: number, cutoffHz: number, order: number, sampleRate: number): number {
  const ratio = Math.tan((Math.PI * cutoffHz) / sampleRate) / Math.tan((Math.PI * frequencyHz) / sampleRate);
  return 1 / Math.sqrt(1 + ratio ** (2 * order));
}

describe("peakNormalize", () => {
  it("scales the largest magnitude to 1, keeping signs", () => {
    expect(Array.from(peakNormalize(new Float32Array([0.25, -0.5, 0.1])))).toEqual(
      [0.5, -1, 0.2].map((v) => Math.fround(v)),
    );
  });

  it("returns an all-zero signal unchanged (and does not alias the input)", () => {
    const zeros = new Float32Array(4);
    const out = peakNormalize(zeros);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    expect(out).not.toBe(zeros);
  });
});

describe("butterworthHighpassSos", () => {
  it("matches scipy.signal.butter(4, 60, 'hp', fs=22050, output='sos')", () => {
    // Printed by scipy 1.17.1.
    const scipy = [
      0.9779089023287132, -1.9558178046574264, 0.9779089023287132, 1, -1.968613652455648, 0.9689014111440721, 1, -2, 1, 1,
      -1.9867097287265165, 0.9870001325775235,
    ];
    const sos = butterworthHighpassSos(4, 60, SR);
    expect(sos.length).toBe(12);
    sos.forEach((v, i) => {
      expect(v).toBeCloseTo(scipy[i]!, 14);
    });
  });

  it("matches scipy for an odd order (3rd order, 100 Hz at 8 kHz: first-order section first)", () => {
    const scipy = [
      0.924446561773154, -0.924446561773154, 0, 1, -0.9243904916582071, 0, 1, -2, 1, 1, -1.9185700325442732,
      0.924502631888101,
    ];
    butterworthHighpassSos(3, 100, 8000).forEach((v, i) => {
      expect(v).toBeCloseTo(scipy[i]!, 14);
    });
  });

  it("has the analytic Butterworth magnitude: -3 dB at 60 Hz, ≈ -38.2 dB at 20 Hz, 0 dB at 1 kHz", () => {
    const sos = butterworthHighpassSos(4, 60, SR);
    expect(decibels(sosMagnitudeResponse(sos, 60, SR))).toBeCloseTo(-3.0103, 4);
    expect(decibels(sosMagnitudeResponse(sos, 20, SR))).toBeCloseTo(-38.1711, 3);
    expect(decibels(sosMagnitudeResponse(sos, 1000, SR))).toBeCloseTo(0, 6);
    for (const f of [5, 20, 45, 60, 90, 200, 1000, 5000]) {
      expect(sosMagnitudeResponse(sos, f, SR)).toBeCloseTo(analyticGain(f, 60, 4, SR), 10);
    }
  });

  it("rejects a cutoff at or above Nyquist and a non-integer order", () => {
    expect(() => butterworthHighpassSos(4, 11025, SR)).toThrow(RangeError);
    expect(() => butterworthHighpassSos(2.5, 60, SR)).toThrow(RangeError);
  });
});

describe("sosFilter / highpass", () => {
  it("reproduces scipy.signal.sosfilt's impulse response (causal, zero initial state)", () => {
    const impulse = new Float64Array(8);
    impulse[0] = 1;
    const scipy = [
      0.9779089023287132, -0.0436896632679078, -0.042711065275798, -0.04174535687113684, -0.04079245259995096,
      -0.03985226700831562, -0.03892471464240249, -0.03800971004855377,
    ];
    sosFilter(butterworthHighpassSos(4, 60, SR), impulse).forEach((v, i) => {
      expect(v).toBeCloseTo(scipy[i]!, 14);
    });
  });

  it("attenuates sines by the analytic gain once the transient has died out", () => {
    // 2 s per tone; measure the last second (whole periods for 20, 60 and 1000 Hz).
    for (const [frequencyHz, expectedDb] of [
      [20, decibels(analyticGain(20, 60, 4, SR))],
      [60, -3.0103],
      [1000, 0],
    ] as const) {
      const filtered = highpass(sine(frequencyHz, SR, 2), SR);
      const amplitude = toneAmplitude(filtered.subarray(SR), frequencyHz, SR);
      expect(decibels(amplitude)).toBeCloseTo(expectedDb, 1);
    }
  });

  it("honours cutoffHz and order options", () => {
    // 2nd order at 200 Hz: -3 dB at 200 Hz.
    const filtered = highpass(sine(200, SR, 2), SR, { cutoffHz: 200, order: 2 });
    expect(decibels(toneAmplitude(filtered.subarray(SR), 200, SR))).toBeCloseTo(-3.01, 1);
  });
});

describe("preprocess", () => {
  it("normalises then high-passes: a 1 kHz tone of amplitude 0.2 plus DC comes out at amplitude ≈ 1 without DC", () => {
    const x = sine(1000, SR, 1, 0.2).map((v) => v + 0.05);
    const y = preprocess(x, SR);
    expect(y).toBeInstanceOf(Float32Array);
    const tail = y.subarray(SR / 2);
    // Peak of x is 0.25 (0.2 + 0.05), so the tone is scaled to 0.8; the DC is removed.
    expect(toneAmplitude(tail, 1000, SR)).toBeCloseTo(0.8, 3);
    expect(tail.reduce((s, v) => s + v, 0) / tail.length).toBeCloseTo(0, 3);
  });
});
