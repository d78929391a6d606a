/**
 * The Ballroom/GTZAN `.beats` annotation format: one beat per line, `time<TAB>position`
 * (seconds, then 1 for a downbeat, 2, 3 … for the other beats of the bar).
 */
import { readFile } from "node:fs/promises";
import type { BeatAnnotation } from "./compose.js";
import { DatasetFormatError } from "./errors.js";

/**
 * Parse `.beats` text. Fields may be separated by tabs or spaces; blank lines and `#` comments are
 * skipped. A line with only a time gives position 0 (unknown). Times must not decrease.
 * Malformed lines throw {@link DatasetFormatError} naming `path:line`.
 */
export function parseBeats(text: string, path: string): BeatAnnotation[] {
  const beats: BeatAnnotation[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/[\t ]+/);
    const lineNo = i + 1;
    if (fields.length > 2) throw new DatasetFormatError(path, `expected "time position", got ${fields.length} fields`, lineNo);
    const timeSec = Number(fields[0]);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(fields[0]!) || !Number.isFinite(timeSec) || timeSec < 0) {
      throw new DatasetFormatError(path, `time "${fields[0]}" is not a non-negative number`, lineNo);
    }
    let position = 0;
    if (fields.length === 2) {
      position = Number(fields[1]);
      if (!/^\d+(\.0*)?$/.test(fields[1]!) || !Number.isInteger(position) || position < 1) {
        throw new DatasetFormatError(path, `beat position "${fields[1]}" is not a positive integer`, lineNo);
      }
    }
    const previous = beats[beats.length - 1];
    if (previous && timeSec < previous.timeSec) {
      throw new DatasetFormatError(path, `time ${timeSec} is earlier than the previous beat (${previous.timeSec})`, lineNo);
    }
    beats.push({ timeSec, position });
  }
  return beats;
}

/** Read and parse a `.beats` file; see {@link parseBeats}. */
export async function readBeatsFile(path: string): Promise<BeatAnnotation[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DatasetFormatError(path, `cannot read beats file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseBeats(text, path);
}

/** Format beats as `.beats` text: `time<TAB>position`, time with 4 decimals, one line each. */
export function formatBeats(beats: readonly BeatAnnotation[]): string {
  return beats.map((b) => `${b.timeSec.toFixed(4)}\t${b.position}\n`).join("");
}
