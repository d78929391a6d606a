import { describe, expect, it } from "vitest";
import { DATASET_CLASSES } from "./classes.js";
import { DEFAULT_CLASSES } from "./corpus.js";
import { isCorrect, isMultiLabel, targetVector, trueClass } from "./entry.js";

describe("classes", () => {
  it("one list: the corpus's DEFAULT_CLASSES is DATASET_CLASSES", () => {
    expect(DATASET_CLASSES).toEqual([3, 4, 5, 7, 9, 11]);
    expect(DEFAULT_CLASSES).toBe(DATASET_CLASSES);
  });
});

describe("multi-label scoring (§6.4)", () => {
  const poly = { meter: 3 as const, targets: { 3: 0.7, 4: 0.8 } };
  const single = { meter: 7 as const, targets: { 7: 1 } };

  it("targetVector is in class order, 0 where absent", () => {
    expect(targetVector(poly)).toEqual([0.7, 0.8, 0, 0, 0, 0]);
    expect(targetVector({ targets: { 11: 1 } })).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it("trueClass is the argmax, ties to the lower class", () => {
    expect(trueClass(poly)).toBe(4);
    expect(trueClass({ targets: { 4: 1, 3: 1 } })).toBe(3);
    expect(trueClass({ targets: { 9: 0.5, 11: 0.5 } })).toBe(9);
    expect(trueClass(single)).toBe(7);
  });

  it("a multi-label row accepts any of its meters, whatever the weight", () => {
    expect(isMultiLabel(poly)).toBe(true);
    expect(isCorrect(3, poly)).toBe(true);
    expect(isCorrect(4, poly)).toBe(true);
    expect(isCorrect(5, poly)).toBe(false);
    expect(isCorrect(4, { meter: 3, targets: { 3: 1, 4: 0 } })).toBe(true);
    expect(isCorrect(null, poly)).toBe(false);
  });

  it("a single-label row needs the primary", () => {
    expect(isMultiLabel(single)).toBe(false);
    expect(isCorrect(7, single)).toBe(true);
    expect(isCorrect(4, single)).toBe(false);
    expect(isCorrect(undefined, single)).toBe(false);
    // primary wins even if targets disagree (WIKIMETER label three, meter column "4")
    expect(isCorrect(3, { meter: 3, targets: { 4: 1 } })).toBe(true);
  });
});
