import { describe, expect, it } from "vitest";
import { exactResampleVariant, hasExactPath, libsamplerate, type ResampleQuality, resample } from "./resample.js";
import { decibels, rms, seededRandom, sine, toneAmplitude, zeroCrossingFrequency } from "./test-utils/signals.js";

describe("resample (libsamplerate, SRC_SINC_MEDIUM_QUALITY)", () => {
  it("keeps a 1 kHz sine's frequency and amplitude going from 44.1 kHz to 22.05 kHz", async () => {
    const input = sine(1000, 44100, 1, 0.8);
    const out = await resample(input, 44100, 22050);
    expect(out.length).toBe(22050);
    // Skip the first and last 10 ms, where the signal starts and stops abruptly.
    const middle = out.subarray(220, 22050 - 220);
    expect(zeroCrossingFrequency(middle, 22050)).toBeCloseTo(1000, 1);
    expect(toneAmplitude(out.subarray(2205, 2205 + 17640), 1000, 22050)).toBeCloseTo(0.8, 3);
  });

  it("is time-aligned: a sine keeps its phase (no group delay at the output)", async () => {
    const out = await resample(sine(1000, 44100, 0.5), 44100, 22050);
    const expected = sine(1000, 22050, 0.5);
    let maxError = 0;
    for (let i = 1000; i < 10000; i++) maxError = Math.max(maxError, Math.abs(out[i]! - expected[i]!));
    expect(maxError).toBeLessThan(1e-3);
  });

  it("removes a 15 kHz tone (above the new Nyquist) by more than 40 dB: anti-aliasing", async () => {
    const input = sine(15000, 44100, 1, 0.8);
    const out = await resample(input, 44100, 22050);
    // Without a low-pass it would alias to 22050 − 15000 = 7050 Hz at full amplitude.
    const middle = out.subarray(2205, out.length - 2205);
    expect(decibels(rms(middle) / rms(input))).toBeLessThan(-40);
    expect(decibels(toneAmplitude(middle, 7050, 22050) / 0.8)).toBeLessThan(-40);
  });

  it("upsamples 8 kHz to 22.05 kHz with the ceil(n · ratio) length and the tone intact", async () => {
    const out = await resample(sine(440, 8000, 0.5, 0.5), 8000, 22050);
    expect(out.length).toBe(Math.ceil(4000 * (22050 / 8000)));
    expect(zeroCrossingFrequency(out.subarray(500, out.length - 500), 22050)).toBeCloseTo(440, 1);
  });

  it("is seamless across the blocks it feeds libsamplerate, and complete to the end, for long inputs", async () => {
    // 1.1 M samples: more than one 500 000-sample block and more than the wrapper's 4 MB buffer.
    const input = sine(1000, 44100, 1_100_000 / 44100, 0.5);
    const out = await resample(input, 44100, 22050);
    expect(out.length).toBe(550_000);
    const expected = sine(1000, 22050, 550_000 / 22050, 0.5);
    let maxError = 0;
    // Around the block boundary (input 500 000 → output 250 000) and up to the last 50 samples.
    for (const [from, to] of [
      [245_000, 255_000],
      [540_000, 549_950],
    ]) {
      for (let i = from!; i < to!; i++) maxError = Math.max(maxError, Math.abs(out[i]! - expected[i]!));
    }
    expect(maxError).toBeLessThan(1e-3);
  });

  it("returns the input itself when the rates are equal", async () => {
    const input = sine(100, 22050, 0.1);
    expect(await resample(input, 22050, 22050)).toBe(input);
  });

  it("flushes the filter tail: the last input samples reach the output", async () => {
    // An impulse in the last input sample must appear near the end of the output.
    const input = new Float32Array(44100);
    input[44099] = 1;
    const out = await resample(input, 44100, 22050);
    expect(out.length).toBe(22050);
    expect(Math.max(...out.subarray(22040).map(Math.abs))).toBeGreaterThan(0.2);
  });

  it("rejects non-integer or out-of-range rates", async () => {
    await expect(resample(new Float32Array(10), 44100.5, 22050)).rejects.toThrow(RangeError);
    await expect(resample(new Float32Array(10), 96000, 300)).rejects.toThrow(/ratio outside/);
  });
});

