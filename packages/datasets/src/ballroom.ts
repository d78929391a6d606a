/**
 * Ballroom (Gouyon et al. 2006; beat/downbeat annotations by Krebs et al. 2013):
 *
 *   <root>/<Style>/<name>.wav                one folder per dance style (also accepted under
 *                                           <root>/BallroomData/<Style>/)
 *   <root>/annotations/<name>.beats          `time position` per beat (1 = downbeat); also looked
 *                                           for in <root>/BallroomAnnotations/ and beside the audio
 *
 * Meter from the style: Waltz and VienneseWaltz → 3, the other Ballroom styles → 4 (all with
 * denominator 4). A folder with audio whose name is not a known style is reported in
 * `unknownLabels` (line 0, value = folder name) rather than guessed; pass `styles` to map it.
 * Split: {@link hashSplit} of the file stem (80/10/10).
 */
import { readdir } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { type DatasetClass, isDatasetClass } from "./classes.js";
import { emptyReport, type LoadReport } from "./entry.js";
import { DatasetFormatError } from "./errors.js";
import { exists, firstExisting } from "./folder-dataset.js";
import { hashSplit, inSplit, type SplitSelector } from "./split.js";

/** The meter of each Ballroom style folder (keys compared case- and punctuation-insensitively). */
export const BALLROOM_STYLES: Readonly<Record<string, DatasetClass>> = {
  Waltz: 3,
  VienneseWaltz: 3,
  SlowWaltz: 3,
  ChaChaCha: 4,
  Jive: 4,
  Quickstep: 4,
  "Rumba-American": 4,
  "Rumba-International": 4,
  "Rumba-Misc": 4,
  Rumba: 4,
  Samba: 4,
  Tango: 4,
  Foxtrot: 4,
  Slowfox: 4,
};

export const BALLROOM_ANNOTATION_DIRS = ["annotations", "BallroomAnnotations"] as const;
export const BALLROOM_AUDIO_EXTENSIONS = [".wav", ".mp3", ".flac", ".ogg", ".aiff", ".aif"];

export interface BallroomOptions {
  split?: SplitSelector;
  /** Extra or overriding style → meter entries (e.g. `{ Pasodoble: 4 }`). */
  styles?: Readonly<Record<string, number>>;
}

function styleKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The meter of a style folder name, or undefined when it is not known. */
export function ballroomStyleMeter(style: string, extra: Readonly<Record<string, number>> = {}): number | undefined {
  const key = styleKey(style);
  for (const table of [extra, BALLROOM_STYLES]) {
    for (const [name, meter] of Object.entries(table)) if (styleKey(name) === key) return meter;
  }
  return undefined;
}

async function listDir(path: string): Promise<import("node:fs").Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    throw new DatasetFormatError(path, `cannot read folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Load Ballroom entries of a split, ordered by style folder then file name. */
export async function loadBallroom(dataDir: string, options: BallroomOptions = {}): Promise<LoadReport> {
  const root = resolve(dataDir);
  const selector = options.split ?? "all";
  const nested = join(root, "BallroomData");
  const audioRoot = (await exists(nested)) ? nested : root;
  const report = emptyReport();
  const styles = (await listDir(audioRoot)).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const seen = new Map<string, string>();
  for (const style of styles) {
    if ((BALLROOM_ANNOTATION_DIRS as readonly string[]).includes(style)) continue;
    const styleDir = join(audioRoot, style);
    const files = (await listDir(styleDir))
      .filter((d) => d.isFile() && !d.name.startsWith(".") && BALLROOM_AUDIO_EXTENSIONS.includes(extname(d.name).toLowerCase()))
      .map((d) => d.name)
      .sort();
    if (files.length === 0) continue;
    const meter = ballroomStyleMeter(style, options.styles);
    for (const name of files) {
      const id = basename(name, extname(name));
      const split = hashSplit(id);
      if (!inSplit(split, selector)) continue;
      if (meter === undefined || !isDatasetClass(meter)) {
        report.unknownLabels.push({ file: join(styleDir, name), line: 0, value: style });
        continue;
      }
      const previous = seen.get(id);
      if (previous !== undefined) throw new DatasetFormatError(join(styleDir, name), `duplicate file stem "${id}" (also ${previous})`);
      seen.set(id, join(styleDir, name));
      const beatsPath = await firstExisting([...BALLROOM_ANNOTATION_DIRS.map((d) => join(root, d, `${id}.beats`)), join(styleDir, `${id}.beats`)]);
      report.entries.push({
        id,
        dataset: "ballroom",
        audioPath: join(styleDir, name),
        split,
        meter,
        targets: { [meter]: 1 },
        denominator: 4,
        file: `${style}/${name}`,
        ...(beatsPath ? { beatsPath } : {}),
      });
    }
  }
  return report;
}
