/**
 * The analysis overview: three stacked panels — onset envelope with beats and downbeats, tempo
 * curve against the global BPM (both on one time axis), and meter probabilities as bars.
 */
import { el, group, linear, num, svgDocument, text, textWidth, ticks } from "./svg.js";

export interface PlotBeat {
  timeSec: number;
  isDownbeat: boolean;
}

export interface PlotTempoPoint {
  timeSec: number;
  bpm: number;
}

export interface PlotMeterProbability {
  /** "7/8", "4/x", "3" … whatever the caller ranks. */
  label: string;
  /** In [0, 1]. */
  probability: number;
}

export interface PlotSection {
  startSec: number;
  endSec: number;
  /** Short text drawn in the band, e.g. "3/4 · 96 BPM". */
  label?: string;
}

export interface AnalysisPlotInput {
  title: string;
  durationSec: number;
  /** Onset envelope (or a waveform envelope), any scale, `fps` values per second from t = 0. */
  envelope?: { values: Float32Array | readonly number[]; fps: number };
  beats: readonly PlotBeat[];
  tempoCurve?: readonly PlotTempoPoint[];
  /** The global tempo, drawn dashed over the curve (non-finite or ≤ 0: none). */
  bpm: number;
  meterProbabilities: readonly PlotMeterProbability[];
  /** Label of the chosen meter (highlighted); default: the most probable. */
  topMeter?: string;
  sections?: readonly PlotSection[];
  /** Where the downbeats come from when not from the beats' own tracker, e.g. "dbn_bpb5" (shown in the legend). */
  downbeatSource?: string;
}

export interface AnalysisPlotOptions {
  /** Default 1000. */
  width?: number;
  /** Default 600. */
  height?: number;
}

const COLORS = {
  axis: "#444444",
  grid: "#e6e6e6",
  envelope: "#9ecae1",
  envelopeLine: "#3182bd",
  beat: "#6b6b6b",
  downbeat: "#c0392b",
  tempo: "#2c7fb8",
  bpm: "#e67e22",
  bar: "#bdbdbd",
  barTop: "#2c7fb8",
  section: ["#f4f4f4", "#fbfbfb"],
  muted: "#888888",
} as const;

const finite = (x: number) => Number.isFinite(x);

/** The input with non-finite values dropped or zeroed, so no NaN reaches the SVG. */
function clean(input: AnalysisPlotInput) {
  const lastBeat = Math.max(0, ...input.beats.map((b) => b.timeSec).filter(finite));
  const durationSec = finite(input.durationSec) && input.durationSec > 0 ? input.durationSec : Math.max(1, lastBeat);
  const env = input.envelope;
  return {
    durationSec,
    envelope:
      env && env.values.length > 0 && finite(env.fps) && env.fps > 0
        ? { values: Array.from(env.values, (v) => (finite(v) ? v : 0)), fps: env.fps }
        : undefined,
    beats: input.beats.filter((b) => finite(b.timeSec) && b.timeSec >= 0 && b.timeSec <= durationSec),
    tempoCurve: (input.tempoCurve ?? []).filter((p) => finite(p.timeSec) && finite(p.bpm) && p.bpm > 0),
    bpm: finite(input.bpm) && input.bpm > 0 ? input.bpm : null,
    meters: input.meterProbabilities.map((m) => ({
      label: m.label,
      probability: finite(m.probability) ? Math.min(1, Math.max(0, m.probability)) : 0,
    })),
    sections: (input.sections ?? []).filter((s) => finite(s.startSec) && finite(s.endSec) && s.endSec > s.startSec),
    downbeatSource: input.downbeatSource,
  };
}

/** The envelope reduced to one maximum per pixel column (keeps peaks at any zoom). */
function envelopeColumns(values: readonly number[], fps: number, durationSec: number, columns: number): number[] {
  const out = new Array<number>(columns).fill(0);
  const n = Math.min(values.length, Math.ceil(durationSec * fps));
  for (let i = 0; i < n; i++) {
    const c = Math.min(columns - 1, Math.floor(((i / fps) / durationSec) * columns));
    if (values[i]! > out[c]!) out[c] = values[i]!;
  }
  return out;
}

interface LegendItem {
  label: string;
  color: string;
  strokeWidth: number;
  dash?: string;
}

/** Legend entries (a line sample and a label each) right-aligned on a panel's caption line. */
function legend(right: number, y: number, items: readonly LegendItem[]): string[] {
  const out: string[] = [];
  let x = right;
  for (const item of [...items].reverse()) {
    x -= textWidth(item.label, 11);
    out.push(text(x, y, item.label, { "font-size": 11, fill: COLORS.axis }));
    x -= 26;
    out.push(el("line", { x1: x, y1: y - 4, x2: x + 20, y2: y - 4, stroke: item.color, "stroke-width": item.strokeWidth, "stroke-dasharray": item.dash }));
    x -= 14;
  }
  return out;
}

