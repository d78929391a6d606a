/**
 * The MeterNet feature layout: the single source of truth for the 1630-dim input vector
 * (reference/features.md §1, ARCHITECTURE.md decision 5). Every block builder writes at the
 * offsets read from here, `tactus features --layout` prints {@link formatLayout}, and
 * {@link LAYOUT_ID} (a hash of the whole table) goes into datasets and checkpoints.
 *
 * Lengths are written once, as products of the constants below; offsets are generated from them.
 */
import { METER_CLASSES, METER_KEYS } from "@tactus/signals";

export type Block = "audio" | "ssm" | "beat" | "signal" | "tempo";

/** Blocks in vector order. */
export const BLOCKS: readonly Block[] = ["audio", "ssm", "beat", "signal", "tempo"];

export interface LayoutRow {
  readonly block: Block;
  /** A1…A8, `ssm:<slot>`, `beat:<slot>`, `beat:agreement`, `signal:<name>`, `tempo`. */
  readonly subBlock: string;
  readonly offset: number;
  readonly length: number;
  readonly description: string;
}

// ---------------------------------------------------------------------------------------------
// Audio block (1449) sub-layout, reference/features.md §5. audio-block.ts reads these constants.

/** Base signals of A1 and A7, in order. */
export const AUDIO_SIGNALS = ["onset", "rms", "flux", "chroma"] as const;
/** The four A1 tempos, in order (t1 = strongest tempogram peak, t2 = second). */
export const A1_TEMPOS = ["t1", "t2", "max(30, t1/2)", "clip(1.5·t1, 30, 300)"] as const;
/** Beat multiples sampled per tempo and signal: linspace(0.5, 16, 64). */
export const A1_MULTIPLES = 64;
export const A1_MULTIPLE_RANGE = [0.5, 16] as const;
/** Log-spaced tempogram-profile points from 30 to 300 BPM. */
export const A2_BINS = 64;
export const A2_BPM_RANGE = [30, 300] as const;
export const N_MFCC = 13;
/** spectral_contrast n_bands = 6 gives 7 rows. */
export const N_CONTRAST_ROWS = 7;
export const A5_STATS = ["mean IOI (s)", "std IOI (s)", "median IOI (s)", "onsets per second"] as const;
/** Bar lengths (in beats of t1) of the beat-position histograms. */
export const HISTOGRAM_BAR_LENGTHS = [2, 3, 4, 5, 7, 9, 11] as const;
export const HISTOGRAM_BINS = 32;
/** Beat multiples whose autocorrelation A7 reads. */
export const RATIO_LAGS = [2, 3, 4, 5, 6, 7, 9, 11] as const;
/** (p, q) of the A7 ratios (a_p − a_q)/(a_p + a_q + 1e-8), in order. */
export const RATIO_PAIRS = [
  [3, 4],
  [5, 4],
  [7, 4],
  [3, 2],
  [5, 3],
  [7, 3],
  [5, 7],
  [9, 4],
  [11, 4],
  [9, 7],
  [11, 7],
  [9, 3],
  [11, 3],
] as const;
/** Bar lengths (beats) whose tempogram salience A8 reports. */
export const SALIENCE_METERS = [2, 3, 4, 5, 6, 7, 9, 11, 12] as const;

// ---------------------------------------------------------------------------------------------
// Tracker slots (decision 5): the reference's neural trackers mapped onto ours.

export interface TrackerSlot {
  /** Slot name used in sub-block names (`ssm:<slot>`, `beat:<slot>`). */
  readonly slot: string;
  /** The reference tracker whose columns this slot takes. */
  readonly reference: string;
  /** Registered tracker name(s) feeding the slot. */
  readonly trackers: readonly string[];
  /** Whether the slot's tracker marks downbeats. */
  readonly downbeats: boolean;
  readonly description: string;
}

export const DBN_VARIANTS = ["dbn_bpb3", "dbn_bpb4", "dbn_bpb5", "dbn_bpb7"] as const;

