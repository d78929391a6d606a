import { describe, expect, it } from "vitest";
import { SSM_BLOCK, SSM_SLOT_LENGTH } from "./layout.js";
import { ssmBlock, ssmSlotFeatures } from "./ssm-block.js";

const FPS = 10;

/** Chroma whose chord (a pitch class) changes every beat, cycling through `cycle` chords. */
function cyclingChroma(cycle: number, beats: number, framesPerBeat = 5) {
  const nCols = beats * framesPerBeat;
  const data = new Float32Array(12 * nCols);
  for (let c = 0; c < nCols; c++) data[((Math.floor(c / framesPerBeat) % cycle) * 2) * nCols + c] = 1;
  return { data, nRows: 12, nCols };
}
const beatTimes = (n: number) => Array.from({ length: n }, (_, i) => (i * 5) / FPS);

describe("ssmBlock", () => {
  it("peaks at lag 3 for chords repeating every 3 beats (known answer)", () => {
    const f = ssmSlotFeatures(cyclingChroma(3, 30), beatTimes(30), FPS);
    // profile over lags 2..12: 1 at multiples of 3, 0 elsewhere
    expect(Array.from(f.subarray(0, 11))).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(Array.from(f.subarray(11, 22))).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(f[22]).toBeCloseTo(3 / 12, 12);
    expect(f[23]).toBe(1);
    expect(f[24]).toBeCloseTo(2, 12); // four equal non-zero lags → log2 4
  });

  it("places the slots in layout order and zeroes slots with < 4 beats", () => {
    const chroma = cyclingChroma(4, 30);
    const beats = beatTimes(30).map((timeSec, i) => ({ timeSec, isDownbeat: i % 4 === 0 }));
    const block = ssmBlock(chroma, { dbn_best: beats, dbn: beats.slice(0, 3) }, FPS);
    expect(block.length).toBe(SSM_BLOCK.length);
    expect(block.length).toBe(75);
    // < 4 beats (dbn) and no beats (multifeature): 25 zeros
    expect(Array.from(block.subarray(0, 2 * SSM_SLOT_LENGTH))).toEqual(new Array(50).fill(0));
    // ≥ 4 beats on silence: all-zero profile, but peak lag 2/12 (first maximum), as the reference
    const silent = ssmSlotFeatures({ data: new Float32Array(12 * 150), nRows: 12, nCols: 150 }, beatTimes(30), FPS);
    expect(Array.from(silent).filter((v, i) => i !== 22 && v !== 0)).toEqual([]);
    expect(silent[22]).toBeCloseTo(2 / 12, 12);
    const best = block.subarray(2 * SSM_SLOT_LENGTH);
    expect(best[22]).toBeCloseTo(4 / 12, 6);
  });
});