/** SVG of the analysis overview (default 1000×600). Same input, same bytes. */
export function analysisPlot(input: AnalysisPlotInput, options: AnalysisPlotOptions = {}): string {
  const width = options.width ?? 1000;
  const height = options.height ?? 600;
  const d = clean(input);

  const left = 70;
  const right = width - 30;
  const plotW = right - left;
  // Vertical layout as fractions of the height, so other sizes keep the proportions.
  const H = (f: number) => Math.round(height * f);
  const p1 = { top: H(0.115), bottom: H(0.4) };
  const p2 = { top: H(0.47), bottom: H(0.65) };
  const axisY = p2.bottom;
  const p3 = { top: H(0.765), bottom: H(0.94) };
  const x = linear(0, d.durationSec, left, right);
  const time = ticks(0, d.durationSec, Math.max(2, Math.floor(plotW / 70)));

  const body: string[] = [];
  const topLabel = d.meters.length
    ? (d.meters.find((m) => m.label === input.topMeter) ?? [...d.meters].sort((a, b) => b.probability - a.probability)[0]!).label
    : null;
  const summary = [
    topLabel ? `meter ${topLabel}` : null,
    d.bpm ? `${d.bpm.toFixed(1)} BPM` : null,
    `${d.durationSec.toFixed(1)} s`,
    `${d.beats.length} beats`,
  ]
    .filter((s) => s !== null)
    .join("  ·  ");
  // A long title is shortened to leave room for the summary; the full one stays in <title>.
  const titleRoom = plotW - textWidth(summary, 12) - 24;
  body.push(text(left, H(0.05), fitText(input.title, 18 * 1.05, titleRoom), { "font-size": 18, "font-weight": "bold", fill: "#222222" }));
  body.push(text(right, H(0.05), summary, { "font-size": 12, fill: COLORS.axis, "text-anchor": "end" }));

  // Time grid through both time panels (shared axis).
  const grid = time.values.flatMap((t) => [
    el("line", { x1: x(t), y1: p1.top, x2: x(t), y2: p1.bottom, stroke: COLORS.grid }),
    el("line", { x1: x(t), y1: p2.top, x2: x(t), y2: p2.bottom, stroke: COLORS.grid }),
  ]);
  body.push(group({ class: "time-grid" }, grid));

  body.push(...envelopePanel(d, p1, left, right, x, H(0.095)));
  body.push(...tempoPanel(d, p2, left, right, x, H(0.455)));

  // Shared time axis under the tempo panel.
  const axis = [el("line", { x1: left, y1: axisY, x2: right, y2: axisY, stroke: COLORS.axis })];
  for (const t of time.values) {
    axis.push(el("line", { x1: x(t), y1: axisY, x2: x(t), y2: axisY + 5, stroke: COLORS.axis }));
    axis.push(text(x(t), axisY + 18, t.toFixed(time.digits), { "text-anchor": "middle", fill: COLORS.axis }));
  }
  axis.push(text((left + right) / 2, axisY + 36, "time (s)", { "text-anchor": "middle", fill: COLORS.axis }));
  body.push(group({ class: "time-axis" }, axis));

  body.push(...meterPanel(d.meters, topLabel, p3, left, right, H(0.75)));
  return svgDocument(width, height, input.title, body);
}

/** `label`, cut with "…" where it would be wider than `room` pixels. */
function fitText(label: string, fontSize: number, room: number): string {
  if (textWidth(label, fontSize) <= room) return label;
  const chars = Math.max(1, Math.floor(room / (fontSize * 0.6)) - 1);
  return `${[...label].slice(0, chars).join("").trimEnd()}…`;
}

type Clean = ReturnType<typeof clean>;
type Band = { top: number; bottom: number };

function caption(x: number, y: number, label: string): string {
  return text(x, y, label, { "font-size": 13, "font-weight": "bold", fill: "#333333" });
}

