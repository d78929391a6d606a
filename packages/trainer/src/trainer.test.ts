import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATASET_CLASSES, type DatasetEntry, isCorrect, targetVector } from "@tactus/datasets";
import { LAYOUT_ID } from "@tactus/features";
import { createRng } from "@tactus/meternet";
import { METER_CLASSES } from "@tactus/signals";
import { describe, expect, it } from "vitest";
import { quickSample } from "./eval.js";
import { type DatasetMeta, staleness } from "./extract.js";
import { combosOf, defaultAxes, FULL_METERNET_AXES, winnerOf } from "./grid.js";
import { argmax, classIndex, N_CLASSES } from "./labels.js";
import { classMetrics } from "./metrics.js";
import { decodeNpy, encodeNpy, readNpy, writeNpy } from "./npy.js";
import { regressions } from "./runs.js";
import { batchBounds, cosineWarmRestartLr, positiveWeights, samplerWeights, sampleWithReplacement } from "./train.js";

describe("npy", () => {
  it("writes a v1.0 header aligned to 64 bytes and reads it back", () => {
    const data = Float32Array.from({ length: 6 }, (_, i) => i / 3);
    const bytes = encodeNpy({ rows: 2, cols: 3, data });
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLength))).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(decodeNpy(bytes)).toEqual({ rows: 2, cols: 3, data });
    const file = join(mkdtempSync(join(tmpdir(), "npy-")), "x.npy");
    writeNpy(file, { rows: 0, cols: 1630, data: new Float32Array(0) });
    expect(readNpy(file).cols).toBe(1630);
  });
});

describe("training recipe", () => {
  it("never leaves a batch of one row", () => {
    expect(batchBounds(129, 64)).toEqual([[0, 64], [64, 129]]);
    expect(batchBounds(128, 64)).toEqual([[0, 64], [64, 128]]);
    expect(batchBounds(1, 64)).toEqual([[0, 1]]);
  });

  it("steps cosine warm restarts per epoch with cycles 50, 100, 200", () => {
    expect(cosineWarmRestartLr(1, 0, 50, 2)).toBe(1);
    expect(cosineWarmRestartLr(1, 25, 50, 2)).toBeCloseTo(0.5);
    expect(cosineWarmRestartLr(1, 50, 50, 2)).toBe(1);
    expect(cosineWarmRestartLr(1, 100, 50, 2)).toBeCloseTo(0.5);
    expect(cosineWarmRestartLr(1, 150, 50, 2)).toBe(1);
  });

  it("clips pos_weight to [0.5, 10] and boosts the rare classes", () => {
    const y = new Float32Array(12 * 6);
    for (let r = 0; r < 12; r++) y[r * 6 + (r < 11 ? 1 : 2)] = 1; // 11 × 4/x, 1 × 5/x
    const w = positiveWeights(y, 12);
    expect(Array.from(w)).toEqual([10, 0.5, 10, 10, 10, 10]);
    expect(positiveWeights(y, 12, 0.5)[2]).toBe(5.5);
  });

  it("samples classes evenly whatever their sizes", () => {
    const primaries = [...new Array(90).fill(4), ...new Array(10).fill(7)];
    const draws = sampleWithReplacement(samplerWeights(primaries), 20000, createRng(1));
    const sevens = Array.from(draws).filter((i) => primaries[i] === 7).length / draws.length;
    expect(sevens).toBeGreaterThan(0.45);
    expect(sevens).toBeLessThan(0.55);
  });
});

describe("labels and scoring", () => {
  it("uses the datasets package's classes, targets and true class for Y rows", () => {
    expect([...DATASET_CLASSES]).toEqual([...METER_CLASSES]);
    expect(N_CLASSES).toBe(DATASET_CLASSES.length);
    const entry: Pick<DatasetEntry, "meter" | "targets"> = { meter: 3, targets: { 3: 0.7, 4: 0.8 } };
    const y = Float32Array.from(targetVector(entry));
    expect(Array.from(y)).toEqual([0.7, 0.8, 0, 0, 0, 0].map(Math.fround));
    // argmax of a Y row is trueClass (ties to the lower class); the entry still counts as 3/x in eval.
    expect(METER_CLASSES[argmax(y)]).toBe(4);
    expect(argmax([1, 1, 0, 0, 0, 0])).toBe(0);
    expect(classIndex(7)).toBe(3);
    expect(isCorrect(4, entry)).toBe(true);
  });

  it("balanced accuracy averages the classes present", () => {
    const m = classMetrics([
      { expected: 0, ok: true },
      { expected: 0, ok: true },
      { expected: 0, ok: true },
      { expected: 1, ok: false },
    ]);
    expect(m.accuracy).toBe(0.75);
    expect(m.balancedAccuracy).toBe(0.5);
  });

  it("flags a regression only on at least as many files", () => {
    const rec = (correct: number, total: number) => ({ perClass: { "3": { correct, total } } }) as never;
    expect(regressions(rec(5, 10), rec(4, 10))).toHaveLength(1);
    expect(regressions(rec(5, 10), rec(1, 3))).toHaveLength(0);
  });

  it("quick-samples per class, deterministically", () => {
    const files = Array.from({ length: 300 }, (_, i) => ({ meter: i < 200 ? 4 : i < 290 ? 3 : 7, i }) as const);
    const a = quickSample(files, 100);
    expect(a).toHaveLength(100);
    expect(a.filter((f) => f.meter === 7).length).toBe(3);
    expect(quickSample(files, 100)).toEqual(a);
  });
});

describe("extraction staleness", () => {
  const meta = (over: Partial<DatasetMeta> = {}): DatasetMeta => ({
    format: "tactus-dataset/1",
    layoutId: LAYOUT_ID,
    featureLength: 1630,
    classes: [3, 4, 5, 7, 9, 11],
    fingerprints: { "onsets:onsets": "aaa" },
    createdAt: "",
    splits: {},
    ...over,
  });
  it("refuses another layout or changed fingerprints", () => {
    expect(staleness(meta(), { "onsets:onsets": "aaa" })).toBeNull();
    expect(staleness(meta({ layoutId: "old" }), { "onsets:onsets": "aaa" })).toContain("layout");
    expect(staleness(meta(), { "onsets:onsets": "bbb" })).toContain("onsets:onsets");
    expect(staleness(null, {})).not.toBeNull();
  });
});

describe("grid", () => {
  it("has the reference's 108 combos with --full and picks the winner by validation only", () => {
    expect(combosOf("meternet", FULL_METERNET_AXES)).toHaveLength(108);
    const combos = combosOf("meternet", defaultAxes("meternet", false));
    expect(combos).toHaveLength(4);
    expect(new Set(combos.map((c) => c.id)).size).toBe(4);
    const entry = (id: string, valAcc: number) => ({ id, params: {}, status: "done" as const, valAcc, bestEpoch: 1, epochsRun: 1, checkpoint: id, log: "", seconds: 0, timestamp: "" });
    const results = { format: "tactus-grid/1" as const, model: "meternet" as const, runs: { [combos[1]!.id]: entry(combos[1]!.id, 0.8), [combos[0]!.id]: entry(combos[0]!.id, 0.8) } };
    expect(winnerOf(results, combos)!.id).toBe(combos[0]!.id);
  });
});
