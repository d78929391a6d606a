/**
 * WIKIMETER (reference/pipeline.md §1.2):
 *
 *   <dir>/data_wikimeter.tab   tab-separated, header `filename label meter alt_meter`;
 *                              filename "/WIKIMETER/<song>_segNN.mp3", label a quoted word
 *                              (three … eleven) for the primary meter, meter a comma list of
 *                              `m` (weight 1) or `m:w` (soft weight), alt_meter unused
 *   <dir>/audio/<song>_segNN.mp3
 *
 * Splits come from {@link songSplit} (song-level stem hash). The downloader's
 * `data_wikimeter_{train,val,test}.tab` use a different hash that disagrees with it; they are
 * never read.
 */
import { basename, extname, join, resolve } from "node:path";
import { DATASET_CLASSES, type DatasetClass, METER_WORDS } from "./classes.js";
import { emptyReport, type LoadReport, type MeterTargets } from "./entry.js";
import { DatasetFormatError } from "./errors.js";
import { firstExisting, resolveInsideRoot } from "./folder-dataset.js";
import { inSplit, type SplitSelector, songSplit } from "./split.js";
import { readTable, requireColumns } from "./table.js";

export const WIKIMETER_LABEL_FILE = "data_wikimeter.tab";
const AUDIO_EXTENSIONS = [".mp3", ".wav", ".ogg", ".flac"];

export interface WikimeterOptions {
  split?: SplitSelector;
  /** Classes a primary meter must belong to; default DATASET_CLASSES. */
  classes?: readonly number[];
}

/**
 * Parse a `meter` cell: `3:0.7,4:0.8` → {3: 0.7, 4: 0.8}; a bare `m` has weight 1. Returns
 * undefined when an item is malformed (not `int` or `int:number`, a weight outside [0, 1]: they
 * are training targets of a sigmoid, or a meter too large to be exact). An empty cell
 * gives an empty map. Meters outside the classes are kept here; see {@link toTargets}.
 */
export function parseMeterList(text: string): Map<number, number> | undefined {
  const out = new Map<number, number>();
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const m = /^(\d+)(?:\s*:\s*([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))?$/.exec(item);
    if (!m) return undefined;
    const weight = m[2] === undefined ? 1 : Number(m[2]);
    const meter = Number(m[1]);
    if (!(weight >= 0 && weight <= 1) || !Number.isSafeInteger(meter)) return undefined;
    out.set(meter, weight);
  }
  return out;
}

/** Restrict parsed meters to DATASET_CLASSES (§1.3: other meters are ignored in the target vector). */
export function toTargets(meters: ReadonlyMap<number, number>): MeterTargets {
  const targets: MeterTargets = {};
  for (const c of DATASET_CLASSES) {
    const w = meters.get(c);
    if (w !== undefined) targets[c] = w;
  }
  return targets;
}

/** Load WIKIMETER segments of a split; every segment of a song shares its split. */
export async function loadWikimeter(dataDir: string, options: WikimeterOptions = {}): Promise<LoadReport> {
  const root = resolve(dataDir);
  const classes = options.classes ?? DATASET_CLASSES;
  const selector = options.split ?? "all";
  const labelsPath = join(root, WIKIMETER_LABEL_FILE);
  const table = await readTable(labelsPath, "\t");
  const col = requireColumns(table, ["filename", "label", "meter"], labelsPath);
  const report = emptyReport();
  for (const row of table.rows) {
    const filename = row.cells[col.filename];
    const label = row.cells[col.label];
    if (filename === undefined || label === undefined) {
      throw new DatasetFormatError(labelsPath, `expected at least ${Math.max(col.filename, col.label) + 1} tab-separated columns, got ${row.cells.length}`, row.line);
    }
    const meterText = row.cells[col.meter] ?? "";
    const name = basename(filename.replace(/\\/g, "/"));
    if (name === "") throw new DatasetFormatError(labelsPath, "empty filename", row.line);
    const stem = basename(name, extname(name));
    const split = songSplit(stem);
    if (!inSplit(split, selector)) continue;
    const candidates = [`audio/${name}`, ...AUDIO_EXTENSIONS.map((e) => `audio/${stem}${e}`)]
      .filter((rel, i, all) => all.indexOf(rel) === i)
      .map((rel) => resolveInsideRoot(root, rel, labelsPath, row.line));

    const primary: DatasetClass | undefined = METER_WORDS[label.toLowerCase()];
    if (primary === undefined || !classes.includes(primary)) {
      report.unknownLabels.push({ file: labelsPath, line: row.line, value: label });
      continue;
    }
    const meters = parseMeterList(meterText);
    if (meters === undefined) {
      report.unknownLabels.push({ file: labelsPath, line: row.line, value: meterText });
      continue;
    }
    let targets = toTargets(meters);
    if (Object.keys(targets).length === 0) targets = { [primary]: 1 };

    const audioPath = await firstExisting(candidates);
    if (audioPath === undefined) {
      report.missingAudio.push({ file: filename, reason: `audio/${name} does not exist (${labelsPath}:${row.line})` });
      continue;
    }
    report.entries.push({ id: stem, dataset: "wikimeter", audioPath, split, meter: primary, targets, file: filename });
  }
  return report;
}
