import { describe, expect, it } from "vitest";
import { expandSplit, hashSplit, inSplit, songSplit, songStem, stemHashPercent } from "./split.js";

describe("hashSplit", () => {
  it("is sha256(stem) mod 100 over the whole digest (values checked against Python's hashlib)", () => {
    // python: int(hashlib.sha256(s.encode()).hexdigest(), 16) % 100
    const expected: [string, number, string][] = [
      ["a", 99, "test"],
      ["money", 86, "val"],
      ["00553", 7, "train"],
      ["Albums-Cafe_Paradiso-05", 82, "val"],
      ["polka_tune", 96, "test"],
      ["café_olé", 88, "val"],
    ];
    for (const [stem, h, split] of expected) {
      expect(stemHashPercent(stem)).toBe(h);
      expect(hashSplit(stem)).toBe(split);
    }
  });

  it("splits roughly 80/10/10", () => {
    const counts = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < 2000; i++) counts[hashSplit(`clip-${i}`)]++;
    expect(counts.train / 2000).toBeCloseTo(0.8, 1);
    expect(counts.val / 2000).toBeCloseTo(0.1, 1);
    expect(counts.test / 2000).toBeCloseTo(0.1, 1);
  });
});

describe("song-level split", () => {
  it("strips only a trailing _segNN", () => {
    expect(songStem("take_five_seg03")).toBe("take_five");
    expect(songStem("take_five_seg12")).toBe("take_five");
    expect(songStem("seg_seg_song")).toBe("seg_seg_song");
    expect(songStem("song_seg3x")).toBe("song_seg3x");
    expect(songSplit("money_seg00")).toBe(hashSplit("money"));
  });
});

describe("split selectors", () => {
  it("tuning is train + val, all is everything", () => {
    expect(expandSplit("tuning")).toEqual(["train", "val"]);
    expect(expandSplit("all")).toEqual(["train", "val", "test"]);
    expect(inSplit("test", "tuning")).toBe(false);
    expect(inSplit("val", "tuning")).toBe(true);
    expect(() => expandSplit("dev" as never)).toThrow('unknown split "dev"');
  });
});
