/**
 * METER2800 (reference/pipeline.md §1.1):
 *
 *   <dir>/data_{train,val,test}_4_classes.tab   tab-separated, header; columns `filename`
 *                                                (quoted, e.g. "/MAG/00553.wav") and `meter`
 *   <dir>/audio/                                 flattened audio (<stem>.mp3, <src>_<stem>.wav …)
 *   <dir>/meter2800_corrections.json             optional label corrections (see below)
 *
 * Differences from the reference, on purpose: rows whose audio is missing are reported in
 * `missingAudio` instead of vanishing, and rows whose meter is not a class in `unknownLabels`.
 */
import { readFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { DATASET_CLASSES, isDatasetClass } from "./classes.js";
import { type DatasetEntry, emptyReport, type LoadReport } from "./entry.js";
import { DatasetFormatError } from "./errors.js";
import { exists, firstExisting, positiveInteger, resolveInsideRoot } from "./folder-dataset.js";
import { expandSplit, type Split, type SplitSelector } from "./split.js";
import { readTable, requireColumns } from "./table.js";

export const METER2800_CORRECTIONS_FILE = "meter2800_corrections.json";
/** Extensions tried, in order, before the file's own suffix (§1.1 `resolve_audio_path`). */
export const METER2800_EXTENSIONS = [".mp3", ".wav", ".ogg", ".flac"] as const;

export function meter2800LabelFile(split: Split): string {
  return `data_${split}_4_classes.tab`;
}

/**
 * Label corrections keyed by filename stem. Keys starting with `_` are metadata and ignored.
 *
 * ```json
 * { "_comment": "…", "0143": { "action": "blacklist" }, "00083": { "action": "relabel", "new_meter": 3 } }
 * ```
 */
export interface Meter2800Corrections {
  blacklist: Set<string>;
  relabel: Map<string, number>;
}

export interface Meter2800Options {
  split?: SplitSelector;
  /**
   * Corrections: a JSON file path (relative paths are relative to `dataDir`), parsed corrections,
   * or `null` for none. Default `<dataDir>/meter2800_corrections.json` when it exists (a missing
   * default file means no corrections; a missing file named explicitly is an error).
   */
  corrections?: string | Meter2800Corrections | null;
  /** Classes kept (after relabelling); default DATASET_CLASSES. */
  classes?: readonly number[];
}

/** Parse a corrections JSON text (see {@link Meter2800Corrections}); throws naming the stem for bad entries. */
export function parseMeter2800Corrections(text: string, path: string): Meter2800Corrections {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetFormatError(path, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new DatasetFormatError(path, "expected a JSON object keyed by filename stem");
  }
  const out: Meter2800Corrections = { blacklist: new Set(), relabel: new Map() };
  for (const [stem, value] of Object.entries(json as Record<string, unknown>)) {
    if (stem.startsWith("_")) continue;
    const v = value as { action?: unknown; new_meter?: unknown } | null;
    if (typeof v !== "object" || v === null) throw new DatasetFormatError(path, `"${stem}": expected an object with "action"`);
    if (v.action === "blacklist") {
      out.blacklist.add(stem);
    } else if (v.action === "relabel") {
      const m = typeof v.new_meter === "string" && /^\d+$/.test(v.new_meter) ? Number(v.new_meter) : v.new_meter;
      if (typeof m !== "number" || !Number.isSafeInteger(m) || m <= 0) {
        throw new DatasetFormatError(path, `"${stem}": relabel needs a positive integer "new_meter", got ${JSON.stringify(v.new_meter)}`);
      }
      out.relabel.set(stem, m);
    } else {
      throw new DatasetFormatError(path, `"${stem}": unknown action ${JSON.stringify(v.action)}; expected "blacklist" or "relabel"`);
    }
  }
  return out;
}

/** Read a corrections file; see {@link parseMeter2800Corrections}. */
export async function readMeter2800Corrections(path: string): Promise<Meter2800Corrections> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DatasetFormatError(path, `cannot read corrections (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseMeter2800Corrections(text, path);
}

async function resolveCorrections(root: string, option: Meter2800Options["corrections"]): Promise<Meter2800Corrections> {
  if (option === null) return { blacklist: new Set(), relabel: new Map() };
  if (typeof option === "object") return option;
  if (option === undefined) {
    const path = join(root, METER2800_CORRECTIONS_FILE);
    return (await exists(path)) ? readMeter2800Corrections(path) : { blacklist: new Set(), relabel: new Map() };
  }
  return readMeter2800Corrections(resolve(root, option));
}

/** `"/MAG/00553.wav"` → `{ stem: "00553", src: "MAG", ext: ".wav" }` (quotes and whitespace stripped). */
export function parseMeter2800Filename(filename: string): { stem: string; src: string; ext: string } {
  const clean = filename.trim().replace(/^["']+|["']+$/g, "").trim();
  const parts = clean.split(/[\\/]/).filter((p) => p !== "");
  const name = parts[parts.length - 1] ?? "";
  const ext = extname(name);
  return { stem: basename(name, ext), src: parts.length >= 2 ? parts[parts.length - 2]! : "", ext };
}

/**
 * The candidate audio paths of a METER2800 file, in the order tried: for each extension in
 * [.mp3, .wav, .ogg, .flac, own suffix], `audio/<stem><ext>`, `audio/<src>_<stem><ext>`,
 * `audio/<src>_._<stem><ext>`. Relative to the dataset root; all stay inside `audio/`.
 */
export function meter2800Candidates(filename: string): string[] {
  const { stem, src, ext } = parseMeter2800Filename(filename);
  const out: string[] = [];
  for (const e of [...METER2800_EXTENSIONS, ext]) {
    for (const name of [`${stem}${e}`, `${src}_${stem}${e}`, `${src}_._${stem}${e}`]) {
      const rel = `audio/${name}`;
      if (!out.includes(rel)) out.push(rel);
    }
  }
  return out;
}

/** Load METER2800 entries of a split (`tuning` = train + val, `all` = every label file). */
export async function loadMeter2800(dataDir: string, options: Meter2800Options = {}): Promise<LoadReport> {
  const root = resolve(dataDir);
  const classes = options.classes ?? DATASET_CLASSES;
  const corrections = await resolveCorrections(root, options.corrections);
  const report = emptyReport();
  for (const split of expandSplit(options.split ?? "all")) {
    const labelsPath = join(root, meter2800LabelFile(split));
    const table = await readTable(labelsPath, "\t");
    const col = requireColumns(table, ["filename", "meter"], labelsPath);
    for (const row of table.rows) {
      const filename = row.cells[col.filename];
      const meterText = row.cells[col.meter];
      if (filename === undefined || meterText === undefined) {
        throw new DatasetFormatError(labelsPath, `expected at least ${Math.max(col.filename, col.meter) + 1} tab-separated columns, got ${row.cells.length}`, row.line);
      }
      if (filename === "") throw new DatasetFormatError(labelsPath, "empty filename", row.line);
      const { stem, src } = parseMeter2800Filename(filename);
      const candidates = meter2800Candidates(filename).map((rel) => resolveInsideRoot(root, rel, labelsPath, row.line));
      if (corrections.blacklist.has(stem)) {
        report.blacklisted++;
        continue;
      }
      let meter = positiveInteger(meterText) ?? Number.NaN;
      const newMeter = corrections.relabel.get(stem);
      if (newMeter !== undefined && newMeter !== meter) {
        meter = newMeter;
        report.relabelled++;
      }
      if (!classes.includes(meter) || !isDatasetClass(meter)) {
        report.unknownLabels.push({ file: labelsPath, line: row.line, value: newMeter === undefined ? meterText : `${meterText} (relabelled ${newMeter})` });
        continue;
      }
      const audioPath = await firstExisting(candidates);
      if (audioPath === undefined) {
        report.missingAudio.push({ file: filename, reason: `none of audio/{,${src}_,${src}_._}${stem}{.mp3,.wav,.ogg,.flac…} exists (${labelsPath}:${row.line})` });
        continue;
      }
      const id = src === "" ? stem : `${src}/${stem}`;
      const entry: DatasetEntry = {
        id,
        dataset: "meter2800",
        audioPath,
        split,
        meter,
        targets: { [meter]: 1 },
        file: filename,
      };
      report.entries.push(entry);
    }
  }
  return report;
}
