/**
 * Class indices over the six meter classes (reference/pipeline.md §1.3) and the argmax of soft
 * target rows. What a labelled file is, its target vector, its "true class" and §6.4 scoring live
 * in `@tactus/datasets` (`DatasetEntry`, `targetVector`, `trueClass`, `isCorrect`); this file only
 * works on the extracted matrices, which carry no entries.
 */
import { METER_CLASSES } from "@tactus/signals";

export const N_CLASSES = METER_CLASSES.length;

/** Index of a meter in METER_CLASSES, or −1. */
export function classIndex(meter: number): number {
  return (METER_CLASSES as readonly number[]).indexOf(meter);
}

/**
 * argmax with ties to the lower index: `trueClass` of `@tactus/datasets` applied to a Y.npy row
 * (which holds `targetVector(entry)`).
 */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}
