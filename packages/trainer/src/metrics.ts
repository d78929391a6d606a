/** Accuracy, per-class counts, balanced accuracy and the confusion matrix over METER_CLASSES. */
import { METER_CLASSES } from "@tactus/signals";
import { argmax, classIndex, N_CLASSES } from "./labels.js";

export interface ClassCount {
  correct: number;
  total: number;
}

export interface ClassMetrics {
  correct: number;
  total: number;
  /** Fraction in [0, 1]. */
  accuracy: number;
  /** Mean over the classes present of the per-class accuracy (fraction). */
  balancedAccuracy: number;
  /** By meter ("3", "4" …), classes present only. */
  perClass: Record<string, ClassCount>;
}

/** Metrics from (expected class index, correct?) pairs. */
export function classMetrics(outcomes: Iterable<{ expected: number; ok: boolean }>): ClassMetrics {
  const counts = METER_CLASSES.map(() => ({ correct: 0, total: 0 }));
  for (const { expected, ok } of outcomes) {
    const c = counts[expected];
    if (!c) continue;
    c.total++;
    if (ok) c.correct++;
  }
  const present = counts.filter((c) => c.total > 0);
  const correct = present.reduce((s, c) => s + c.correct, 0);
  const total = present.reduce((s, c) => s + c.total, 0);
  const perClass: Record<string, ClassCount> = {};
  METER_CLASSES.forEach((m, i) => {
    if (counts[i]!.total > 0) perClass[String(m)] = counts[i]!;
  });
  return {
    correct,
    total,
    accuracy: total ? correct / total : 0,
    balancedAccuracy: present.length ? present.reduce((s, c) => s + c.correct / c.total, 0) / present.length : 0,
    perClass,
  };
}

/** argmax(probabilities) vs argmax(targets) per row (train.py's val/test rule). */
export function rowMetrics(probabilities: Float32Array, targets: Float32Array, n: number): ClassMetrics {
  const outcomes: { expected: number; ok: boolean }[] = [];
  for (let r = 0; r < n; r++) {
    const expected = argmax(targets, r * N_CLASSES, N_CLASSES);
    outcomes.push({ expected, ok: argmax(probabilities, r * N_CLASSES, N_CLASSES) === expected });
  }
  return classMetrics(outcomes);
}

/** Rows: expected class; columns: predicted class, then "none" (no prediction). */
export interface ConfusionMatrix {
  classes: number[];
  counts: number[][];
}

export function confusionMatrix(pairs: Iterable<{ expected: number; predicted: number | null }>): ConfusionMatrix {
  const counts = METER_CLASSES.map(() => new Array<number>(N_CLASSES + 1).fill(0));
  for (const { expected, predicted } of pairs) {
    const row = counts[classIndex(expected)];
    if (!row) continue;
    const col = predicted === null ? -1 : classIndex(predicted);
    row[col >= 0 ? col : N_CLASSES]! += 1;
  }
  return { classes: [...METER_CLASSES], counts };
}

export const pct = (fraction: number): string => `${(100 * fraction).toFixed(1)}%`;