export const TRACKER_SLOTS: readonly TrackerSlot[] = [
  {
    slot: "dbn",
    reference: "BeatNet",
    trackers: ["dbn"],
    downbeats: true,
    description: "bar-pointer DBN with free bar length (reference slot: BeatNet)",
  },
  {
    slot: "multifeature",
    reference: "Beat This!",
    trackers: ["multifeature"],
    downbeats: false,
    description:
      "essentia multi-feature tracker (reference slot: Beat This!); it marks no downbeats, so its downbeat-derived values are 0 by construction",
  },
  {
    slot: "dbn_best",
    reference: "madmom",
    trackers: DBN_VARIANTS,
    downbeats: true,
    description: `the one of ${DBN_VARIANTS.join("/")} whose bar length the DBN's HMM scores highest (log probability per frame; onset alignment only without scores) (reference slot: madmom; deviation: the reference took the best onset-aligned variant)`,
  },
];

/** SSM lags (in beats) of the beat-synchronous chroma self-similarity profile. */
export const SSM_LAGS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
export const SSM_SLOT_LENGTH = 2 * SSM_LAGS.length + 3;
export const BEAT_SLOT_FEATURES = [
  "median IBI/3",
  "IBI std (s)",
  "min(CV, 2)/2",
  "beats per second/10",
  "onset alignment F",
  "downbeat spacing 2",
  "downbeat spacing 3",
  "downbeat spacing 4",
  "downbeat spacing 5",
  "downbeat spacing 6",
  "downbeat spacing 7",
  "min(60/median IBI, 300)/300",
] as const;

/** Signal slots of the signal block, in order (each × the 12 meter keys). */
export const SIGNAL_SLOTS = [
  { name: "spacing:dbn", reference: "beatnet", description: "downbeat spacing of the dbn slot's beats" },
  {
    name: "spacing:dbn_best",
    reference: "beat_this",
    description:
      "downbeat spacing of the dbn_best slot's beats (deviation: the reference used Beat This!, whose slot tracker here has no downbeats)",
  },
  { name: "autocorr", reference: "autocorr", description: "onset-envelope autocorrelation at bar lags" },
  { name: "bar_tracking", reference: "bar_tracking", description: "per-bar-length DBN bar-tracking likelihoods" },
  { name: "hcdf", reference: "hcdf", description: "harmonic change (HCDF) autocorrelation at bar lags" },
] as const;

export const TEMPO_FEATURES = ["min(lib, 300)/300", "min(tg, 300)/300", "lib/tg", "1 − |lib − tg|/max(lib, tg)"] as const;

// ---------------------------------------------------------------------------------------------
// The table.

interface RowSpec {
  block: Block;
  subBlock: string;
  length: number;
  description: string;
  /** One short label per column, in order. */
  columns: () => string[];
}

const fmt = (x: number) => Number(x.toFixed(3)).toString();

function linspace(lo: number, hi: number, n: number): number[] {
  const step = (hi - lo) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + i * step));
}

/** The A1 beat multiples m_k, numpy.linspace(0.5, 16, 64). */
export const A1_MULTIPLE_VALUES: readonly number[] = linspace(A1_MULTIPLE_RANGE[0], A1_MULTIPLE_RANGE[1], A1_MULTIPLES);
/** The A2 tempi, numpy.logspace(log10 30, log10 300, 64). */
export const A2_BPM_VALUES: readonly number[] = linspace(Math.log10(A2_BPM_RANGE[0]), Math.log10(A2_BPM_RANGE[1]), A2_BINS).map(
  (e) => 10 ** e,
);

const keyList = METER_KEYS.join(" ");

