/**
 * The `--dataset/--data-dir/--split/--extra-data/--limit/--data-root` flags of `warm`, `extract`,
 * `eval` and `cache stats`, turned into dataset entries by `@tactus/datasets` (`loadDataset`,
 * `findExtraDatasets`). Nothing here knows a dataset format: the one exception is `warm`'s plain
 * folder of audio files without labels (`listAudioFolder`), which no loader covers because it has
 * no labels to load.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, extname, join, relative, resolve } from "node:path";
import {
  DATASET_NAMES,
  type DatasetEntry,
  type DatasetName,
  findExtraDatasets,
  hashSplit,
  inSplit,
  LABELS_CSV_FILE,
  LABELS_FILE,
  type LoadReport,
  loadDataset,
  SPLIT_SELECTORS,
  type SplitSelector,
} from "@tactus/datasets";
import { dataPaths } from "@tactus/trainer";
import type { Command } from "commander";
import { UsageError } from "./fail.js";
import { nonNegativeInt } from "./options.js";

export interface DatasetFlags {
  /** meter2800 | wikimeter | ballroom | folder; default folder with --data-dir, else meter2800. */
  dataset?: string;
  dataDir?: string;
  split: string;
  extraData?: boolean;
  /** 0 = all. */
  limit: number;
  dataRoot?: string;
}

/** Adds the dataset flags to a command (`split` is its default split). */
export function datasetOptions(command: Command, split: SplitSelector, limitHelp = "first N files only (0 = all)"): Command {
  return command
    .option("--dataset <name>", `dataset loader: ${DATASET_NAMES.join(", ")} (default: folder with --data-dir, else meter2800)`)
    .option("--data-dir <dir>", "dataset folder (default for a named dataset: <data root>/<name>)")
    .option("--split <split>", `which files: ${SPLIT_SELECTORS.join(", ")} (tuning = train + val)`, split)
    .option("--extra-data", "also every other dataset under the data root (meter2800/, wikimeter/, ballroom/, extra/<name>/)")
    .option("--limit <n>", limitHelp, nonNegativeInt("--limit"), 0)
    .option("--data-root <dir>", "pipeline data folder (default: $TACTUS_DATA_DIR or data)");
}

/** A label-file row that gave no entry: its audio is missing, or its label is not a class. */
export interface SkippedRow {
  kind: "missing audio" | "unknown label";
  dataset: string;
  /** The file as the label file wrote it, or `labels file:line` for a label. */
  file: string;
  reason: string;
}

export interface Selection {
  entries: DatasetEntry[];
  /** Audio files of a plain folder without labels (`warm` only). */
  unlabelled: string[];
  skipped: SkippedRow[];
  /** One line per dataset read. */
  notes: string[];
  /** Names of the datasets read, joined by "+" (the run snapshot's dataset key). */
  name: string;
}

/** Audio extensions a plain folder is scanned for. */
const AUDIO_EXTENSIONS: readonly string[] = [".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aiff", ".aif"];

/**
 * Every audio file below `dir` (sorted), for `warm` on a folder without labels. Split: `hashSplit`
 * of the file stem, the rule `loadFolder` uses.
 */
export function listAudioFolder(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && AUDIO_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push(full);
    }
  };
  walk(dir);
  return files;
}


function describe(name: string, dir: string, split: string, report: LoadReport): string {
  const n = report.entries.length;
  const parts = [`${n} ${n === 1 ? "entry" : "entries"} in split ${split}`];
  if (report.missingAudio.length) parts.push(`${report.missingAudio.length} missing audio`);
  if (report.unknownLabels.length) parts.push(`${report.unknownLabels.length} unknown label${report.unknownLabels.length === 1 ? "" : "s"}`);
  if (report.blacklisted) parts.push(`${report.blacklisted} blacklisted`);
  if (report.relabelled) parts.push(`${report.relabelled} relabelled`);
  return `${name} (${relative(process.cwd(), dir) || "."}): ${parts.join(", ")}`;
}

/**
 * The main dataset, then (with `--extra-data`) the others found under the data root, each loaded
 * for the split; missing audio and unknown labels are collected, not dropped; then the first
 * `limit` files. `plainFolder`: a `folder` dataset without labels is a plain folder of audio.
 */
