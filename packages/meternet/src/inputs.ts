/**
 * What each model reads: its input length and a layout id that changes whenever the meaning of
 * a column does. Checkpoints store both; loading refuses a checkpoint whose values differ.
 */
import { AUDIO_BLOCK, columnLabels, FEATURE_LENGTH, LAYOUT_ID, layoutHash, layoutRows, SIGNAL_SLOTS } from "@tactus/features";
import { METER_KEYS, type MeterScores, onsetMlpSignal, scoresToVector } from "@tactus/signals";

/** The three model kinds (ARCHITECTURE.md: MeterNet, the arbiter-era Arbiter, the onset-MLP signal). */
export const MODEL_KINDS = ["meternet", "arbiter", "onset-mlp"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export function isModelKind(value: unknown): value is ModelKind {
  return typeof value === "string" && (MODEL_KINDS as readonly string[]).includes(value);
}

/**
 * Signals the Arbiter reads, in input order: the feature vector's signal slots, then the
 * onset-MLP signal (6 signals × 12 meter keys = 72 inputs).
 */
export const ARBITER_SIGNALS: readonly string[] = [...SIGNAL_SLOTS.map((s) => s.name), onsetMlpSignal.name];

export interface InputLayout {
  readonly id: string;
  readonly length: number;
}

const AUDIO_LAYOUT: InputLayout = {
  id: `tactus-audio-${layoutHash(
    JSON.stringify({
      rows: layoutRows().filter((r) => r.block === "audio"),
      columns: columnLabels().slice(AUDIO_BLOCK.offset, AUDIO_BLOCK.offset + AUDIO_BLOCK.length),
    }),
  )}`,
  length: AUDIO_BLOCK.length,
};

const ARBITER_LAYOUT: InputLayout = {
  id: `tactus-arbiter-${layoutHash(JSON.stringify({ signals: ARBITER_SIGNALS, keys: METER_KEYS }))}`,
  length: ARBITER_SIGNALS.length * METER_KEYS.length,
};

const LAYOUTS: Record<ModelKind, InputLayout> = {
  meternet: { id: LAYOUT_ID, length: FEATURE_LENGTH },
  arbiter: ARBITER_LAYOUT,
  "onset-mlp": AUDIO_LAYOUT,
};

/** The current input layout of a model kind. */
export function inputLayout(kind: ModelKind): InputLayout {
  return LAYOUTS[kind];
}

/**
 * The Arbiter's input row: each of {@link ARBITER_SIGNALS}' scores in METER_KEYS order
 * (a missing signal or key is 0).
 */
export function arbiterInput(scoresBySignal: Readonly<Record<string, MeterScores>>): Float32Array {
  const out = new Float32Array(ARBITER_LAYOUT.length);
  ARBITER_SIGNALS.forEach((name, s) => {
    out.set(scoresToVector(scoresBySignal[name] ?? {}), s * METER_KEYS.length);
  });
  return out;
}
