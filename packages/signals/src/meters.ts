/**
 * The single source of truth for meter keys (signal outputs) and meter classes (model outputs).
 * ARCHITECTURE.md decision 6.
 */

export const METERS_SOURCE = import.meta.url;

/** The twelve signal keys, in the order the feature vector's signal block uses them. */
export const METER_KEYS = [
  "2/4",
  "3/4",
  "4/4",
  "5/4",
  "5/8",
  "6/8",
  "7/4",
  "7/8",
  "9/8",
  "10/8",
  "11/8",
  "12/8",
] as const;

export type MeterKey = (typeof METER_KEYS)[number];

/** Numerators MeterNet predicts (independent sigmoid outputs). */
export const METER_CLASSES = [3, 4, 5, 7, 9, 11] as const;

export type MeterClass = (typeof METER_CLASSES)[number];

/** A signal's opinion: score per meter key. An empty object means "no opinion". */
export type MeterScores = Partial<Record<MeterKey, number>>;

const METER_KEY_SET: ReadonlySet<string> = new Set(METER_KEYS);

/** True when `key` is one of the twelve meter keys. */
export function isMeterKey(key: string): key is MeterKey {
  return METER_KEY_SET.has(key);
}

/** Builds "num/den"; returns undefined for a pair outside the twelve keys. */
export function meterKey(numerator: number, denominator: number): MeterKey | undefined {
  const key = `${numerator}/${denominator}`;
  return isMeterKey(key) ? key : undefined;
}

/** Numerator and denominator of a key. */
export function parseMeterKey(key: MeterKey): { numerator: number; denominator: number } {
  const [num, den] = key.split("/");
  return { numerator: Number(num), denominator: Number(den) };
}

/** Scores as a dense vector in METER_KEYS order (missing keys → 0). */
export function scoresToVector(scores: MeterScores): Float64Array {
  const out = new Float64Array(METER_KEYS.length);
  METER_KEYS.forEach((key, i) => {
    out[i] = scores[key] ?? 0;
  });
  return out;
}
