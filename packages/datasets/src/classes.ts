/**
 * The meter classes every dataset maps onto (ARCHITECTURE.md decision 6, reference/pipeline.md
 * §1.3): numerators 3, 4, 5, 7, 9, 11, in this order (class index 0..5).
 *
 * This is the one definition inside `@tactus/datasets` (the synthetic corpus's `DEFAULT_CLASSES`
 * is this array). `@tactus/signals` exports the same list as `METER_CLASSES`; datasets sits below
 * signals in the dependency graph (signals' tests import datasets), so it cannot import it.
 */
export const DATASET_CLASSES = [3, 4, 5, 7, 9, 11] as const;

/** One of {@link DATASET_CLASSES}. */
export type DatasetClass = (typeof DATASET_CLASSES)[number];

export function isDatasetClass(meter: number): meter is DatasetClass {
  return (DATASET_CLASSES as readonly number[]).includes(meter);
}

/** WIKIMETER's `label` words (§1.2) and the numerators they name. */
export const METER_WORDS: Readonly<Record<string, DatasetClass>> = {
  three: 3,
  four: 4,
  five: 5,
  seven: 7,
  nine: 9,
  eleven: 11,
};