function envelopePanel(d: Clean, p: Band, left: number, right: number, x: (t: number) => number, captionY: number): string[] {
  const out: string[] = [];
  // Sections as alternating bands behind everything else, labelled when there is room.
  d.sections.forEach((s, i) => {
    const x0 = x(Math.max(0, s.startSec));
    const x1 = x(Math.min(d.durationSec, s.endSec));
    if (x1 <= x0) return;
    out.push(el("rect", { class: "section", x: x0, y: p.top, width: x1 - x0, height: p.bottom - p.top, fill: COLORS.section[i % 2] }));
    if (i > 0) out.push(el("line", { x1: x0, y1: p.top, x2: x0, y2: p.bottom, stroke: COLORS.muted, "stroke-dasharray": "2 3" }));
    if (s.label && textWidth(s.label, 11) + 8 < x1 - x0) out.push(text(x0 + 4, p.top + 12, s.label, { "font-size": 11, fill: "#555555" }));
  });

  out.push(caption(left, captionY, d.envelope ? "Onset envelope, beats and downbeats" : "Beats and downbeats (no envelope)"));
  out.push(
    ...legend(right, captionY, [
      ...(d.envelope ? [{ label: "onset strength", color: COLORS.envelope, strokeWidth: 8 }] : []),
      { label: "beat", color: COLORS.beat, strokeWidth: 1.2 },
      { label: d.downbeatSource ? `downbeat (${d.downbeatSource})` : "downbeat", color: COLORS.downbeat, strokeWidth: 2.5 },
    ]),
  );

  // Top to bottom: a strip for section labels (when any), a rail of beat ticks, the envelope —
  // beats sit on onset peaks, so ticks drawn over the envelope would vanish into it.
  const stripBottom = p.top + (d.sections.some((s) => s.label) ? 16 : 0);
  const railBottom = stripBottom + Math.max(10, (p.bottom - p.top) * 0.14);
  const envTop = railBottom + 4;
  if (d.envelope) {
    const columns = Math.max(1, Math.round(right - left));
    const cols = envelopeColumns(d.envelope.values, d.envelope.fps, d.durationSec, columns);
    const max = Math.max(...cols);
    const y = linear(0, max > 0 ? max : 1, p.bottom, envTop);
    const step = (right - left) / columns;
    const points = cols.map((v, i) => `${num(left + (i + 0.5) * step)},${num(y(v))}`);
    out.push(el("path", {
      class: "envelope",
      d: `M${num(left)},${num(p.bottom)} L${points.join(" L")} L${num(right)},${num(p.bottom)} Z`,
      fill: COLORS.envelope,
      stroke: COLORS.envelopeLine,
      "stroke-width": 0.8,
    }));
  }

  // One line per beat: a tick on the rail for beats, a heavy line through the envelope for downbeats.
  // Without an envelope the ticks stand on the time axis instead.
  const [tickTop, tickBottom] = d.envelope ? [stripBottom + 2, railBottom] : [p.bottom - (p.bottom - p.top) * 0.35, p.bottom];
  const lines = d.beats.map((b) =>
    b.isDownbeat
      ? el("line", { class: "downbeat", x1: x(b.timeSec), y1: stripBottom, x2: x(b.timeSec), y2: p.bottom, stroke: COLORS.downbeat, "stroke-width": 2 })
      : el("line", { class: "beat", x1: x(b.timeSec), y1: tickTop, x2: x(b.timeSec), y2: tickBottom, stroke: COLORS.beat, "stroke-width": 1.5 }),
  );
  out.push(group({ class: "beats" }, lines));
  if (d.beats.length === 0) out.push(text((left + right) / 2, (p.top + p.bottom) / 2, "no beats", { "text-anchor": "middle", fill: COLORS.muted }));

  out.push(el("rect", { x: left, y: p.top, width: right - left, height: p.bottom - p.top, fill: "none", stroke: COLORS.axis }));
  out.push(text(left - 10, (p.top + p.bottom) / 2, d.envelope ? "strength" : "beats", {
    "text-anchor": "middle",
    transform: `rotate(-90 ${num(left - 10)} ${num((p.top + p.bottom) / 2)})`,
    fill: COLORS.axis,
  }));
  return out;
}