describe("resample is computed here, bit-identical to libsamplerate", () => {
  // A seeded pseudo-random signal in [−1, 1), so the comparison covers every sample value pattern.
  const noise = (n: number, seed: number) => {
    const random = seededRandom(seed);
    return Float32Array.from({ length: n }, () => 2 * random() - 1);
  };
  // Music-like: decaying harmonic notes with clicks, a quiet noise floor, silence and a full-scale burst.
  const musicLike = (n: number, rate: number) => {
    const x = noise(n, 99);
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      const beat = t % 0.5;
      const f = 110 * 2 ** (Math.floor(t / 0.5) % 12 / 12);
      let v = 0.01 * x[i]!;
      for (let h = 1; h <= 8; h++) v += (0.4 / h) * Math.exp(-6 * beat) * Math.sin(2 * Math.PI * f * h * t);
      if (beat < 0.002) v += 0.8 * x[i]!;
      x[i] = t > 3 && t < 4 ? 0 : t > 6 && t < 6.05 ? Math.sign(v) : v;
    }
    return x;
  };
  const mismatches = (exact: Float32Array, library: Float32Array) => {
    let count = 0;
    for (let k = 0; k < exact.length; k++) if (!Object.is(exact[k], library[k])) count++;
    return count;
  };
  const expectIdentical = async (x: Float32Array, from: number, to: number, quality: ResampleQuality) => {
    const exact = await resample(x, from, to, { quality });
    const library = await libsamplerate(x, from, to, quality, Math.ceil((x.length * to) / from));
    expect(exact.length).toBe(library.length);
    expect(mismatches(exact, library), `${quality} ${from} → ${to} Hz, ${x.length} samples`).toBe(0);
  };

  it("finds and verifies libsamplerate's filter tables, so every quality takes the fast path", async () => {
    for (const quality of ["fastest", "medium", "best"] as const) expect(await hasExactPath(quality)).toBe(true);
  });

  it("medium (the default), down and up at the rates of real files, edges included", async () => {
    const rates = [
      [44100, 22050],
      [48000, 22050],
      [88200, 22050],
      [96000, 22050],
      [32000, 22050],
      [22050, 16000],
      [8000, 22050],
      [11025, 22050],
    ] as const;
    for (const [from, to] of rates) {
      // Empty, shorter than the filter, around it, odd, and past one 4096-sample flush block.
      for (const [i, n] of [0, 1, 2, 17, 101, 1000, 4097].entries()) await expectIdentical(noise(n, 11 + i), from, to, "medium");
    }
  });

  it("medium across libsamplerate's 500 000-sample blocks (700 001 samples), 44.1 and 48 kHz to 22.05 kHz", async () => {
    for (const from of [44100, 48000]) await expectIdentical(noise(700_001, from), from, 22050, "medium");
  });

  it("medium on 30 s of music-like 44.1 kHz audio", async () => {
    await expectIdentical(musicLike(30 * 44100, 44100), 44100, 22050, "medium");
  });

  it("fastest and best, down and up", async () => {
    for (const quality of ["fastest", "best"] as const) {
      for (const [from, to] of [
        [44100, 22050],
        [48000, 22050],
        [22050, 44100],
      ] as const) {
        for (const [i, n] of [1, 39, 1000, 3001].entries()) await expectIdentical(noise(n, 5 + i), from, to, quality);
      }
    }
  });

  it("fastest ×2 and ×4 up (multifeature's 22.05 → 44.1 kHz) across libsamplerate's 250 000-sample blocks", async () => {
    for (const ratio of [2, 4]) await expectIdentical(noise(260_001, 7 + ratio), 22050, 22050 * ratio, "fastest");
  });

  it("the cyclic shortcut (×2, ×4, ½, ¼) gives the general walk's samples exactly", async () => {
    const cases = (["fastest", "medium"] as const).flatMap((quality) =>
      [2, 4, 1 / 2, 1 / 4].map((ratio) => ({ quality, from: 44100, to: 44100 * ratio })),
    );
    // Shorter than the filter (edges only), odd lengths, and long enough for the interior pairs.
    const lengths = [1, 2, 3, 40, 1001, 20_000];
    for (const { quality, from, to } of cases) {
      for (const n of lengths) {
        const x = noise(n, n + to);
        const cyclic = await exactResampleVariant(x, from, to, quality, true);
        const general = await exactResampleVariant(x, from, to, quality, false);
        expect(cyclic.length).toBe(general.length);
        expect(mismatches(cyclic, general), `${quality} ${from} → ${to} Hz, ${n} samples`).toBe(0);
      }
    }
  });

  it("keeps a 1 kHz tone when going from 22.05 kHz to 44.1 kHz with fastest", async () => {
    const out = await resample(sine(1000, 22050, 1, 0.5), 22050, 44100, { quality: "fastest" });
    expect(out.length).toBe(44100);
    expect(zeroCrossingFrequency(out.subarray(441, 44100 - 441), 44100)).toBeCloseTo(1000, 1);
    expect(toneAmplitude(out.subarray(4410, 4410 + 35280), 1000, 44100)).toBeCloseTo(0.5, 2);
  });
});
