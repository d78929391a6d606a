import { METER_KEYS, type MeterScores } from "@tactus/signals";
import { SIGNAL_BLOCK, SIGNAL_SLOTS } from "./layout.js";

/** Scores by signal slot name (layout SIGNAL_SLOTS); absent or {} → zeros. */
export type ScoresBySlot = Readonly<Record<string, MeterScores | undefined>>;

const SLOT_NAMES: ReadonlySet<string> = new Set(SIGNAL_SLOTS.map((s) => s.name));

/**
 * The 60-value signal block: for each slot of the layout (in its order) the score of each of the
 * twelve meter keys, 0 when the slot or key is missing. Names that are not slots are refused
 * (a typo would otherwise silently give zeros); non-finite scores are refused.
 */
export function signalBlock(scoresByName: ScoresBySlot): Float32Array {
  for (const name of Object.keys(scoresByName)) {
    if (!SLOT_NAMES.has(name)) {
      throw new RangeError(`signal block: "${name}" is not a signal slot (slots: ${[...SLOT_NAMES].join(", ")})`);
    }
  }
  const out = new Float32Array(SIGNAL_BLOCK.length);
  SIGNAL_SLOTS.forEach((slot, s) => {
    const scores = scoresByName[slot.name] ?? {};
    METER_KEYS.forEach((key, k) => {
      const v = scores[key] ?? 0;
      if (!Number.isFinite(v)) throw new RangeError(`signal block: ${slot.name} ${key} is ${v}`);
      out[s * METER_KEYS.length + k] = v;
    });
  });
  return out;
}
