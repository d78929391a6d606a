/**
 * Deterministic train/val/test splits.
 *
 * One rule for every dataset that has no published split (WIKIMETER, Ballroom, plain folders,
 * the synthetic corpus): `h = int(sha256(utf8(stem)).hex, 16) mod 100`; h < 80 → train,
 * h < 90 → val, otherwise test (reference/pipeline.md §1.2 `split_by_stem`). WIKIMETER first
 * strips the `_segNN` suffix so that every segment of a song lands in the same split.
 */
import { createHash } from "node:crypto";

export type Split = "train" | "val" | "test";
/** A split, `tuning` (train + val) or `all`. */
export type SplitSelector = Split | "tuning" | "all";

export const SPLITS: readonly Split[] = ["train", "val", "test"];
export const SPLIT_SELECTORS: readonly SplitSelector[] = ["train", "val", "test", "tuning", "all"];

/** `sha256(stem) mod 100` as a number in 0..99 (the whole 256-bit digest, BigInt arithmetic). */
export function stemHashPercent(stem: string): number {
  const hex = createHash("sha256").update(stem, "utf8").digest("hex");
  return Number(BigInt(`0x${hex}`) % 100n);
}

/** The split of a file stem: hash < 80 → train, < 90 → val, otherwise test. */
export function hashSplit(stem: string): Split {
  const h = stemHashPercent(stem);
  return h < 80 ? "train" : h < 90 ? "val" : "test";
}

/** A WIKIMETER segment stem without its `_segNN` suffix (`song_seg03` → `song`). */
export function songStem(segmentStem: string): string {
  return segmentStem.replace(/_seg\d+$/, "");
}

/** WIKIMETER's song-level split: {@link hashSplit} of {@link songStem}. */
export function songSplit(segmentStem: string): Split {
  return hashSplit(songStem(segmentStem));
}

/** The concrete splits a selector stands for (`tuning` → train, val; `all` → all three). */
export function expandSplit(selector: SplitSelector): Split[] {
  switch (selector) {
    case "tuning":
      return ["train", "val"];
    case "all":
      return [...SPLITS];
    case "train":
    case "val":
    case "test":
      return [selector];
  }
  throw new TypeError(`unknown split "${String(selector)}"; expected one of ${SPLIT_SELECTORS.join(", ")}`);
}

export function inSplit(split: Split, selector: SplitSelector): boolean {
  return expandSplit(selector).includes(split);
}