export async function selectDataset(flags: DatasetFlags, { plainFolder = false } = {}): Promise<Selection> {
  const loader = (flags.dataset ?? (flags.dataDir ? "folder" : "meter2800")) as DatasetName;
  if (!DATASET_NAMES.includes(loader)) {
    throw new UsageError(`--dataset: unknown dataset "${flags.dataset}" (known: ${DATASET_NAMES.join(", ")})`);
  }
  if (!(SPLIT_SELECTORS as readonly string[]).includes(flags.split)) {
    throw new UsageError(`--split: unknown split "${flags.split}" (known: ${SPLIT_SELECTORS.join(", ")})`);
  }
  const split = flags.split as SplitSelector;
  const root = dataPaths(flags.dataRoot).root;
  if (loader === "folder" && !flags.dataDir) throw new UsageError("--data-dir is required for --dataset folder");
  const mainDir = resolve(flags.dataDir ?? join(root, loader));
  if (!existsSync(mainDir) || !statSync(mainDir).isDirectory()) throw new UsageError(`${flags.dataDir ?? mainDir}: no such dataset folder`);

  const sources = [{ loader, dir: mainDir, name: loader === "folder" ? basename(mainDir) : loader }];
  const notes: string[] = [];
  if (flags.extraData) {
    const extras = (await findExtraDatasets(root)).filter((d) => resolve(d.dir) !== mainDir);
    if (extras.length === 0) notes.push(`--extra-data: no other datasets under ${root} (meter2800/, wikimeter/, ballroom/, extra/<name>/ with labels)`);
    sources.push(...extras.map((d) => ({ loader: d.loader, dir: resolve(d.dir), name: d.name })));
  }

  const selection: Selection = { entries: [], unlabelled: [], skipped: [], notes, name: sources.map((s) => s.name).join("+") };
  let room = flags.limit > 0 ? flags.limit : Number.POSITIVE_INFINITY;
  for (const source of sources) {
    const labelled = source.loader !== "folder" || existsSync(join(source.dir, LABELS_FILE)) || existsSync(join(source.dir, LABELS_CSV_FILE));
    if (!labelled && plainFolder) {
      const all = listAudioFolder(source.dir);
      if (all.length === 0) throw new UsageError(`${source.dir}: no ${LABELS_FILE} and no audio files (${AUDIO_EXTENSIONS.join(" ")})`);
      const kept = all.filter((path) => inSplit(hashSplit(basename(path, extname(path))), split));
      notes.push(`${source.name} (plain folder, no labels): ${kept.length} of ${all.length} audio files in split ${split}`);
      selection.unlabelled.push(...kept.slice(0, room));
      room -= Math.min(room, kept.length);
      continue;
    }
    if (!labelled) throw new UsageError(`${source.dir}: no ${LABELS_FILE} or ${LABELS_CSV_FILE} (a plain folder of audio works only for \`warm\`)`);
    const report = await loadDataset(source.loader, source.dir, { split, ...(source.loader === "folder" ? { name: source.name } : {}) });
    notes.push(describe(source.name, source.dir, split, report));
    for (const m of report.missingAudio) selection.skipped.push({ kind: "missing audio", dataset: source.name, file: m.file, reason: m.reason });
    for (const u of report.unknownLabels) {
      selection.skipped.push({ kind: "unknown label", dataset: source.name, file: `${u.file}:${u.line}`, reason: `unknown label "${u.value}"` });
    }
    selection.entries.push(...report.entries.slice(0, room));
    room -= Math.min(room, report.entries.length);
  }
  return selection;
}

/** One line for a skipped row: `wikimeter: missing audio: …` / `meter2800: unknown label: file:line: …`. */
export function describeSkipped(s: SkippedRow): string {
  return `${s.dataset}: ${s.kind}: ${s.kind === "missing audio" ? s.reason : `${s.file}: ${s.reason}`}`;
}

/** Prints the notes, the skipped-row counts and (up to `max`; 0 = none) the skipped rows on stderr. */
export function printSelection(selection: Selection, max = 20): void {
  const out = process.stderr;
  for (const note of selection.notes) out.write(`${note}\n`);
  const { skipped } = selection;
  if (skipped.length === 0) return;
  const missing = skipped.filter((s) => s.kind === "missing audio").length;
  out.write(`${skipped.length} label row(s) skipped: ${missing} missing audio, ${skipped.length - missing} unknown label(s)\n`);
  for (const s of skipped.slice(0, max)) out.write(`  ${describeSkipped(s)}\n`);
  if (max > 0 && skipped.length > max) out.write(`  … and ${skipped.length - max} more\n`);
}
