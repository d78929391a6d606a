/**
 * Labelled files and their targets (reference/pipeline.md §1.3): six classes, soft multi-label
 * targets allowed; the primary meter decides the sampler weight and the eval bucket.
 */
import type { FolderDatasetEntry } from "@tactus/datasets";
import { METER_CLASSES } from "@tactus/signals";

export type Split = "train" | "val" | "test";
export const SPLITS: readonly Split[] = ["train", "val", "test"];
export const N_CLASSES = METER_CLASSES.length;

export interface LabeledFile {
  /** Clip id (file name without extension). */
  id: string;
  path: string;
  /** Dataset the file comes from (its folder name). */
  dataset: string;
  split: Split;
  /** Meter numerator → weight (1 for a one-hot row). Several keys = multi-label (polyrhythmic) row. */
  meters: Record<string, number>;
  /** The expected (primary) meter. */
  primary: number;
}

/** Index of a meter in METER_CLASSES, or −1. */
export function classIndex(meter: number): number {
  return (METER_CLASSES as readonly number[]).indexOf(meter);
}

/** Soft target vector: y[idx(m)] = weight; meters outside the six classes are ignored. */
export function targetsOf(meters: Readonly<Record<string, number>>): Float32Array {
  const y = new Float32Array(N_CLASSES);
  for (const [meter, weight] of Object.entries(meters)) {
    const i = classIndex(Number(meter));
    if (i >= 0) y[i] = weight;
  }
  return y;
}

/**
 * Meters of a folder-dataset row: the optional `meters` column (`3:0.7,4:0.8` or `3,4`) for
 * multi-label rows, else `{meter: 1}`.
 */
export function metersOf(entry: Pick<FolderDatasetEntry, "meter" | "labels">): Record<string, number> {
  const column = entry.labels.meters?.trim();
  if (!column) return { [String(entry.meter)]: 1 };
  const out: Record<string, number> = {};
  for (const part of column.split(",")) {
    const [meter, weight] = part.split(":").map((s) => s.trim());
    const w = weight === undefined ? 1 : Number(weight);
    if (!meter || !Number.isFinite(Number(meter)) || !Number.isFinite(w)) throw new RangeError(`meters column: cannot read "${column}"`);
    out[String(Number(meter))] = w;
  }
  return out;
}

/** Is the row multi-label (more than one meter)? */
export function isMultiLabel(meters: Readonly<Record<string, number>>): boolean {
  return Object.keys(meters).length > 1;
}

/** argmax with ties to the lower index (the reference's "true class" of a soft row). */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}
