/** The entry type every real-dataset loader returns, the load report, and multi-label scoring. */
import { DATASET_CLASSES, type DatasetClass } from "./classes.js";
import type { Split } from "./split.js";

/** The loaders {@link loadDataset} dispatches to. */
export type DatasetName = "meter2800" | "wikimeter" | "ballroom" | "folder";

/** Soft multi-label weights by class numerator, e.g. `{3: 0.7, 4: 0.8}`; one-hot `{4: 1}` usually. */
export type MeterTargets = Partial<Record<DatasetClass, number>>;

export interface DatasetEntry {
  /** Unique within the dataset: METER2800 `MAG/00553`, WIKIMETER segment stem, Ballroom/folder file stem. */
  id: string;
  /** `meter2800`, `wikimeter`, `ballroom`, or a folder dataset's name (its directory name by default). */
  dataset: string;
  /** Absolute path of the audio file (always inside the dataset root). */
  audioPath: string;
  split?: Split;
  /** Primary meter (numerator), always one of DATASET_CLASSES. */
  meter: DatasetClass;
  /** Soft multi-label targets; see {@link targetVector}. */
  targets: MeterTargets;
  denominator?: number;
  /** Absolute path of a Ballroom/GTZAN `.beats` annotation, when there is one. */
  beatsPath?: string;
  /** The file as the label file wrote it (`/MAG/00553.wav`), or its path relative to the root. */
  file: string;
}

/** A row whose audio was not found: `file` as written in the label file. */
export interface MissingAudio {
  file: string;
  reason: string;
}

/** A label that is not one of the dataset's classes or cannot be parsed: `file:line` of the label file. */
export interface UnknownLabel {
  file: string;
  line: number;
  value: string;
}

/**
 * What a loader read. Every row of the selected split ends up in exactly one of `entries`,
 * `missingAudio`, `unknownLabels` or `blacklisted`; nothing is dropped silently.
 * `relabelled` counts entries (among `entries` or `unknownLabels`) whose meter a correction changed.
 */
export interface LoadReport {
  entries: DatasetEntry[];
  missingAudio: MissingAudio[];
  unknownLabels: UnknownLabel[];
  /** Rows skipped because a correction blacklists their stem. */
  blacklisted: number;
  /** Rows whose meter a correction changed (before the class filter). */
  relabelled: number;
}

export function emptyReport(): LoadReport {
  return { entries: [], missingAudio: [], unknownLabels: [], blacklisted: 0, relabelled: 0 };
}

/** The 6-float target vector in DATASET_CLASSES order (absent classes are 0). */
export function targetVector(entry: Pick<DatasetEntry, "targets">): number[] {
  return DATASET_CLASSES.map((c) => entry.targets[c] ?? 0);
}

/** Whether an entry has more than one meter in its targets (a WIKIMETER poly row). */
export function isMultiLabel(entry: Pick<DatasetEntry, "targets">): boolean {
  return Object.keys(entry.targets).length > 1;
}

/**
 * The "true class" train.py uses on val/test: argmax of {@link targetVector}, ties going to the
 * lower class (so `{3: 0.7, 4: 0.8}` → 4, and `{3: 1, 4: 1}` → 3).
 */
export function trueClass(entry: Pick<DatasetEntry, "targets">): DatasetClass {
  const y = targetVector(entry);
  let best = 0;
  for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
  return DATASET_CLASSES[best]!;
}

/**
 * Evaluation correctness (reference/pipeline.md §6.4): for a multi-label entry and a prediction,
 * correct iff the prediction is any of its meters, whatever the weight; otherwise correct iff the
 * prediction equals the primary meter. A missing prediction (null/undefined) is never correct.
 * Counts belong to the bucket of `entry.meter`.
 */
export function isCorrect(predictedClass: number | null | undefined, entry: Pick<DatasetEntry, "meter" | "targets">): boolean {
  if (predictedClass === null || predictedClass === undefined) return false;
  if (isMultiLabel(entry)) return Object.keys(entry.targets).map(Number).includes(predictedClass);
  return predictedClass === entry.meter;
}