const ROW_SPECS: readonly RowSpec[] = [
  {
    block: "audio",
    subBlock: "A1",
    length: A1_TEMPOS.length * AUDIO_SIGNALS.length * A1_MULTIPLES,
    description: `autocorrelation window-max at tempo-relative lags: 4 tempos [${A1_TEMPOS.join(", ")}] × 4 signals [${AUDIO_SIGNALS.join(", ")}] × 64 beat multiples linspace(0.5, 16); index t·256 + s·64 + k`,
    columns: () =>
      A1_TEMPOS.flatMap((t) => AUDIO_SIGNALS.flatMap((s) => A1_MULTIPLE_VALUES.map((m) => `${t} ${s} ×${fmt(m)}`))),
  },
  {
    block: "audio",
    subBlock: "A2",
    length: A2_BINS,
    description: "mean-tempogram window-max at 64 log-spaced tempi 30…300 BPM, max-normalised",
    columns: () => A2_BPM_VALUES.map((b) => `tempogram ${fmt(b)} BPM`),
  },
  {
    block: "audio",
    subBlock: "A3",
    length: 2 * N_MFCC,
    description: "MFCC c0…c12 (128-band dB-mel, shared with the onset envelope): 13 means, then 13 population stds",
    columns: () => ["mean", "std"].flatMap((stat) => Array.from({ length: N_MFCC }, (_, k) => `mfcc c${k} ${stat}`)),
  },
  {
    block: "audio",
    subBlock: "A4",
    length: 2 * N_CONTRAST_ROWS,
    description: "spectral contrast (6 octave bands from 200 Hz + top): 7 means, then 7 population stds",
    columns: () =>
      ["mean", "std"].flatMap((stat) => Array.from({ length: N_CONTRAST_ROWS }, (_, k) => `contrast band ${k} ${stat}`)),
  },
  {
    block: "audio",
    subBlock: "A5",
    length: A5_STATS.length,
    description: `onset-rate statistics [${A5_STATS.join(", ")}]; 0 with fewer than 3 onsets`,
    columns: () => A5_STATS.map((s) => `onsets ${s}`),
  },
  {
    block: "audio",
    subBlock: "A6",
    length: HISTOGRAM_BAR_LENGTHS.length * HISTOGRAM_BINS,
    description: `beat-position histograms: bar lengths [${HISTOGRAM_BAR_LENGTHS.join(",")}] × 32 phase bins of onset time mod (n·60/t1), phase 0 = clip start, weighted by raw onset strength, max-normalised; index b·32 + bin`,
    columns: () => HISTOGRAM_BAR_LENGTHS.flatMap((n) => Array.from({ length: HISTOGRAM_BINS }, (_, b) => `bar ${n} bin ${b}`)),
  },
  {
    block: "audio",
    subBlock: "A7",
    length: AUDIO_SIGNALS.length * (RATIO_LAGS.length + RATIO_PAIRS.length),
    description: `autocorrelation at n·beat(t1), n ∈ [${RATIO_LAGS.join(",")}], then 13 ratios (a_p − a_q)/(a_p + a_q + 1e-8); per signal [${AUDIO_SIGNALS.join(", ")}]; index s·21 + j`,
    columns: () =>
      AUDIO_SIGNALS.flatMap((s) => [
        ...RATIO_LAGS.map((n) => `${s} acf ${n} beats`),
        ...RATIO_PAIRS.map(([p, q]) => `${s} ratio ${p}:${q}`),
      ]),
  },
  {
    block: "audio",
    subBlock: "A8",
    length: SALIENCE_METERS.length,
    description: `tempogram salience of bar lengths [${SALIENCE_METERS.join(",")}] beats, best over 60…200 BPM step 2, max-normalised`,
    columns: () => SALIENCE_METERS.map((m) => `salience ${m}`),
  },
  ...TRACKER_SLOTS.map(
    (t): RowSpec => ({
      block: "ssm",
      subBlock: `ssm:${t.slot}`,
      length: SSM_SLOT_LENGTH,
      description: `${t.description}. Beat-synchronous chroma SSM: similarity at lags 2…12 beats (11), the same max-normalised (11), (peak lag)/12, peak height, entropy (bits); 0 with < 4 beats`,
      columns: () => [
        ...SSM_LAGS.map((l) => `${t.slot} ssm lag ${l}`),
        ...SSM_LAGS.map((l) => `${t.slot} ssm lag ${l} norm`),
        `${t.slot} ssm peak lag`,
        `${t.slot} ssm peak height`,
        `${t.slot} ssm entropy`,
      ],
    }),
  ),
  ...TRACKER_SLOTS.map(
    (t): RowSpec => ({
      block: "beat",
      subBlock: `beat:${t.slot}`,
      length: BEAT_SLOT_FEATURES.length,
      description: `${t.description}. Beat statistics [${BEAT_SLOT_FEATURES.join("; ")}]; 0 with < 3 beats`,
      columns: () => BEAT_SLOT_FEATURES.map((f) => `${t.slot} ${f}`),
    }),
  ),
  {
    block: "beat",
    subBlock: "beat:agreement",
    length: METER_CLASSES.length,
    description: `share of the slot trackers whose dominant downbeat spacing is ${METER_CLASSES.join("/")}; 0 unless ≥ 2 trackers have one (multifeature never does)`,
    columns: () => METER_CLASSES.map((m) => `agreement ${m}`),
  },
  ...SIGNAL_SLOTS.map(
    (s): RowSpec => ({
      block: "signal",
      subBlock: `signal:${s.name}`,
      length: METER_KEYS.length,
      description: `${s.description} (reference column group: ${s.reference}); score per meter key [${keyList}], 0 when absent`,
      columns: () => METER_KEYS.map((k) => `${s.name} ${k}`),
    }),
  ),
  {
    block: "tempo",
    subBlock: "tempo",
    length: TEMPO_FEATURES.length,
    description: `librosa-style (lib) and tempogram-argmax (tg) tempi: [${TEMPO_FEATURES.join(", ")}]`,
    columns: () => TEMPO_FEATURES.map((f) => `tempo ${f}`),
  },
];

