/**
 * The plain-folder dataset format (what {@link generateCorpus} writes, and what anyone can lay out
 * by hand):
 *
 *   <dir>/labels.tsv             header + one row per clip; columns `file` and `meter` required,
 *                                `denominator`, `beats` and any others optional
 *   <dir>/labels.csv             the same, comma-separated (quotes allowed), when there is no
 *                                labels.tsv (having both is an error)
 *   <dir>/audio/<id>.wav         paths in `file` are relative to <dir>
 *   <dir>/annotations/<id>.beats optional Ballroom/GTZAN beat annotations
 */
import { access } from "node:fs/promises";
import { basename, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { DatasetFormatError, DatasetPathError } from "./errors.js";
import { checkWidth, readTable, requireColumns, type Table } from "./table.js";

export const LABELS_FILE = "labels.tsv";
/** The comma-separated alternative to {@link LABELS_FILE}. */
export const LABELS_CSV_FILE = "labels.csv";
export const ANNOTATIONS_DIR = "annotations";

export interface FolderDatasetEntry {
  /** File name of the audio without its extension. */
  id: string;
  /** Absolute path of the audio file. */
  audioPath: string;
  meter: number;
  denominator?: number;
  /** Absolute path of the `.beats` file, when the clip has one. */
  beatsPath?: string;
  /** Every column of the clip's row, by header name, as written. */
  labels: Record<string, string>;
}

/**
 * Resolve a path written in a dataset file against the dataset root, refusing anything that
 * could leave it: absolute paths, drive letters, `..` segments. The check is on the path as
 * written: symlinks inside the root are followed (datasets are often symlink farms onto the
 * original collections), so the folder's own links are trusted, a label file's paths are not.
 */
export function resolveInsideRoot(root: string, relPath: string, source: string, line?: number): string {
  if (relPath === "") throw new DatasetPathError(source, "empty path", line);
  if (isAbsolute(relPath) || /^[a-zA-Z]:/.test(relPath) || relPath.startsWith("\\") || relPath.startsWith("/")) {
    throw new DatasetPathError(source, `absolute path "${relPath}" is not allowed; paths are relative to the dataset root`, line);
  }
  if (relPath.split(/[\\/]/).some((segment) => segment === "..")) {
    throw new DatasetPathError(source, `path "${relPath}" leaves the dataset root ("..")`, line);
  }
  const absRoot = resolve(root);
  const full = resolve(absRoot, relPath);
  const rel = relative(absRoot, full);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new DatasetPathError(source, `path "${relPath}" is outside the dataset root`, line);
  }
  return full;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The first of `candidates` that exists, in order; undefined when none does. */
export async function firstExisting(candidates: readonly string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

/** `text` as a positive integer written in digits, small enough to be exact (no 1e21 meters), or undefined. */
export function positiveInteger(text: string): number | undefined {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * Load a folder dataset's entries, in the order of `labels.tsv`. Throws {@link DatasetFormatError}
 * (with `labels.tsv:line`) for malformed rows or missing audio, and {@link DatasetPathError} for
 * paths that would leave the dataset root.
 */
export async function loadFolderDataset(dir: string): Promise<FolderDatasetEntry[]> {
  const root = resolve(dir);
  const { labelsPath, table, what } = await readFolderLabels(root);
  const header = table.header;
  const entries: FolderDatasetEntry[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const lineNo = row.line;
    const cells = row.cells;
    checkWidth(table, row, labelsPath, what);
    const labels: Record<string, string> = {};
    header.forEach((name, k) => {
      labels[name] = cells[k]!;
    });
    const file = labels.file!;
    const audioPath = resolveInsideRoot(root, file, labelsPath, lineNo);
    const meter = positiveInteger(labels.meter!);
    if (meter === undefined) throw new DatasetFormatError(labelsPath, `meter "${labels.meter}" is not a positive integer`, lineNo);
    let denominator: number | undefined;
    if (labels.denominator !== undefined && labels.denominator !== "") {
      denominator = positiveInteger(labels.denominator);
      if (denominator === undefined) {
        throw new DatasetFormatError(labelsPath, `denominator "${labels.denominator}" is not a positive integer`, lineNo);
      }
    }
    const id = basename(file, extname(file));
    const previous = seen.get(id);
    if (previous !== undefined) throw new DatasetFormatError(labelsPath, `duplicate clip id "${id}" (first on line ${previous})`, lineNo);
    seen.set(id, lineNo);
    if (!(await exists(audioPath))) throw new DatasetFormatError(labelsPath, `audio file not found: ${file}`, lineNo);
    const entry: FolderDatasetEntry = { id, audioPath, meter, labels };
    if (denominator !== undefined) entry.denominator = denominator;
    if (labels.beats) {
      const beatsPath = resolveInsideRoot(root, labels.beats, labelsPath, lineNo);
      if (!(await exists(beatsPath))) throw new DatasetFormatError(labelsPath, `beats file not found: ${labels.beats}`, lineNo);
      entry.beatsPath = beatsPath;
    } else {
      const beatsPath = join(root, ANNOTATIONS_DIR, `${id}.beats`);
      if (await exists(beatsPath)) entry.beatsPath = beatsPath;
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * Find and parse a folder dataset's label table (`labels.tsv`, else `labels.csv`) and check it has
 * the `file` and `meter` columns.
 */
export async function readFolderLabels(root: string): Promise<{ labelsPath: string; table: Table; what: string }> {
  const tsvPath = join(root, LABELS_FILE);
  const csvPath = join(root, LABELS_CSV_FILE);
  const [hasTsv, hasCsv] = await Promise.all([exists(tsvPath), exists(csvPath)]);
  if (hasTsv && hasCsv) {
    throw new DatasetFormatError(root, `both ${LABELS_FILE} and ${LABELS_CSV_FILE} exist; keep one`);
  }
  const labelsPath = hasCsv ? csvPath : tsvPath;
  const table = await readTable(labelsPath, hasCsv ? "," : "\t");
  requireColumns(table, ["file", "meter"], labelsPath);
  return { labelsPath, table, what: hasCsv ? "comma-separated" : "tab-separated" };
}