function tempoPanel(d: Clean, p: Band, left: number, right: number, x: (t: number) => number, captionY: number): string[] {
  const out: string[] = [];
  const values = [...d.tempoCurve.map((q) => q.bpm), ...(d.bpm ? [d.bpm] : [])];
  const lo = values.length ? Math.min(...values) : 60;
  const hi = values.length ? Math.max(...values) : 180;
  // At least ±5 BPM around the data so a steady tempo is a flat line in the middle, not noise.
  const pad = Math.max(5, (hi - lo) * 0.15);
  const yTicks = ticks(Math.max(0, lo - pad), hi + pad, 4);
  const y0 = yTicks.values[0] ?? lo - pad;
  const y1 = yTicks.values[yTicks.values.length - 1] ?? hi + pad;
  const y = linear(Math.min(y0, lo - pad), Math.max(y1, hi + pad), p.bottom, p.top);

  out.push(caption(left, captionY, "Tempo"));
  out.push(
    ...legend(right, captionY, [
      { label: "tempo curve", color: COLORS.tempo, strokeWidth: 2 },
      { label: d.bpm ? `global ${d.bpm.toFixed(1)} BPM` : "no global tempo", color: COLORS.bpm, strokeWidth: 2, dash: "6 4" },
    ]),
  );
  for (const v of yTicks.values) {
    if (y(v) < p.top - 0.5 || y(v) > p.bottom + 0.5) continue;
    out.push(el("line", { x1: left, y1: y(v), x2: right, y2: y(v), stroke: COLORS.grid }));
    out.push(el("line", { x1: left - 5, y1: y(v), x2: left, y2: y(v), stroke: COLORS.axis }));
    out.push(text(left - 8, y(v) + 4, v.toFixed(yTicks.digits), { "text-anchor": "end", fill: COLORS.axis }));
  }
  if (d.bpm) {
    out.push(el("line", { class: "global-bpm", x1: left, y1: y(d.bpm), x2: right, y2: y(d.bpm), stroke: COLORS.bpm, "stroke-width": 2, "stroke-dasharray": "6 4" }));
  }
  const curve = [...d.tempoCurve].filter((q) => q.timeSec >= 0 && q.timeSec <= d.durationSec).sort((a, b) => a.timeSec - b.timeSec);
  if (curve.length > 0) {
    const pts = curve.map((q) => `${num(x(q.timeSec))},${num(y(q.bpm))}`);
    out.push(el("path", { class: "tempo-curve", d: `M${pts.join(" L")}`, fill: "none", stroke: COLORS.tempo, "stroke-width": 2 }));
    // Dots when sparse, so a 2-point curve still reads as measurements.
    if (curve.length <= 40) for (const q of curve) out.push(el("circle", { cx: x(q.timeSec), cy: y(q.bpm), r: 2.5, fill: COLORS.tempo }));
  } else {
    out.push(text((left + right) / 2, p.top + 16, "no tempo curve", { "text-anchor": "middle", fill: COLORS.muted }));
  }
  out.push(el("rect", { x: left, y: p.top, width: right - left, height: p.bottom - p.top, fill: "none", stroke: COLORS.axis }));
  const mid = (p.top + p.bottom) / 2;
  out.push(text(left - 48, mid, "tempo (BPM)", { "text-anchor": "middle", transform: `rotate(-90 ${num(left - 48)} ${num(mid)})`, fill: COLORS.axis }));
  return out;
}

function meterPanel(
  meters: readonly { label: string; probability: number }[],
  topLabel: string | null,
  p: Band,
  left: number,
  right: number,
  captionY: number,
): string[] {
  const out: string[] = [caption(left, captionY, "Meter probabilities")];
  if (meters.length === 0) {
    out.push(text(left, p.top + 16, "no meter estimate", { fill: COLORS.muted }));
    return out;
  }
  const valueRoom = 50; // "1.000" right of a full bar
  // Label column as wide as the longest label needs (groupings such as "7/8 (2+2+3)" are long).
  const barX = Math.max(left + 24, 24 + Math.max(...meters.map((m) => textWidth(m.label, 13))));
  const barW = right - valueRoom - barX;
  const slot = (p.bottom - p.top) / meters.length;
  const barH = Math.max(4, Math.min(22, slot * 0.75));
  const fontSize = Math.max(8, Math.min(12, barH));
  // Faint gridlines at 0, 0.25 … 1 so bar lengths can be read against a scale.
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    const gx = barX + g * barW;
    out.push(el("line", { x1: gx, y1: p.top, x2: gx, y2: p.bottom, stroke: COLORS.grid }));
    out.push(text(gx, p.bottom + 14, g.toFixed(2), { "text-anchor": "middle", "font-size": 10, fill: COLORS.muted }));
  }
  out.push(text(barX - 20, p.bottom + 14, "probability", { "text-anchor": "end", "font-size": 10, fill: COLORS.muted }));
  meters.forEach((m, i) => {
    const top = m.label === topLabel;
    const cy = p.top + slot * (i + 0.5);
    const w = m.probability * barW;
    out.push(el("rect", {
      class: top ? "bar top" : "bar",
      x: barX,
      y: cy - barH / 2,
      width: w,
      height: barH,
      fill: top ? COLORS.barTop : COLORS.bar,
      "data-probability": m.probability.toFixed(4),
    }));
    out.push(text(barX - 8, cy + fontSize * 0.35, m.label, {
      "text-anchor": "end",
      "font-size": fontSize,
      "font-weight": top ? "bold" : undefined,
      fill: "#222222",
    }));
    out.push(text(barX + w + 6, cy + fontSize * 0.35, m.probability.toFixed(3), {
      "font-size": fontSize,
      "font-weight": top ? "bold" : undefined,
      fill: "#222222",
    }));
  });
  out.push(el("line", { x1: barX, y1: p.top, x2: barX, y2: p.bottom, stroke: COLORS.axis }));
  return out;
}

