/**
 * The plain-folder loader in {@link LoadReport} form, the {@link loadDataset} dispatcher and
 * {@link findExtraDatasets}.
 */
import { readdir } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { loadBallroom } from "./ballroom.js";
import { DATASET_CLASSES, isDatasetClass } from "./classes.js";
import { type DatasetEntry, type DatasetName, emptyReport, type LoadReport } from "./entry.js";
import { DatasetFormatError } from "./errors.js";
import { ANNOTATIONS_DIR, exists, LABELS_CSV_FILE, LABELS_FILE, positiveInteger, readFolderLabels, resolveInsideRoot } from "./folder-dataset.js";
import { loadMeter2800, type Meter2800Options, meter2800LabelFile } from "./meter2800.js";
import { hashSplit, inSplit, SPLITS, type SplitSelector } from "./split.js";
import { checkWidth } from "./table.js";
import { loadWikimeter, WIKIMETER_LABEL_FILE } from "./wikimeter.js";

export interface FolderOptions {
  split?: SplitSelector;
  /** Classes kept; default DATASET_CLASSES. Other meters go to `unknownLabels`. */
  classes?: readonly number[];
  /** The entries' `dataset` field; default the folder's name. */
  name?: string;
}

/**
 * Load a plain folder dataset (`labels.tsv` or `labels.csv` with `file`, `meter`[, `denominator`,
 * `beats`]; see folder-dataset.ts). Unlike {@link loadFolderDataset}, which throws, missing audio
 * and meters that are not classes (or not integers) are reported. Malformed tables, duplicate ids
 * and paths leaving the root still throw. Split: {@link hashSplit} of the file stem.
 */
export async function loadFolder(dataDir: string, options: FolderOptions = {}): Promise<LoadReport> {
  const root = resolve(dataDir);
  const classes = options.classes ?? DATASET_CLASSES;
  const selector = options.split ?? "all";
  const name = options.name ?? basename(root);
  const { labelsPath, table, what } = await readFolderLabels(root);
  const fileCol = table.header.indexOf("file");
  const meterCol = table.header.indexOf("meter");
  const denCol = table.header.indexOf("denominator");
  const beatsCol = table.header.indexOf("beats");
  const report = emptyReport();
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    checkWidth(table, row, labelsPath, what);
    const file = row.cells[fileCol]!;
    const audioPath = resolveInsideRoot(root, file, labelsPath, row.line);
    const beatsText = beatsCol >= 0 ? row.cells[beatsCol]! : "";
    const explicitBeats = beatsText === "" ? undefined : resolveInsideRoot(root, beatsText, labelsPath, row.line);
    const id = basename(file, extname(file));
    const previous = seen.get(id);
    if (previous !== undefined) throw new DatasetFormatError(labelsPath, `duplicate clip id "${id}" (first on line ${previous})`, row.line);
    seen.set(id, row.line);
    const split = hashSplit(id);
    if (!inSplit(split, selector)) continue;
    const meterText = row.cells[meterCol]!;
    const meter = positiveInteger(meterText) ?? Number.NaN;
    if (!classes.includes(meter) || !isDatasetClass(meter)) {
      report.unknownLabels.push({ file: labelsPath, line: row.line, value: meterText });
      continue;
    }
    let denominator: number | undefined;
    const denText = denCol >= 0 ? row.cells[denCol]! : "";
    if (denText !== "") {
      denominator = positiveInteger(denText);
      if (denominator === undefined) {
        throw new DatasetFormatError(labelsPath, `denominator "${denText}" is not a positive integer`, row.line);
      }
    }
    if (!(await exists(audioPath))) {
      report.missingAudio.push({ file, reason: `${file} does not exist (${labelsPath}:${row.line})` });
      continue;
    }
    const entry: DatasetEntry = { id, dataset: name, audioPath, split, meter, targets: { [meter]: 1 }, file };
    if (denominator !== undefined) entry.denominator = denominator;
    if (explicitBeats !== undefined) {
      if (!(await exists(explicitBeats))) throw new DatasetFormatError(labelsPath, `beats file not found: ${beatsText}`, row.line);
      entry.beatsPath = explicitBeats;
    } else {
      const beatsPath = join(root, ANNOTATIONS_DIR, `${id}.beats`);
      if (await exists(beatsPath)) entry.beatsPath = beatsPath;
    }
    report.entries.push(entry);
  }
  return report;
}

export interface LoadDatasetOptions {
  split?: SplitSelector;
  /** Classes kept (all loaders but Ballroom); default DATASET_CLASSES. */
  classes?: readonly number[];
  /** METER2800 only: corrections file, parsed corrections, or null; see {@link loadMeter2800}. */
  corrections?: Meter2800Options["corrections"];
  /** Ballroom only: extra style → meter entries. */
  styles?: Readonly<Record<string, number>>;
  /** Folder only: the entries' `dataset` field. */
  name?: string;
}

export const DATASET_NAMES: readonly DatasetName[] = ["meter2800", "wikimeter", "ballroom", "folder"];

/** Load any dataset by loader name. */
export async function loadDataset(name: DatasetName, dataDir: string, options: LoadDatasetOptions = {}): Promise<LoadReport> {
  const { split, classes } = options;
  switch (name) {
    case "meter2800":
      return loadMeter2800(dataDir, { split, classes, corrections: options.corrections });
    case "wikimeter":
      return loadWikimeter(dataDir, { split, classes });
    case "ballroom":
      return loadBallroom(dataDir, { split, styles: options.styles });
    case "folder":
      return loadFolder(dataDir, { split, classes, name: options.name });
  }
  throw new TypeError(`unknown dataset loader "${String(name)}"; expected one of ${DATASET_NAMES.join(", ")}`);
}

export interface FoundDataset {
  /** Loader to use. */
  loader: DatasetName;
  /** Absolute folder to pass to {@link loadDataset}. */
  dir: string;
  /** Display name: `meter2800`, `wikimeter`, `ballroom`, or `extra/<folder>`. */
  name: string;
}

async function subdirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * The datasets present under a data root (the project's `data/`, for `--extra-data`):
 * `meter2800/` with at least one `data_*_4_classes.tab`, `wikimeter/` with `data_wikimeter.tab`,
 * `ballroom/` with at least one folder, and every `extra/<name>/` with `labels.tsv` or
 * `labels.csv`. Folders that do not look like their dataset are not listed. Order: as above,
 * extras by name.
 */
export async function findExtraDatasets(dataRoot: string): Promise<FoundDataset[]> {
  const root = resolve(dataRoot);
  const found: FoundDataset[] = [];
  const m2800 = join(root, "meter2800");
  for (const split of SPLITS) {
    if (await exists(join(m2800, meter2800LabelFile(split)))) {
      found.push({ loader: "meter2800", dir: m2800, name: "meter2800" });
      break;
    }
  }
  const wiki = join(root, "wikimeter");
  if (await exists(join(wiki, WIKIMETER_LABEL_FILE))) found.push({ loader: "wikimeter", dir: wiki, name: "wikimeter" });
  const ballroom = join(root, "ballroom");
  if ((await subdirs(ballroom)).length > 0) found.push({ loader: "ballroom", dir: ballroom, name: "ballroom" });
  const extra = join(root, "extra");
  for (const name of await subdirs(extra)) {
    const dir = join(extra, name);
    if ((await exists(join(dir, LABELS_FILE))) || (await exists(join(dir, LABELS_CSV_FILE)))) {
      found.push({ loader: "folder", dir, name: `extra/${name}` });
    }
  }
  return found;
}
