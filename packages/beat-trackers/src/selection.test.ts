import { describe, expect, it } from "vitest";
import type { Activations } from "./activations.js";
import { runDbnVariants } from "./dbn-trackers.js";
import {
  DEGENERATE_DEFAULTS,
  discardDegenerateDbn,
  isDegenerateDbn,
  medianIbi,
  PRIMARY_CANDIDATE_ORDER,
  selectPrimaryTracker,
} from "./selection.js";
import type { Beat } from "./types.js";

/** Beats at `start + k·period` (k < count); every `bar`-th flagged as downbeat (0: none). */
function grid(start: number, period: number, count: number, bar = 0): Beat[] {
  return Array.from({ length: count }, (_, k) => ({
    timeSec: start + k * period,
    isDownbeat: bar > 0 && k % bar === 0,
    strength: 1,
  }));
}

describe("primary tracker order", () => {
  it("is multifeature, dbn, the fixed DBN variants, dp (derived from the registry)", () => {
    expect(PRIMARY_CANDIDATE_ORDER).toEqual(["multifeature", "dbn", "dbn_bpb3", "dbn_bpb4", "dbn_bpb5", "dbn_bpb7", "dp"]);
  });
});

describe("selectPrimaryTracker", () => {
  const onsets = grid(0.5, 0.5, 20).map((b) => b.timeSec);

  it("picks the tracker whose beats align best with the onsets", () => {
    const sel = selectPrimaryTracker(
      { dp: grid(0.53, 0.5, 20), multifeature: grid(0.75, 0.5, 20), dbn: grid(0.5, 0.5, 20, 4) },
      onsets,
    );
    expect(sel.name).toBe("dbn");
    expect(sel.f1).toBe(1);
    expect(sel.scores.multifeature).toBeCloseTo(0, 12);
    expect(sel.scores.dp).toBeCloseTo(1 - 0.03 / 0.07, 10);
  });

  it("keeps the earlier candidate on ties (strictly greater F1 replaces)", () => {
    const same = grid(0.5, 0.5, 20);
    const [bar3, bar4] = [grid(0.5, 0.5, 20, 3), grid(0.5, 0.5, 20, 4)];
    const sel = selectPrimaryTracker({ dp: same, dbn_bpb4: bar4, dbn_bpb3: bar3, multifeature: same }, onsets);
    expect(sel.name).toBe("multifeature");
    expect(selectPrimaryTracker({ dp: same, dbn_bpb4: bar4, dbn_bpb3: bar3 }, onsets).name).toBe("dbn_bpb3");
  });

  it("falls back to dp when every score is 0 or nothing was tracked", () => {
    expect(selectPrimaryTracker({ dp: [], multifeature: [], dbn: [] }, onsets)).toMatchObject({ name: "dp", f1: 0, beats: [] });
    const sel = selectPrimaryTracker({ dp: grid(0.5, 0.5, 4), multifeature: grid(0.5, 0.5, 20) }, []);
    expect(sel.name).toBe("dp");
    expect(sel.beats).toHaveLength(4);
  });

  it("records the best fixed-DBN alignment", () => {
    const sel = selectPrimaryTracker({ dbn_bpb3: grid(0.52, 0.5, 20), dbn_bpb7: grid(0.5, 0.5, 20) }, onsets);
    expect(sel.bestFixedDbnF1).toBe(1);
  });
});

describe("degenerate DBN output", () => {
  const prior = DEGENERATE_DEFAULTS.priorIbiSec[0]!;

  it("uses the decoder's fallback periods: flat activations decode at an end of the tempo grid", () => {
    expect(DEGENERATE_DEFAULTS.priorIbiSec).toEqual([60 / 55, 60 / 215]);
    for (const [level, period] of [
      [0.05, 60 / 55],
      [0.06, 60 / 215],
    ] as const) {
      const flat: Activations = {
        beat: new Float32Array(2000).fill(level),
        downbeat: new Float32Array(2000).fill(level),
        fps: 100,
      };
      const all = runDbnVariants(flat);
      for (const v of Object.values(all.variants)) expect(Math.abs(medianIbi(v) - period)).toBeLessThanOrEqual(0.03);
      expect(isDegenerateDbn(Object.values(all.variants))).toBe(true);
      expect(discardDegenerateDbn({ ...all.variants, dbn: all.dbn.beats }).discarded).toEqual([
        "dbn_bpb3",
        "dbn_bpb4",
        "dbn_bpb5",
        "dbn_bpb7",
        "dbn",
      ]);
    }
  });

  it("is degenerate: ≥ 2 variants, counts within 2, median IBIs at the prior period", () => {
    expect(isDegenerateDbn([grid(0.3, prior, 20, 3), grid(0.3, prior + 0.02, 19, 4), grid(0.35, prior - 0.01, 21, 5)])).toBe(true);
  });

  it("is degenerate: identical lists, downbeat flags included (the bar length changed nothing)", () => {
    const same = grid(0.3, 0.5, 3, 3);
    expect(isDegenerateDbn([same, same.map((b) => ({ ...b }))])).toBe(true);
  });

  it("is not degenerate: agreeing variants at a real tempo with their own downbeats", () => {
    expect(isDegenerateDbn([grid(0.3, 0.5, 40, 3), grid(0.3, 0.5, 40, 4), grid(0.3, 0.5, 40, 5), grid(0.3, 0.5, 40, 7)])).toBe(false);
  });

  it("is not degenerate when a variant has < 3 beats, counts differ by > 2, IBIs disagree or only one variant", () => {
    expect(isDegenerateDbn([grid(0.3, prior, 20, 3), grid(0.3, prior, 2, 4)])).toBe(false);
    expect(isDegenerateDbn([grid(0.3, prior, 20, 3), grid(0.3, prior, 23, 4)])).toBe(false);
    expect(isDegenerateDbn([grid(0.3, prior, 20, 3), grid(0.3, prior - 0.08, 20, 4)])).toBe(false);
    expect(isDegenerateDbn([grid(0.3, prior, 20, 3)])).toBe(false);
  });

  it("drops degenerate variants from the selection and keeps dbn when it differs", () => {
    const degenerate = { dbn_bpb3: grid(0.3, prior, 20, 3), dbn_bpb4: grid(0.3, prior, 20, 4) };
    const dbn = grid(0.5, 0.5, 20, 4);
    const { kept, discarded } = discardDegenerateDbn({ ...degenerate, dbn, dp: grid(0.5, 0.5, 20) });
    expect(discarded).toEqual(["dbn_bpb3", "dbn_bpb4"]);
    expect(Object.keys(kept)).toEqual(["dp", "dbn"]);
    const sel = selectPrimaryTracker({ ...degenerate, dp: grid(0.51, 0.5, 20) }, grid(0.3, prior, 20).map((b) => b.timeSec));
    expect(sel.name).toBe("dp");
    expect(sel.discarded).toEqual(["dbn_bpb3", "dbn_bpb4"]);
  });
});
