import { METER_CLASSES, METER_KEYS } from "@tactus/signals";
import { describe, expect, it } from "vitest";
import {
  A1_MULTIPLE_VALUES,
  A2_BPM_VALUES,
  AUDIO_BLOCK,
  BEAT_BLOCK,
  blockRange,
  columnLabels,
  FEATURE_LENGTH,
  formatLayout,
  LAYOUT_ID,
  layoutRows,
  rowAt,
  SIGNAL_BLOCK,
  SSM_BLOCK,
  subBlockRange,
  TEMPO_BLOCK,
} from "./layout.js";

describe("feature layout", () => {
  it("totals 1630 with the reference's block offsets (features.md §1)", () => {
    expect(FEATURE_LENGTH).toBe(1630);
    expect(AUDIO_BLOCK).toEqual({ offset: 0, length: 1449 });
    expect(SSM_BLOCK).toEqual({ offset: 1449, length: 75 });
    expect(BEAT_BLOCK).toEqual({ offset: 1524, length: 42 });
    expect(SIGNAL_BLOCK).toEqual({ offset: 1566, length: 60 });
    expect(TEMPO_BLOCK).toEqual({ offset: 1626, length: 4 });
  });

  it("has contiguous rows whose lengths sum to FEATURE_LENGTH", () => {
    let offset = 0;
    for (const row of layoutRows()) {
      expect(row.offset).toBe(offset);
      expect(row.length).toBeGreaterThan(0);
      offset += row.length;
    }
    expect(offset).toBe(FEATURE_LENGTH);
    expect(columnLabels()).toHaveLength(FEATURE_LENGTH);
  });

  it("matches the spec's sub-block table", () => {
    const expected: [string, number, number][] = [
      ["A1", 0, 1024],
      ["A2", 1024, 64],
      ["A3", 1088, 26],
      ["A4", 1114, 14],
      ["A5", 1128, 4],
      ["A6", 1132, 224],
      ["A7", 1356, 84],
      ["A8", 1440, 9],
      ["ssm:dbn", 1449, 25],
      ["ssm:multifeature", 1474, 25],
      ["ssm:dbn_best", 1499, 25],
      ["beat:dbn", 1524, 12],
      ["beat:multifeature", 1536, 12],
      ["beat:dbn_best", 1548, 12],
      ["beat:agreement", 1560, 6],
      ["signal:spacing:dbn", 1566, 12],
      ["signal:spacing:dbn_best", 1578, 12],
      ["signal:autocorr", 1590, 12],
      ["signal:bar_tracking", 1602, 12],
      ["signal:hcdf", 1614, 12],
      ["tempo", 1626, 4],
    ];
    expect(layoutRows().map((r) => [r.subBlock, r.offset, r.length])).toEqual(expected);
    expect(blockRange("beat")).toEqual({ offset: 1524, length: 42 });
  });

  it("labels columns in the reference's index order", () => {
    const labels = columnLabels();
    // A1 index = t·256 + s·64 + k.
    expect(labels[0]).toBe("t1 onset ×0.5");
    expect(labels[63]).toBe("t1 onset ×16");
    expect(labels[64]).toBe("t1 rms ×0.5");
    expect(labels[256 + 3 * 64]).toBe("t2 chroma ×0.5");
    expect(labels[1088]).toBe("mfcc c0 mean");
    expect(labels[1101]).toBe("mfcc c0 std");
    expect(labels[1132 + 32]).toBe("bar 3 bin 0");
    expect(labels[1356 + 21]).toBe("rms acf 2 beats");
    expect(labels[1356 + 8]).toBe("onset ratio 3:4");
    expect(labels[1566 + 12 + 1]).toBe("spacing:dbn_best 3/4");
    expect(labels[1629]).toBe("tempo 1 − |lib − tg|/max(lib, tg)");
    expect(A1_MULTIPLE_VALUES[1]).toBeCloseTo(0.5 + 15.5 / 63, 12);
    expect(A2_BPM_VALUES[0]).toBeCloseTo(30, 9);
    expect(A2_BPM_VALUES[63]).toBeCloseTo(300, 9);
  });

  it("takes meter keys and classes from @tactus/signals", () => {
    expect(METER_KEYS).toHaveLength(12);
    const hcdf = subBlockRange("signal:hcdf");
    expect(columnLabels().slice(hcdf.offset, hcdf.offset + 12)).toEqual(METER_KEYS.map((k) => `hcdf ${k}`));
    expect(subBlockRange("beat:agreement").length).toBe(METER_CLASSES.length);
  });

  it("documents the slot mapping and the multifeature tracker's missing downbeats", () => {
    expect(subBlockRange("beat:multifeature").description).toMatch(/no downbeats.*0 by construction/);
    expect(subBlockRange("ssm:dbn").description).toContain("BeatNet");
    expect(subBlockRange("ssm:dbn_best").description).toContain("dbn_bpb3/dbn_bpb4/dbn_bpb5/dbn_bpb7");
  });

  it("finds the row of an index", () => {
    expect(rowAt(0).subBlock).toBe("A1");
    expect(rowAt(1448).subBlock).toBe("A8");
    expect(rowAt(1449).subBlock).toBe("ssm:dbn");
    expect(rowAt(1629).subBlock).toBe("tempo");
    expect(() => rowAt(1630)).toThrow(RangeError);
    expect(() => subBlockRange("A9")).toThrow(/unknown feature sub-block/);
  });

  it("has a content-derived id and a printable table", () => {
    expect(LAYOUT_ID).toMatch(/^tactus-mn-[0-9a-f]{8}$/);
    const table = formatLayout();
    expect(table).toContain(LAYOUT_ID);
    expect(table).toContain("1630 values");
    for (const row of layoutRows()) expect(table).toContain(`[${row.offset}, ${row.offset + row.length})`);
    expect(table.split("\n")).toHaveLength(layoutRows().length + 4);
    expect(formatLayout({ columns: true }).split("\n")).toHaveLength(layoutRows().length + 4 + FEATURE_LENGTH);
  });

  it("freezes the rows", () => {
    const rows = layoutRows() as unknown as { offset: number }[];
    expect(() => {
      rows[0].offset = 5;
    }).toThrow(TypeError);
  });
});
