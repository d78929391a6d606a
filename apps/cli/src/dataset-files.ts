/**
 * Which audio files a dataset command works on: a folder dataset (labels.tsv, read by
 * `@tactus/datasets`) or a plain folder of audio files, a deterministic train/val/test split,
 * the extra datasets under `data/extra/`, and `--limit`.
 *
 * The split and the plain-folder listing are generic dataset logic that belongs in
 * `@tactus/datasets` (next to `loadFolderDataset`); they live here until that package has them.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { LABELS_FILE, loadFolderDataset } from "@tactus/datasets";
import { UsageError } from "./fail.js";

export type Split = "train" | "val" | "test";
export type SplitSelection = "tuning" | "test" | "all" | Split;
export const SPLIT_SELECTIONS: readonly SplitSelection[] = ["tuning", "test", "all", "train", "val"];
export const DATASET_KINDS = ["folder"] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** Audio extensions a plain folder is scanned for. */
export const AUDIO_EXTENSIONS: readonly string[] = [".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aiff", ".aif"];

/** Folder holding extra datasets (one folder dataset per sub-folder), against the working directory. */
export const EXTRA_DATA_DIR = join("data", "extra");

/**
 * The split of a clip: `h = sha256(song id) mod 100`, h < 80 train, h < 90 val, else test, where
 * the song id is the clip id without a `_segNN` suffix so every segment of a song shares a split
 * (the rule the reference uses for WIKIMETER).
 */
export function splitOf(clipId: string): Split {
  const song = clipId.replace(/_seg\d+$/, "");
  const h = Number(BigInt(`0x${createHash("sha256").update(song, "utf8").digest("hex")}`) % 100n);
  return h < 80 ? "train" : h < 90 ? "val" : "test";
}

export function inSplit(clipId: string, selection: SplitSelection): boolean {
  if (selection === "all") return true;
  const split = splitOf(clipId);
  return selection === "tuning" ? split !== "test" : split === selection;
}

export interface DatasetFile {
  /** Clip id (file name without extension). */
  id: string;
  path: string;
  /** Which dataset it comes from (its folder name). */
  dataset: string;
}

/** The files of one folder: labels.tsv when there is one, otherwise every audio file below it. */
export async function listFolderDataset(dir: string): Promise<DatasetFile[]> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${dir}: no such dataset folder`);
  const dataset = basename(root);
  if (existsSync(join(root, LABELS_FILE))) {
    return (await loadFolderDataset(root)).map((e) => ({ id: e.id, path: e.audioPath, dataset }));
  }
  const files: DatasetFile[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && AUDIO_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
        files.push({ id: basename(entry.name, extname(entry.name)), path: full, dataset });
      }
    }
  };
  walk(root);
  if (files.length === 0) throw new UsageError(`${dir}: no ${LABELS_FILE} and no audio files (${AUDIO_EXTENSIONS.join(" ")})`);
  return files;
}

/** Folders under `data/extra/` (relative to `cwd`). */
export function extraDatasetDirs(cwd = process.cwd()): string[] {
  const root = resolve(cwd, EXTRA_DATA_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(root, e.name))
    .sort();
}

export interface SelectOptions {
  dataset: DatasetKind;
  dataDir: string;
  split: SplitSelection;
  extraData?: boolean;
  /** 0 = all. */
  limit?: number;
}

export interface Selection {
  files: DatasetFile[];
  /** One line per dataset read, e.g. "corpus: 12 files (10 in split tuning)". */
  notes: string[];
}

/** Main dataset first, then the extra datasets; split applied to each; then the first `limit`. */
export async function selectFiles(options: SelectOptions): Promise<Selection> {
  const notes: string[] = [];
  const dirs = [options.dataDir];
  if (options.extraData) {
    const extras = extraDatasetDirs();
    if (extras.length === 0) notes.push(`--extra-data: no extra datasets under ${EXTRA_DATA_DIR}/ (add folders with ${LABELS_FILE})`);
    dirs.push(...extras);
  }
  const files: DatasetFile[] = [];
  for (const dir of dirs) {
    const all = await listFolderDataset(dir);
    const kept = all.filter((f) => inSplit(f.id, options.split));
    notes.push(`${dir}: ${kept.length} of ${all.length} files in split ${options.split}`);
    files.push(...kept);
  }
  const limit = options.limit ?? 0;
  return { files: limit > 0 ? files.slice(0, limit) : files, notes };
}
