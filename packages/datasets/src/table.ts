/** Delimited label tables (tab- or comma-separated, header row, optional double quotes). */
import { readFile } from "node:fs/promises";
import { DatasetFormatError } from "./errors.js";

export interface TableRow {
  /** 1-based line number in the file. */
  line: number;
  /** Cells, unquoted and trimmed. */
  cells: string[];
}

export interface Table {
  header: string[];
  headerLine: number;
  rows: TableRow[];
}

/**
 * Split one line into cells. A cell that starts with `"` (after spaces) is quoted: it runs to the
 * next lone `"`, and `""` inside stands for one quote. Cells are trimmed.
 */
export function splitRow(line: string, delimiter: string, path: string, lineNo: number): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === " ") i++;
    let cell: string;
    if (line[i] === '"') {
      let text = "";
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new DatasetFormatError(path, "unterminated quoted field", lineNo);
        text += line.slice(j, q);
        if (line[q + 1] === '"') {
          text += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      const next = line.indexOf(delimiter, j);
      const rest = line.slice(j, next < 0 ? undefined : next);
      if (rest.trim() !== "") throw new DatasetFormatError(path, `unexpected text after a quoted field: ${JSON.stringify(rest)}`, lineNo);
      cell = text;
      i = next < 0 ? line.length + 1 : next + 1;
    } else {
      const next = line.indexOf(delimiter, i);
      cell = line.slice(i, next < 0 ? undefined : next);
      i = next < 0 ? line.length + 1 : next + 1;
    }
    cells.push(cell.trim());
    if (i > line.length) break;
  }
  return cells;
}

/** Parse a table: first non-blank line is the header; blank lines are skipped; CRLF and a BOM are fine. */
export function parseTable(text: string, delimiter: string, path: string): Table {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== "");
  if (headerIndex < 0) throw new DatasetFormatError(path, "empty labels file");
  const header = splitRow(lines[headerIndex]!, delimiter, path, headerIndex + 1);
  const rows: TableRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    rows.push({ line: i + 1, cells: splitRow(lines[i]!, delimiter, path, i + 1) });
  }
  return { header, headerLine: headerIndex + 1, rows };
}

/** Index of each required column; throws naming the header line when one is missing. */
export function requireColumns<K extends string>(table: Table, names: readonly K[], path: string): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of names) {
    const k = table.header.indexOf(name);
    if (k < 0) throw new DatasetFormatError(path, `header has no "${name}" column`, table.headerLine);
    out[name] = k;
  }
  return out;
}

/** Check a row has as many cells as the header. */
export function checkWidth(table: Table, row: TableRow, path: string, what: string): void {
  if (row.cells.length !== table.header.length) {
    throw new DatasetFormatError(path, `expected ${table.header.length} ${what} columns, got ${row.cells.length}`, row.line);
  }
}

/** Read and parse a label file; an unreadable file is a DatasetFormatError naming it and the reason. */
export async function readTable(path: string, delimiter: string): Promise<Table> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DatasetFormatError(path, `cannot read labels (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseTable(text, delimiter, path);
}
