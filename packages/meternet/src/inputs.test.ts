import { FEATURE_LENGTH, LAYOUT_ID, SIGNAL_SLOTS } from "@tactus/features";
import { METER_KEYS } from "@tactus/signals";
import { describe, expect, it } from "vitest";
import { ARBITER_SIGNALS, arbiterInput, inputLayout } from "./inputs.js";

describe("input layouts", () => {
  it("MeterNet reads the feature layout, onset-MLP the audio block, the Arbiter 6 signals × 12 keys", () => {
    expect(inputLayout("meternet")).toEqual({ id: LAYOUT_ID, length: FEATURE_LENGTH });
    expect(inputLayout("onset-mlp").length).toBe(1449);
    expect(inputLayout("onset-mlp").id).toMatch(/^tactus-audio-[0-9a-f]{8}$/);
    expect(ARBITER_SIGNALS).toEqual([...SIGNAL_SLOTS.map((s) => s.name), "onset_mlp"]);
    expect(inputLayout("arbiter").length).toBe(72);
  });

  it("arbiterInput places each signal's scores in METER_KEYS order", () => {
    const row = arbiterInput({ autocorr: { "3/4": 0.5, "12/8": 0.25 }, onset_mlp: { "2/4": 1 }, unknown: { "4/4": 9 } });
    const at = (signal: string, key: string) => ARBITER_SIGNALS.indexOf(signal) * METER_KEYS.length + METER_KEYS.indexOf(key as never);
    expect(row[at("autocorr", "3/4")]).toBe(0.5);
    expect(row[at("autocorr", "12/8")]).toBe(0.25);
    expect(row[at("onset_mlp", "2/4")]).toBe(1);
    expect(row.reduce((a, b) => a + b, 0)).toBe(1.75);
  });
});
