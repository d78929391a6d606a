import { describe, expect, it } from "vitest";
import { chooseDenominator, fallbackHypotheses, meterHypotheses, scoreAmbiguity } from "./hypotheses.js";

// Probabilities in METER_CLASSES order [3, 4, 5, 7, 9, 11].
const probs = (entries: Partial<Record<3 | 4 | 5 | 7 | 9 | 11, number>>) => [3, 4, 5, 7, 9, 11].map((m) => entries[m as 3] ?? 0);
const entropy = (scores: number[]) => {
  const total = scores.reduce((a, b) => a + b, 0);
  const p = scores.map((s) => s / total);
  return -p.reduce((s, q) => s + q * Math.log2(q), 0) / Math.log2(p.length);
};
const label = (h: { numerator: number; denominator: number }) => `${h.numerator}/${h.denominator}`;

describe("probabilities → meter scores (§8.3)", () => {
  it("p(3) = 0.9 with a 6/8-leaning signal reads 6/8, keeps 3/4 as the alternative and hints at both", () => {
    const result = meterHypotheses(probs({ 3: 0.9 }), { autocorr: { "3/4": 0.7, "6/8": 1.0 } });
    // 6/8 gets 0.9; 3/4 gets 0.9 · 0.7 / 1.0 = 0.63 → shares 0.9/1.53 and 0.63/1.53.
    expect(result.hypotheses.map(label)).toEqual(["6/8", "3/4"]);
    expect(result.hypotheses.map((h) => h.confidence)).toEqual([0.588, 0.412]);
    expect(result.hypotheses.map((h) => h.meterClass)).toEqual([3, 3]);
    expect(result.hypotheses.map((h) => h.disambiguationHint)).toEqual(["6_8_vs_3_4", "3_4_vs_6_8"]);
    expect(result.hypotheses[0]!.description).toBe("Tarantella, Nothing Else Matters - two groups of three");
    expect(result.ambiguity).toBe(Math.round(entropy([0.9, 0.63]) * 1000) / 1000);
    expect(result.model).toBe("meternet");
    expect(result.fallback).toBe(false);
  });

  it("the same p(3) with a 3/4-leaning signal stays 3/4; 6/8 far behind gets no hint on 3/4", () => {
    const result = meterHypotheses(probs({ 3: 0.9 }), { autocorr: { "3/4": 1.0, "6/8": 0.2 } });
    expect(result.hypotheses.map(label)).toEqual(["3/4", "6/8"]);
    expect(result.hypotheses.map((h) => h.confidence)).toEqual([0.833, 0.167]);
    expect(result.hypotheses[0]!.disambiguationHint).toBeNull();
    expect(result.hypotheses[1]!.disambiguationHint).toBe("6_8_vs_3_4");
  });

  it("without relative evidence the result is the reference's: one key per class", () => {
    const result = meterHypotheses(probs({ 3: 0.9 }), {});
    expect(result.hypotheses.map(label)).toEqual(["3/4"]);
    expect(result.hypotheses[0]).toMatchObject({ confidence: 1, grouping: null, disambiguationHint: null, fallback: false });
    expect(result.ambiguity).toBe(0);
  });

  it("4/4 against 2/4 and 12/8 hints fire when the evidence is close", () => {
    const half = meterHypotheses(probs({ 4: 0.8 }), { "spacing:dbn": { "4/4": 1.0, "2/4": 0.8 } });
    expect(half.hypotheses.map(label)).toEqual(["4/4", "2/4"]);
    expect(half.hypotheses.map((h) => h.disambiguationHint)).toEqual(["4_4_vs_2_4", "2_4_vs_4_4"]);
    const compound = meterHypotheses(probs({ 4: 0.8 }), { autocorr: { "12/8": 1.0, "4/4": 0.6 } });
    expect(compound.hypotheses.map(label)).toEqual(["12/8", "4/4"]);
    expect(compound.hypotheses[0]!.disambiguationHint).toBe("12_8_vs_4_4");
  });

  it("chooses the denominator from the single highest score with that numerator; ties go to the first", () => {
    expect(chooseDenominator(7, { a: { "7/4": 0.3 }, b: { "7/8": 0.6 } }).denominator).toBe(8);
    expect(chooseDenominator(7, { a: { "7/4": 0.5 }, b: { "7/8": 0.5 } }).denominator).toBe(4);
    expect(chooseDenominator(5, { a: { "5/8": 0 } }).denominator).toBe(8); // a score of 0 still counts
    expect([5, 7, 9, 11].map((m) => chooseDenominator(m, {}).denominator)).toEqual([4, 4, 8, 8]);
    const result = meterHypotheses(probs({ 7: 0.8, 11: 0.5 }), { autocorr: { "7/8": 0.4, "7/4": 0.2 } });
    expect(result.hypotheses.map(label)).toEqual(["7/8", "11/8"]);
    expect(result.hypotheses.map((h) => h.grouping)).toEqual(["2+2+3", "3+3+3+2"]);
    expect(result.hypotheses[0]!.description).toBe("Money (Pink Floyd) - grouped 2+2+3 or 3+2+2");
  });
});

