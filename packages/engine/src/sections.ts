/**
 * Sections (reference signals.md §8.6): tempo boundaries from the primary beats, then per section
 * a tempo and one meter hypothesis. Everything is read from the records (beats, onset envelope,
 * cached audio/SSM groups), so sections work on the fast path too (the reference's raised there).
 *
 * Section meter: the file's audio and SSM blocks, the section's beats, spacing signals of the
 * section's slot beats and autocorrelation of its envelope (no bar tracking, no HCDF, as the
 * reference), tempo block = the section tempo twice; the model's top hypothesis, or the fallback.
 */
import { type Beat, pyRound, tempoCategory } from "@tactus/beat-trackers";
import { fallbackHypotheses, meterHypotheses } from "@tactus/meternet";
import { downbeatSpacingScores, type MeterScores, onsetAutocorrelationScores } from "@tactus/signals";
import type { Derived } from "./derive.js";
import { type LoadedModel, predictOne } from "./model.js";
import type { FileRecords } from "./records.js";
import type { Section, TempoResult } from "./types.js";
import { vectorFromParts } from "./vector.js";

export const SECTION_DEFAULTS = {
  minDurationSec: 15,
  minBeats: 8,
  tempoChangeRatio: 0.15,
  minSectionSec: 8,
  fixedStepSec: 20,
  fixedMinGapSec: 10,
  longClipSec: 25,
} as const;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function std(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

/** §8.6 boundaries: tempo changes > 15 % at least 8 s apart, else every 20 s on long clips. */
export function sectionBoundaries(beats: readonly Beat[], durationSec: number): number[] {
  const end = pyRound(durationSec, 2);
  const bounds = [0];
  if (beats.length < SECTION_DEFAULTS.minBeats) return [0, end];
  const ibis: number[] = [];
  for (let i = 1; i < beats.length; i++) ibis.push(beats[i]!.timeSec - beats[i - 1]!.timeSec);
  const local: { timeSec: number; bpm: number }[] = [];
  for (let i = 0; i < ibis.length; i++) {
    const window = ibis.slice(Math.max(0, i - 2), Math.min(ibis.length, i + 3)).filter((d) => d > 0.1 && d < 3.0);
    if (window.length > 0) local.push({ timeSec: beats[i]!.timeSec, bpm: 60 / median(window) });
  }
  if (local.length < 4) return [0, end];
  for (let i = 1; i < local.length; i++) {
    const change = Math.abs(local[i]!.bpm - local[i - 1]!.bpm) / local[i - 1]!.bpm;
    if (change > SECTION_DEFAULTS.tempoChangeRatio && local[i]!.timeSec - bounds[bounds.length - 1]! > SECTION_DEFAULTS.minSectionSec) {
      bounds.push(pyRound(local[i]!.timeSec, 2));
    }
  }
  if (bounds.length === 1 && durationSec > SECTION_DEFAULTS.longClipSec) {
    for (let t = SECTION_DEFAULTS.fixedStepSec; t < durationSec - 10; t += SECTION_DEFAULTS.fixedStepSec) {
      let snap = beats[0]!.timeSec;
      for (const b of beats) if (Math.abs(b.timeSec - t) < Math.abs(snap - t)) snap = b.timeSec;
      if (snap - bounds[bounds.length - 1]! > SECTION_DEFAULTS.fixedMinGapSec) bounds.push(pyRound(snap, 2));
    }
  }
  bounds.push(end);
  return bounds;
}

/** §8.6 section tempo (≥ 4 beats, IBIs in (0.15, 2.0), ≥ 2 of them). */
export function sectionTempo(beats: readonly Beat[]): TempoResult | null {
  if (beats.length < 4) return null;
  const ibis: number[] = [];
  for (let i = 1; i < beats.length; i++) {
    const d = beats[i]!.timeSec - beats[i - 1]!.timeSec;
    if (d > 0.15 && d < 2.0) ibis.push(d);
  }
  if (ibis.length < 2) return null;
  const med = median(ibis);
  const cv = std(ibis) / med;
  return {
    bpm: pyRound(60 / med, 1),
    confidence: pyRound(Math.max(0, 1 - 2 * cv), 2),
    isVariable: false,
    bpmRange: null,
    category: tempoCategory(cv),
    fallback: false,
  };
}

const inside = (beats: readonly Beat[], start: number, end: number) => beats.filter((b) => b.timeSec >= start && b.timeSec < end);

export function detectSections(records: FileRecords, derived: Derived, model: LoadedModel | null, globalBpm: number): Section[] {
  const { durationSec } = derived;
  if (durationSec < SECTION_DEFAULTS.minDurationSec) {
    return [{ startSec: 0, endSec: pyRound(durationSec, 2), meter: null, tempo: null }];
  }
  const bounds = sectionBoundaries(derived.primary.beats, durationSec);
  const { onsets } = records;
  const sections: Section[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const start = bounds[k]!;
    const end = bounds[k + 1]!;
    const primary = inside(derived.primary.beats, start, end);
    const tempo = sectionTempo(primary);
    const firstFrame = Math.ceil(start * onsets.fps - 1e-9);
    const frames = onsets.onset_strengths.slice(Math.max(0, firstFrame), Math.max(0, Math.ceil(end * onsets.fps - 1e-9)));
    let meter = null;
    if (primary.length >= 4 && frames.length >= 4) {
      const bpm = tempo?.bpm ?? globalBpm;
      const slots: Record<string, Beat[]> = {};
      for (const [slot, beats] of Object.entries(derived.slots)) slots[slot] = inside(beats, start, end);
      const signals: Record<string, MeterScores> = {};
      const add = (name: string, scores: MeterScores) => {
        if (Object.keys(scores).length > 0) signals[name] = scores;
      };
      add("spacing:dbn", downbeatSpacingScores(slots.dbn ?? []));
      add("spacing:dbn_best", downbeatSpacingScores(slots.dbn_best ?? []));
      if (bpm > 0) add("autocorr", onsetAutocorrelationScores({ values: frames, fps: onsets.fps }, 60 / bpm));
      const vector = vectorFromParts({
        onsets,
        audio: records.features.meter_net_audio,
        ssm: records.features.meter_net_ssm,
        slots: derived.slots,
        signals,
        libBpm: bpm,
        tgBpm: bpm,
        windowSec: { start, end },
      });
      const result =
        model && vector.ok
          ? meterHypotheses(predictOne(model, vector.vector), signals, { maxHypotheses: 1 })
          : fallbackHypotheses(model ? "meternet" : "none");
      meter = result.hypotheses[0] ?? null;
    }
    sections.push({ startSec: start, endSec: end, meter, tempo });
  }
  return sections;
}
