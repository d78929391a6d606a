import { describe, expect, it } from "vitest";
import { defaultGrouping, formatGrouping, groupingProblem, groupStartPositions, parseGrouping } from "./meter.js";

describe("defaultGrouping", () => {
  it("uses the groupings common in each meter", () => {
    expect(defaultGrouping(3, 4)).toEqual([3]);
    expect(defaultGrouping(4, 4)).toEqual([2, 2]);
    expect(defaultGrouping(5, 4)).toEqual([3, 2]);
    expect(defaultGrouping(7, 8)).toEqual([2, 2, 3]);
    expect(defaultGrouping(9, 8)).toEqual([3, 3, 3]);
    expect(defaultGrouping(11, 8)).toEqual([3, 3, 3, 2]);
    expect(defaultGrouping(6, 8)).toEqual([3, 3]);
    expect(defaultGrouping(10, 8)).toEqual([3, 3, 2, 2]);
    expect(defaultGrouping(6, 4)).toEqual([2, 2, 2]);
  });

  it("always sums to the numerator", () => {
    for (let n = 1; n <= 16; n++) {
      for (const d of [4, 8]) expect(groupingProblem(defaultGrouping(n, d), n)).toBeUndefined();
    }
  });
});

describe("grouping helpers", () => {
  it("finds group starts and round-trips the text form", () => {
    expect(groupStartPositions([2, 2, 3])).toEqual([1, 3, 5]);
    expect(groupStartPositions([3, 3, 3, 2])).toEqual([1, 4, 7, 10]);
    expect(formatGrouping([2, 2, 3])).toBe("2+2+3");
    expect(parseGrouping("3+2")).toEqual([3, 2]);
    expect(parseGrouping("3+x")).toBeUndefined();
  });

  it("explains a grouping that does not fit", () => {
    expect(groupingProblem([2, 2], 5)).toBe("groups sum to 4, not to the numerator 5");
    expect(groupingProblem([], 5)).toBe("grouping is empty");
    expect(groupingProblem([2, 0, 3], 5)).toBe("groups must be positive integers");
  });
});