describe("formatting (§8.4)", () => {
  it("drops classes below 0.01, filters noise below 10 % of the max, renormalises, entropy on unfiltered scores", () => {
    const result = meterHypotheses(probs({ 3: 0.9, 4: 0.5, 5: 0.3, 7: 0.05, 9: 0.02, 11: 0.005 }));
    expect(result.hypotheses.map(label)).toEqual(["3/4", "4/4", "5/4"]);
    expect(result.hypotheses.map((h) => h.confidence)).toEqual([0.529, 0.294, 0.176]);
    expect(result.ambiguity).toBe(Math.round(entropy([0.9, 0.5, 0.3, 0.05, 0.02]) * 1000) / 1000);
  });

  it("keeps the top 5 (or maxHypotheses) and renormalises them", () => {
    const all = probs({ 3: 0.6, 4: 0.5, 5: 0.4, 7: 0.3, 9: 0.2, 11: 0.1 });
    const five = meterHypotheses(all);
    expect(five.hypotheses.map(label)).toEqual(["3/4", "4/4", "5/4", "7/4", "9/8"]);
    expect(five.hypotheses.map((h) => h.confidence)).toEqual([0.3, 0.25, 0.2, 0.15, 0.1]);
    const one = meterHypotheses(all, {}, { maxHypotheses: 1 });
    expect(one.hypotheses).toHaveLength(1);
    expect(one.hypotheses[0]!.confidence).toBe(1);
  });

  it("normalised entropy: one score → 0, none → 1, equal scores → 1", () => {
    expect(scoreAmbiguity([0.4])).toBe(0);
    expect(scoreAmbiguity([])).toBe(1);
    expect(scoreAmbiguity([0.2, 0.2, 0.2])).toBe(1);
  });
});

describe("fallback (§8.1)", () => {
  it("without a checkpoint: one 4/4 at 0.3, flagged, model none, ambiguity 1", () => {
    expect(fallbackHypotheses()).toEqual({
      hypotheses: [
        {
          numerator: 4,
          denominator: 4,
          confidence: 0.3,
          grouping: null,
          description: "Standard rock/pop (e.g. Billie Jean, Hey Jude)",
          disambiguationHint: null,
          meterClass: null,
          fallback: true,
        },
      ],
      ambiguity: 1,
      model: "none",
      fallback: true,
    });
  });

  it("a model with no class ≥ 0.01 also falls back, naming the model", () => {
    const result = meterHypotheses(probs({ 3: 0.009, 4: 0.001 }), {}, { model: "arbiter" });
    expect(result.fallback).toBe(true);
    expect(result.model).toBe("arbiter");
    expect(result.hypotheses).toEqual(fallbackHypotheses().hypotheses);
    expect(() => meterHypotheses([0.5, 0.5])).toThrow(/expected 6 probabilities/);
  });
});
