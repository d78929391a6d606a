import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { ResultJson } from "../results.js";
import { plotInput, plotPaths } from "./analyze.js";

const run = promisify(execFile);
const MAIN = new URL("../../dist/main.js", import.meta.url).pathname;
const tactus = (args: string[]) => run(process.execPath, [MAIN, ...args], { env: { ...process.env, CI: "1" } });
const count = (svg: string, cls: string) => svg.match(new RegExp(`class="${cls}"`, "g"))?.length ?? 0;

const json = {
  tempo: { bpm: 120, confidence: 0.9, tempo_category: "steady", fallback: false, bpm_range: null },
  meter_hypotheses: [
    { numerator: 7, denominator: 8, confidence: 0.7, grouping: "2+2+3", fallback: false },
    { numerator: 4, denominator: 4, confidence: 0.3, grouping: null, fallback: false },
  ],
  beats: [
    { time: 0.5, is_downbeat: true, strength: 1 },
    { time: 1, is_downbeat: false, strength: 1 },
  ],
  tempo_curve: [{ time: 1, bpm: 119.5 }],
  duration: 4,
  primary_tracker: "dp",
  fallback: false,
  warnings: [],
  timings: {},
  cache: { hit: false, fast_path: false },
  sections: [{ start: 0, end: 4, meter: { numerator: 7, denominator: 8, confidence: 0.7 }, tempo: { bpm: 120 } }],
} satisfies ResultJson & { tempo_curve: unknown };

describe("analyze --plot", () => {
  it("maps the engine JSON onto the plot input", () => {
    const input = plotInput("/music/song.wav", json);
    expect(input).toMatchObject({
      title: "song.wav",
      durationSec: 4,
      bpm: 120,
      topMeter: "7/8 (2+2+3)",
      beats: [
        { timeSec: 0.5, isDownbeat: true },
        { timeSec: 1, isDownbeat: false },
      ],
      tempoCurve: [{ timeSec: 1, bpm: 119.5 }],
      meterProbabilities: [
        { label: "7/8 (2+2+3)", probability: 0.7 },
        { label: "4/4", probability: 0.3 },
      ],
      sections: [{ startSec: 0, endSec: 4, label: "7/8 · 120 BPM" }],
    });
    expect(input.envelope).toBeUndefined();
  });

  it("takes downbeats from the DBN of the top meter's bar length when the primary tracker has none", () => {
    const beats = [0.5, 1, 1.5, 2, 2.5, 3].map((time) => ({ time, is_downbeat: false, strength: 1 }));
    const dbn = (downbeats: number[], discarded = false) => ({
      beats: downbeats.map((time) => ({ time: time + 0.03, is_downbeat: true })),
      discarded,
    });
    const withTrackers = (trackers: Record<string, ReturnType<typeof dbn>>) => ({ ...json, beats, details: { trackers } });
    const drawn = plotInput("/music/song.wav", withTrackers({ dbn_bpb7: dbn([0.5, 2]), dbn: dbn([1]) }));
    expect(drawn.downbeatSource).toBe("dbn_bpb7");
    expect(drawn.beats.filter((b) => b.isDownbeat).map((b) => b.timeSec)).toEqual([0.5, 2]);
    // A discarded fixed-length decode gives way to the free DBN; none at all: no downbeats claimed.
    const free = plotInput("/music/song.wav", withTrackers({ dbn_bpb7: dbn([0.5], true), dbn: dbn([1]) }));
    expect(free.downbeatSource).toBe("dbn");
    expect(free.beats.filter((b) => b.isDownbeat).map((b) => b.timeSec)).toEqual([1]);
    const none = plotInput("/music/song.wav", withTrackers({}));
    expect(none.downbeatSource).toBeUndefined();
    expect(none.beats.some((b) => b.isDownbeat)).toBe(false);
  });

  it("writes one file, or DIR/<name>.svg with unique names for several", () => {
    const dir = mkdtempSync(join(tmpdir(), "tactus-plot-"));
    expect(plotPaths(join(dir, "a", "out.svg"), false, ["x.wav"])).toEqual([join(dir, "a", "out.svg")]);
    expect(existsSync(join(dir, "a"))).toBe(true);
    expect(plotPaths(join(dir, "many"), true, ["p/song.wav", "q/song.wav", "r/other.flac"])).toEqual([
      join(dir, "many", "song.svg"),
      join(dir, "many", "song-2.svg"),
      join(dir, "many", "other.svg"),
    ]);
    mkdirSync(join(dir, "existing"));
    expect(plotPaths(join(dir, "existing"), false, ["s.wav"])).toEqual([join(dir, "existing", "s.svg")]);
  });

  it("draws every beat of the analysed file, per file into a directory for several", { timeout: 180_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), "tactus-plot-cli-"));
    const corpus = join(root, "corpus");
    await tactus(["corpus", "synth", "--out", corpus, "--per-class", "1", "--duration", "4", "--classes", "3,7", "--seed", "4"]);
    const clips = readdirSync(join(corpus, "audio")).sort().map((f) => join(corpus, "audio", f));

    const out = join(root, "one.svg");
    const one = await tactus(["analyze", "--no-cache", "--json", "--plot", out, clips[0]!]);
    expect(one.stderr).toContain(`plot: ${out}`);
    const result = JSON.parse(one.stdout) as { beats: { is_downbeat: boolean }[] };
    expect(result.beats.length).toBeGreaterThan(0);
    const svg = readFileSync(out, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(count(svg, "beat") + count(svg, "downbeat")).toBe(result.beats.length);
    expect(count(svg, "downbeat")).toBe(result.beats.filter((b) => b.is_downbeat).length);

    const dir = join(root, "plots");
    await tactus(["analyze", "--no-cache", "--plot", dir, ...clips]);
    expect(readdirSync(dir).sort()).toEqual(clips.map((c) => c.split("/").pop()!.replace(/\.wav$/, ".svg")).sort());
  });
});