function buildRows(): LayoutRow[] {
  let offset = 0;
  return ROW_SPECS.map((spec) => {
    const row: LayoutRow = {
      block: spec.block,
      subBlock: spec.subBlock,
      offset,
      length: spec.length,
      description: spec.description,
    };
    offset += spec.length;
    return Object.freeze(row);
  });
}

function buildColumns(): string[] {
  const out: string[] = [];
  for (const spec of ROW_SPECS) {
    const columns = spec.columns();
    if (columns.length !== spec.length) {
      throw new Error(`layout row ${spec.subBlock}: ${columns.length} column labels for length ${spec.length}`);
    }
    out.push(...columns);
  }
  return out;
}

const ROWS: readonly LayoutRow[] = Object.freeze(buildRows());
const COLUMNS: readonly string[] = Object.freeze(buildColumns());

/** Total length of the MeterNet input vector. */
export const FEATURE_LENGTH: number = COLUMNS.length;

/** The layout rows in vector order (frozen). */
export function layoutRows(): readonly LayoutRow[] {
  return ROWS;
}

/** One short label per vector index (length {@link FEATURE_LENGTH}), e.g. "t1 onset ×0.5". */
export function columnLabels(): readonly string[] {
  return COLUMNS;
}

/** The row holding a sub-block; throws for an unknown name. */
export function subBlockRange(subBlock: string): LayoutRow {
  const row = ROWS.find((r) => r.subBlock === subBlock);
  if (row === undefined) throw new RangeError(`unknown feature sub-block "${subBlock}"`);
  return row;
}

/** [offset, offset + length) of a whole block. */
export function blockRange(block: Block): { offset: number; length: number } {
  const rows = ROWS.filter((r) => r.block === block);
  const offset = rows[0].offset;
  const last = rows[rows.length - 1];
  return { offset, length: last.offset + last.length - offset };
}

export const AUDIO_BLOCK = blockRange("audio");
export const SSM_BLOCK = blockRange("ssm");
export const BEAT_BLOCK = blockRange("beat");
export const SIGNAL_BLOCK = blockRange("signal");
export const TEMPO_BLOCK = blockRange("tempo");

/** The row containing vector index `index`. */
export function rowAt(index: number): LayoutRow {
  const row = ROWS.find((r) => index >= r.offset && index < r.offset + r.length);
  if (row === undefined) throw new RangeError(`feature index ${index} is outside [0, ${FEATURE_LENGTH})`);
  return row;
}

/** FNV-1a (32-bit) over UTF-16 code units: deterministic, dependency-free, enough to tell layouts apart. */
export function layoutHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Identifies this exact table (rows and column labels); changes whenever any of it does. */
export const LAYOUT_ID = `tactus-mn-${layoutHash(JSON.stringify({ rows: ROWS, columns: COLUMNS }))}`;

export interface FormatLayoutOptions {
  /** Also list every column label under its row. Default false. */
  columns?: boolean;
}

/** A plain-text table of the layout, for `tactus features --layout`. */
export function formatLayout(options: FormatLayoutOptions = {}): string {
  const header = ["block", "sub-block", "range", "length", "description"];
  const body = ROWS.map((r) => [r.block, r.subBlock, `[${r.offset}, ${r.offset + r.length})`, String(r.length), r.description]);
  const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 4 ? (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])) : c))
      .join("  ")
      .trimEnd();
  const lines = [`MeterNet feature layout ${LAYOUT_ID}: ${FEATURE_LENGTH} values`, "", line(header)];
  lines.push(line(widths.map((w) => "-".repeat(w)).concat("-----------")));
  body.forEach((cells, i) => {
    lines.push(line(cells));
    if (options.columns) {
      const r = ROWS[i];
      for (let k = 0; k < r.length; k++) lines.push(`    ${String(r.offset + k).padStart(4)}  ${COLUMNS[r.offset + k]}`);
    }
  });
  return lines.join("\n");
}
