import { describe, expect, it } from "vitest";
import { confusionMatrixSvg } from "./confusion.js";
import { parseXml, withClass } from "./test-utils/xml.js";

const labels = ["3/x", "4/x", "7/x"];
const counts = [
  [8, 2, 0],
  [1, 30, 1],
  [0, 3, 5],
];

describe("confusionMatrixSvg", () => {
  it("is well-formed, with counts as cell text in row-major order", () => {
    const svg = confusionMatrixSvg({ labels, counts, title: "test split" });
    const els = parseXml(svg);
    expect(els[0]!.name).toBe("svg");
    expect(withClass(els, "count").map((e) => Number(e.text))).toEqual(counts.flat());
    expect(withClass(els, "cell")).toHaveLength(9);
    expect(withClass(els, "diagonal")).toHaveLength(3);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("colours by the share of the row, so equal shares get equal colours", () => {
    const els = parseXml(confusionMatrixSvg({ labels: ["a", "b"], counts: [[1, 1], [50, 50]], title: "t" }));
    const fills = withClass(els, "cell").map((e) => e.attrs.fill);
    expect(new Set(fills).size).toBe(1);
    const skew = withClass(parseXml(confusionMatrixSvg({ labels: ["a", "b"], counts: [[9, 1], [0, 0]], title: "t" })), "cell");
    expect(skew[0]!.attrs.fill).not.toBe(skew[1]!.attrs.fill);
  });

  it("has axis titles and per-class recall", () => {
    const els = parseXml(confusionMatrixSvg({ labels, counts, title: "t" }));
    const texts = els.filter((e) => e.name === "text").map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(["true", "predicted", "recall", ...labels]));
    expect(withClass(els, "recall").map((e) => e.text)).toEqual(["80.0%  (8/10)", "93.8%  (30/32)", "62.5%  (5/8)"]);
  });

  it("takes extra predicted columns (e.g. none) and empty rows", () => {
    const els = parseXml(
      confusionMatrixSvg({ labels: ["3/x", "4/x"], predictedLabels: ["3/x", "4/x", "none"], counts: [[2, 1, 1], [0, 0, 0]], title: "t" }),
    );
    expect(withClass(els, "cell")).toHaveLength(6);
    expect(withClass(els, "recall").map((e) => e.text)).toEqual(["50.0%  (2/4)", "–"]);
    expect(els.filter((e) => e.name === "text").map((e) => e.text)).toContain("none");
  });

  it("escapes the title and is deterministic", () => {
    const input = { labels: ["<a>"], counts: [[1]], title: "x < y & z > w" };
    const svg = confusionMatrixSvg(input);
    expect(svg).toContain("x &lt; y &amp; z &gt; w");
    expect(parseXml(svg).find((e) => e.name === "title")!.text).toBe("x < y & z > w");
    expect(confusionMatrixSvg(input)).toBe(svg);
  });
});
