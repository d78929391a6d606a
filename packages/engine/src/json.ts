/**
 * The result as JSON (reference signals.md §10, snake_case, English descriptions) plus model,
 * backend, timings, cache state and, with `verbose`, per-tracker details. Every number is finite:
 * a NaN or ±Infinity anywhere is a bug, so `toJson` throws rather than write null.
 */
import type { MeterHypothesis } from "@tactus/meternet";
import type { AnalysisResult, ResultBeat, Section, TempoResult } from "./types.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function hypothesisJson(h: MeterHypothesis): Json {
  return {
    numerator: h.numerator,
    denominator: h.denominator,
    confidence: h.confidence,
    grouping: h.grouping,
    description: h.description,
    disambiguation_hint: h.disambiguationHint,
    meter_class: h.meterClass,
    fallback: h.fallback,
  };
}

function tempoJson(t: TempoResult): Json {
  return {
    bpm: t.bpm,
    confidence: t.confidence,
    is_variable: t.isVariable,
    bpm_range: t.bpmRange,
    tempo_category: t.category,
    fallback: t.fallback,
  };
}

const beatJson = (b: ResultBeat): Json => ({ time: b.timeSec, is_downbeat: b.isDownbeat, strength: b.strength });

function sectionJson(s: Section): Json {
  return {
    start: s.startSec,
    end: s.endSec,
    meter: s.meter ? hypothesisJson(s.meter) : null,
    tempo: s.tempo ? tempoJson(s.tempo) : null,
  };
}

/** The JSON object of a result (plain data; `JSON.stringify` it). */
export function toJson(result: AnalysisResult): Record<string, Json> {
  const out: Record<string, Json> = {
    tempo: tempoJson(result.tempo),
    meter_hypotheses: result.meterHypotheses.map(hypothesisJson),
    beats: result.beats.map(beatJson),
    tempo_curve: result.tempoCurve.map((p) => ({ time: p.timeSec, bpm: p.bpm })),
    sections: result.sections.map(sectionJson),
    duration: result.durationSec,
    meter_ambiguity: result.meterAmbiguity,
    converged: false,
    source_type: "recorded",
    primary_tracker: result.primaryTracker,
    fallback: result.fallback,
    too_short: result.tooShort,
    model: result.model === "none" ? "none" : { kind: result.model.kind, dir: result.model.dir, hash: result.model.hash },
    backend: result.backend,
    audio_hash: result.audioHash,
    warnings: result.warnings,
    timings: Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, v ?? 0])),
    cache: { hit: result.cache.hit, fast_path: result.cache.fastPath },
  };
  if (result.details) {
    const d = result.details;
    out.details = {
      trackers: Object.fromEntries(
        Object.entries(d.trackers).map(([name, t]) => [name, { beats: t.beats.map(beatJson), f1: t.f1, discarded: t.discarded }]),
      ),
      alignment: d.alignment,
      signals: Object.fromEntries(
        Object.entries(d.signals).map(([name, s]) => [
          name,
          (s.status === "ok"
            ? { status: "ok", scores: s.scores as Record<string, number> }
            : { status: "unavailable", reason: s.reason }) as Json,
        ]),
      ),
      dbn_best: d.dbnBest,
      probabilities: d.probabilities,
      onset_envelope: { fps: d.onsetEnvelope.fps, values: d.onsetEnvelope.values },
    };
  }
  assertFinite(out, "result");
  return out;
}

function assertFinite(value: Json, path: string): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`toJson: ${path} is ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      assertFinite(v, `${path}[${i}]`);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
  }
}
