/** Text rendering of engine results (JSON from `toJson`): tables only, no analysis. */
import { METER_KEYS } from "@tactus/signals";
import { table } from "./format.js";

/** The parts of `toJson(result)` the CLI prints. */
export interface ResultJson {
  tempo: { bpm: number; confidence: number; tempo_category: string; fallback: boolean; bpm_range: [number, number] | null };
  meter_hypotheses: { numerator: number; denominator: number; confidence: number; grouping: string | null; fallback: boolean }[];
  beats: unknown[];
  duration: number;
  primary_tracker: string;
  fallback: boolean;
  warnings: string[];
  timings: Record<string, number>;
  cache: { hit: boolean; fast_path: boolean };
  sections: {
    start: number;
    end: number;
    meter: { numerator: number; denominator: number; confidence: number } | null;
    tempo: { bpm: number } | null;
  }[];
  details?: {
    trackers: Record<string, { beats: { time: number; is_downbeat: boolean }[]; f1: number | null; discarded: boolean }>;
    alignment: Record<string, number>;
    signals: Record<string, SignalJson>;
    dbn_best: string | null;
    probabilities: number[] | null;
  };
}

export type SignalJson = { status: "ok"; scores: Record<string, number> } | { status: "unavailable"; reason: string };

const meter = (h: { numerator: number; denominator: number }) => `${h.numerator}/${h.denominator}`;

/** One row per file: meter, confidence, alternatives, BPM, tempo category. */
export function resultsTable(rows: { file: string; json: ResultJson }[]): string {
  return table(
    ["file", "meter", "confidence", "alternatives", "BPM", "tempo"],
    rows.map(({ file, json }) => {
      const [best, ...rest] = json.meter_hypotheses;
      return [
        file,
        best ? meter(best) + (best.grouping ? ` (${best.grouping})` : "") + (best.fallback ? " fallback" : "") : "-",
        best ? best.confidence.toFixed(3) : "-",
        rest.length ? rest.slice(0, 3).map((h) => `${meter(h)} ${h.confidence.toFixed(2)}`).join(", ") : "-",
        json.tempo.fallback ? "-" : json.tempo.bpm.toFixed(1),
        json.tempo.tempo_category,
      ];
    }),
  );
}

const score = (x: number | undefined) => (x === undefined ? "." : x.toFixed(2));

/** Rows = signals, columns = the twelve meter keys ("." = no score for that key); unavailable signals say why below. */
export function signalsTable(signals: Record<string, SignalJson>): string {
  const notes: string[] = [];
  const rows = Object.entries(signals).map(([name, s]) => {
    if (s.status === "ok") return [name, ...METER_KEYS.map((k) => score(s.scores[k]))];
    notes.push(`${name}: unavailable (${s.reason})`);
    return [name, ...METER_KEYS.map(() => "n/a")];
  });
  return [table(["signal", ...METER_KEYS], rows), ...notes].join("\n");
}

/** `--verbose` block of one file: trackers with alignment F1, signals, timings. */
export function verboseReport(file: string, json: ResultJson): string {
  const out = [`== ${file}: ${json.duration.toFixed(1)} s, primary tracker ${json.primary_tracker}` +
    (json.cache.fast_path ? " (fast path: nothing decoded)" : json.cache.hit ? " (partly cached)" : "")];
  const d = json.details;
  if (d) {
    const trackerRows = Object.entries(d.trackers).map(([name, t]) => [
      name + (name === json.primary_tracker ? " *" : "") + (name === d.dbn_best ? " (dbn_best)" : ""),
      t.beats.length,
      t.beats.filter((b) => b.is_downbeat).length,
      t.f1 === null ? "-" : t.f1.toFixed(3),
      t.discarded ? "discarded" : t.beats.slice(0, 6).map((b) => `${b.time.toFixed(2)}${b.is_downbeat ? "↓" : ""}`).join(" "),
    ]);
    out.push("trackers (* primary):", table(["tracker", "beats", "downbeats", "align F1", "first beats"], trackerRows));
    out.push("signals:", signalsTable(d.signals));
    if (d.probabilities) out.push(`class probabilities: ${d.probabilities.map((p) => p.toFixed(3)).join(" ")}`);
  }
  const timings = Object.entries(json.timings).map(([stage, ms]) => `${stage} ${ms.toFixed(0)}`);
  out.push(`timings (ms): ${timings.join(", ")}`);
  return out.join("\n");
}

/** `--sections`: one line per section. */
export function sectionsReport(file: string, json: ResultJson): string {
  if (json.sections.length === 0) return `${file}: no sections`;
  const rows = json.sections.map((s) => [
    `${s.start.toFixed(1)}–${s.end.toFixed(1)} s`,
    s.meter ? meter(s.meter) : "-",
    s.meter ? s.meter.confidence.toFixed(3) : "-",
    s.tempo ? s.tempo.bpm.toFixed(1) : "-",
  ]);
  return `${file}: ${json.sections.length} section(s)\n${table(["section", "meter", "confidence", "BPM"], rows)}`;
}
