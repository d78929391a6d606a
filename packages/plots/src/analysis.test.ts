import { describe, expect, it } from "vitest";
import { type AnalysisPlotInput, analysisPlot } from "./analysis.js";
import { parseXml, withClass } from "./test-utils/xml.js";

function example(): AnalysisPlotInput {
  const beats = Array.from({ length: 28 }, (_, i) => ({ timeSec: 0.25 + i * 0.5, isDownbeat: i % 7 === 0 }));
  const fps = 50;
  const values = new Float32Array(15 * fps);
  for (const b of beats) values[Math.round(b.timeSec * fps)] = b.isDownbeat ? 1 : 0.5;
  return {
    title: "demo.wav",
    durationSec: 15,
    envelope: { values, fps },
    beats,
    tempoCurve: [2, 5, 8, 11, 14].map((t, i) => ({ timeSec: t, bpm: 118 + i })),
    bpm: 120,
    meterProbabilities: [
      { label: "7/8", probability: 0.6 },
      { label: "4/4", probability: 0.3 },
      { label: "3/4", probability: 0.1 },
    ],
    topMeter: "7/8",
    sections: [
      { startSec: 0, endSec: 7, label: "7/8 · 120 BPM" },
      { startSec: 7, endSec: 15, label: "7/8 · 121 BPM" },
    ],
  };
}

describe("analysisPlot", () => {
  it("is well-formed SVG of the default size", () => {
    const svg = analysisPlot(example());
    const els = parseXml(svg);
    expect(els[0]!.name).toBe("svg");
    expect(els[0]!.attrs).toMatchObject({ width: "1000", height: "600", viewBox: "0 0 1000 600" });
    expect(svg.endsWith("</svg>\n")).toBe(true);
  });

  it("draws one line per beat, downbeats distinguished", () => {
    const input = example();
    const els = parseXml(analysisPlot(input));
    const beats = withClass(els, "beat");
    const downbeats = withClass(els, "downbeat");
    expect(beats.length + downbeats.length).toBe(input.beats.length);
    expect(downbeats).toHaveLength(input.beats.filter((b) => b.isDownbeat).length);
    expect(downbeats.every((d) => d.name === "line" && d.attrs.stroke !== beats[0]!.attrs.stroke)).toBe(true);
    // Downbeats are longer and heavier than beat ticks.
    const len = (e: { attrs: Record<string, string> }) => Number(e.attrs.y2) - Number(e.attrs.y1);
    expect(len(downbeats[0]!)).toBeGreaterThan(2 * len(beats[0]!));
    expect(Number(downbeats[0]!.attrs["stroke-width"])).toBeGreaterThan(Number(beats[0]!.attrs["stroke-width"]));
    // One distinct x position per beat.
    const xs = [...beats, ...downbeats].map((e) => Number(e.attrs.x1)).sort((a, b) => a - b);
    expect(new Set(xs).size).toBe(input.beats.length);
  });

  it("draws bars proportional to the probabilities, the top one highlighted, with values", () => {
    const els = parseXml(analysisPlot(example()));
    const bars = withClass(els, "bar");
    expect(bars).toHaveLength(3);
    const widths = bars.map((b) => Number(b.attrs.width));
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.3 / 0.6, 2);
    expect(widths[2]! / widths[0]!).toBeCloseTo(0.1 / 0.6, 2);
    const top = withClass(els, "top");
    expect(top).toHaveLength(1);
    expect(top[0]!.attrs["data-probability"]).toBe("0.6000");
    expect(top[0]!.attrs.fill).not.toBe(bars[1]!.attrs.fill);
    const texts = els.filter((e) => e.name === "text").map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(["7/8", "4/4", "3/4", "0.600", "0.300", "0.100"]));
  });

  it("draws the tempo curve, the global BPM dashed, axis labels with units", () => {
    const svg = analysisPlot(example());
    const els = parseXml(svg);
    expect(withClass(els, "tempo-curve")[0]!.attrs.d).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){4}$/);
    expect(withClass(els, "global-bpm")[0]!.attrs["stroke-dasharray"]).toBeDefined();
    const texts = els.filter((e) => e.name === "text").map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(["time (s)", "tempo (BPM)", "global 120.0 BPM", "7/8 · 120 BPM"]));
    expect(withClass(els, "envelope")).toHaveLength(1);
  });

  it("is deterministic: same input, same bytes", () => {
    expect(analysisPlot(example())).toBe(analysisPlot(example()));
  });

  it("writes no NaN or Infinity, whatever the input holds", () => {
    const bad: AnalysisPlotInput = {
      ...example(),
      durationSec: Number.NaN,
      envelope: { values: [Number.NaN, 1, Number.POSITIVE_INFINITY, 0.5], fps: 50 },
      beats: [{ timeSec: Number.NaN, isDownbeat: true }, { timeSec: 1, isDownbeat: false }],
      tempoCurve: [{ timeSec: 0.5, bpm: Number.NaN }],
      bpm: Number.NaN,
      meterProbabilities: [{ label: "4/4", probability: Number.NaN }],
    };
    const svg = analysisPlot(bad);
    expect(svg).not.toMatch(/NaN|Infinity/);
    parseXml(svg);
  });

  it("works without envelope, tempo curve, sections or probabilities", () => {
    const svg = analysisPlot({ title: "bare", durationSec: 3, beats: [], bpm: 100, meterProbabilities: [] });
    const els = parseXml(svg);
    expect(withClass(els, "envelope")).toHaveLength(0);
    expect(els.filter((e) => e.name === "text").map((e) => e.text)).toEqual(
      expect.arrayContaining(["Beats and downbeats (no envelope)", "no beats", "no tempo curve", "no meter estimate"]),
    );
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("escapes <, & and > in the title and labels", () => {
    const title = `a <b> & "c" 'd'`;
    const svg = analysisPlot({ ...example(), title, meterProbabilities: [{ label: "<&>", probability: 1 }], topMeter: "<&>" });
    expect(svg).toContain("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;");
    expect(svg).not.toContain("<b>");
    const els = parseXml(svg);
    expect(els.find((e) => e.name === "title")!.text).toBe(title);
    expect(els.filter((e) => e.name === "text").map((e) => e.text)).toContain("<&>");
  });

  it("honours width and height", () => {
    const els = parseXml(analysisPlot(example(), { width: 1600, height: 900 }));
    expect(els[0]!.attrs).toMatchObject({ width: "1600", height: "900" });
  });
});

describe("analysisPlot layout", () => {
  it("shortens a title too long for the header, keeping the full one in <title>", () => {
    const title = "x".repeat(200);
    const els = parseXml(analysisPlot({ ...example(), title }));
    const shown = els.find((e) => e.name === "text" && e.text.startsWith("xxx"))!.text;
    expect(shown.endsWith("…")).toBe(true);
    expect(shown.length).toBeLessThan(100);
    expect(els.find((e) => e.name === "title")!.text).toBe(title);
  });
});
