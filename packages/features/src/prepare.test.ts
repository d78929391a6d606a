import { describe, expect, it } from "vitest";
import { CLIP_DURATION_SEC, ClipTooShortError, clipSampleCount, clipWindow, prepareClip, shiftIntoWindow } from "./prepare.js";

const SR = 22050;
const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

describe("prepareClip", () => {
  it("keeps clips up to 30 s whole", () => {
    const x = ramp(10 * SR);
    const p = prepareClip(x, SR);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.samples).toBe(x);
    expect(p.offsetSec).toBe(0);
    expect(p.durationSec).toBe(10);
  });

  it("takes the centred 30 s, start = ⌊(L − 30·sr)/2⌋", () => {
    const length = 30 * SR + 1001; // odd excess: start rounds down
    const p = prepareClip(ramp(length), SR);
    if (!p.ok) throw new Error("rejected");
    expect(p.samples).toHaveLength(clipSampleCount(SR));
    expect(p.samples[0]).toBe(500);
    expect(p.offsetSec).toBe(500 / SR);
    expect(p.durationSec).toBe(CLIP_DURATION_SEC);
  });

  it("shifts beats into the crop and drops those outside", () => {
    const length = 40 * SR; // crop [5 s, 35 s)
    const beats = [0, 4.99, 5, 20, 34.99, 35, 39].map((t, i) => ({ timeSec: t, isDownbeat: i % 2 === 0, strength: i }));
    const p = prepareClip(ramp(length), SR, beats);
    if (!p.ok) throw new Error("rejected");
    expect(p.offsetSec).toBe(5);
    expect(p.beats.map((b) => Number(b.timeSec.toFixed(6)))).toEqual([0, 15, 29.99]);
    expect(p.beats.map((b) => b.strength)).toEqual([2, 3, 4]); // other fields kept
    expect(beats[2].timeSec).toBe(5); // input not mutated
  });

  it("keeps beats unshifted when there is no crop, dropping those past the end", () => {
    const p = prepareClip(ramp(3 * SR), SR, [{ timeSec: 0.5 }, { timeSec: 2.9 }, { timeSec: 3 }, { timeSec: -0.1 }]);
    if (!p.ok) throw new Error("rejected");
    expect(p.beats).toEqual([{ timeSec: 0.5 }, { timeSec: 2.9 }]);
  });

  it("rejects clips under 2 s as too short, never zero features", () => {
    expect(prepareClip(ramp(2 * SR - 1), SR)).toEqual({
      ok: false,
      reason: "too short",
      durationSec: (2 * SR - 1) / SR,
      minDurationSec: 2,
    });
    expect(prepareClip(new Float32Array(0), SR)).toMatchObject({ ok: false, reason: "too short", durationSec: 0 });
    expect(prepareClip(ramp(2 * SR), SR).ok).toBe(true);
  });

  it("rejects non-finite samples inside the crop", () => {
    const x = ramp(3 * SR);
    x[1234] = Number.NaN;
    expect(prepareClip(x, SR)).toMatchObject({ ok: false, reason: "non-finite samples", sampleIndex: 1234 });
  });

  it("has a typed error carrying the same outcome", () => {
    const error = new ClipTooShortError(1.5);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ClipTooShortError");
    expect(error.message).toMatch(/1\.500 s < 2 s/);
    expect(error.toResult()).toEqual({ ok: false, reason: "too short", durationSec: 1.5, minDurationSec: 2 });
  });

  it("refuses a nonsense sample rate", () => {
    expect(() => prepareClip(ramp(10), 0)).toThrow(RangeError);
  });
});

describe("clipWindow and shiftIntoWindow", () => {
  it("centre the 30 s window (start = ⌊(L − 30·sr)/2⌋) and keep only what falls inside it, shifted", () => {
    expect(clipWindow(3 * 22050, 22050)).toEqual({ start: 0, length: 66150, offsetSec: 0, durationSec: 3 });
    const n = Math.round(41.3 * 22050);
    const start = Math.floor((n - 30 * 22050) / 2);
    expect(clipWindow(n, 22050)).toEqual({ start, length: 30 * 22050, offsetSec: start / 22050, durationSec: 30 });
    const items = [{ timeSec: 1, tag: "a" }, { timeSec: 6, tag: "b" }, { timeSec: 35.65, tag: "c" }, { timeSec: 36, tag: "d" }];
    expect(shiftIntoWindow(items, 5.65, 30)).toEqual([{ timeSec: 6 - 5.65, tag: "b" }]);
    expect(shiftIntoWindow(items, 0, 36)).toEqual(items.slice(0, 3));
  });
});
