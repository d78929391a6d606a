/**
 * Write a synthetic meter corpus as a folder dataset (see folder-dataset.ts): balanced classes,
 * with denominators, groupings, tempi, instrumentation, swing, drift and noise varied
 * deterministically from one seed. Loaded back with `loadFolder`, clips get their split from
 * `hashSplit(id)` like every other dataset without a published split.
 */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeWav } from "@tactus/audio";
import { formatBeats } from "./beats-file.js";
import { DATASET_CLASSES } from "./classes.js";
import type { Instrumentation, ResolvedClipSpec } from "./compose.js";
import { DatasetFormatError, InvalidSpecError } from "./errors.js";
import { ANNOTATIONS_DIR, LABELS_FILE } from "./folder-dataset.js";
import { formatGrouping } from "./meter.js";
import { hashSeed, Rng } from "./prng.js";
import { composeClip, resolveClipSpec, synthesizeClip } from "./synthesize.js";

/** The meter classes of the project (ARCHITECTURE.md decision 6): {@link DATASET_CLASSES}. */
export const DEFAULT_CLASSES: readonly number[] = DATASET_CLASSES;

export interface MeterVariant {
  numerator: number;
  denominator: number;
  grouping: readonly number[];
  /** Relative share of the class's clips. */
  weight: number;
}

/** How each class is realised: the time signatures and groupings real music in it uses. */
export const METER_VARIANTS: Readonly<Record<number, readonly MeterVariant[]>> = {
  2: [{ numerator: 2, denominator: 4, grouping: [2], weight: 1 }],
  3: [
    { numerator: 3, denominator: 4, grouping: [3], weight: 2 },
    { numerator: 3, denominator: 8, grouping: [3], weight: 1 },
  ],
  4: [{ numerator: 4, denominator: 4, grouping: [2, 2], weight: 1 }],
  5: [
    { numerator: 5, denominator: 4, grouping: [3, 2], weight: 1 },
    { numerator: 5, denominator: 4, grouping: [2, 3], weight: 1 },
    { numerator: 5, denominator: 8, grouping: [3, 2], weight: 1 },
    { numerator: 5, denominator: 8, grouping: [2, 3], weight: 1 },
  ],
  6: [{ numerator: 6, denominator: 8, grouping: [3, 3], weight: 1 }],
  7: [
    { numerator: 7, denominator: 8, grouping: [2, 2, 3], weight: 2 },
    { numerator: 7, denominator: 8, grouping: [3, 2, 2], weight: 1 },
    { numerator: 7, denominator: 8, grouping: [2, 3, 2], weight: 1 },
    { numerator: 7, denominator: 4, grouping: [2, 2, 3], weight: 1 },
    { numerator: 7, denominator: 4, grouping: [4, 3], weight: 1 },
  ],
  9: [
    { numerator: 9, denominator: 8, grouping: [2, 2, 2, 3], weight: 1 },
    { numerator: 9, denominator: 8, grouping: [3, 3, 3], weight: 1 },
  ],
  11: [
    { numerator: 11, denominator: 8, grouping: [3, 3, 3, 2], weight: 1 },
    { numerator: 11, denominator: 8, grouping: [2, 2, 3, 2, 2], weight: 1 },
    { numerator: 11, denominator: 8, grouping: [3, 3, 2, 3], weight: 1 },
  ],
  12: [{ numerator: 12, denominator: 8, grouping: [3, 3, 3, 3], weight: 1 }],
};

export interface CorpusVariety {
  /** Tempo range (annotated beats per minute) for x/4 meters; drawn log-uniformly. */
  bpmRange: readonly [number, number];
  /** Tempo range of the eighth-note beat for x/8 meters (slower eighths make very long bars). */
  eighthBpmRange: readonly [number, number];
  drumlessShare: number;
  percussionShare: number;
  noiseShare: number;
  noiseDbRange: readonly [number, number];
  swingShare: number;
  swingRange: readonly [number, number];
  driftShare: number;
  driftPctRange: readonly [number, number];
}

export const DEFAULT_VARIETY: CorpusVariety = {
  bpmRange: [60, 180],
  eighthBpmRange: [110, 180],
  drumlessShare: 1 / 6,
  percussionShare: 1 / 6,
  noiseShare: 0.25,
  noiseDbRange: [-30, -10],
  swingShare: 0.2,
  swingRange: [0.08, 0.3],
  driftShare: 0.3,
  driftPctRange: [1, 6],
};

export interface CorpusOptions {
  outDir: string;
  /** Clips per meter class. */
  perClass: number;
  /** Default 1. */
  seed?: number;
  /** Meter classes (numerators); default [3, 4, 5, 7, 9, 11]. */
  classes?: readonly number[];
  /** Clip length; default 30 s. */
  durationSec?: number;
  /** Default 22050. */
  sampleRate?: number;
  variety?: Partial<CorpusVariety>;
  /** Keep clips whose wav (of the right size) and beats already exist. Default false: rewrite all. */
  resume?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface CorpusClip {
  id: string;
  meterClass: number;
  /** Paths relative to the corpus folder. */
  file: string;
  beatsFile: string;
  spec: ResolvedClipSpec;
}

export interface CorpusResult {
  clips: CorpusClip[];
  written: number;
  skipped: number;
}

export const CORPUS_MANIFEST = "corpus.json";
/** Bumped whenever the synthesiser's output changes, so a resumed corpus never mixes versions. */
export const GENERATOR_VERSION = 1;
export const LABELS_HEADER = ["file", "meter", "denominator", "bpm", "grouping", "instrumentation", "seed"] as const;

/** Split `total` into integer counts proportional to `weights` (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const missing = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) counts[order[k]![1]]! += 1;
  return counts;
}

function expand<T>(items: readonly T[], counts: readonly number[]): T[] {
  return items.flatMap((item, i) => new Array<T>(counts[i]!).fill(item));
}

function logUniform(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return Math.round(Math.exp(rng.uniform(Math.log(lo), Math.log(hi))) * 10) / 10;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Validate corpus options and decide their defaults. */
export function resolveCorpusOptions(options: CorpusOptions) {
  const seed = options.seed ?? 1;
  const classes = [...(options.classes ?? DEFAULT_CLASSES)];
  const durationSec = options.durationSec ?? 30;
  const sampleRate = options.sampleRate ?? 22050;
  const variety: CorpusVariety = { ...DEFAULT_VARIETY, ...options.variety };
  if (!Number.isInteger(options.perClass) || options.perClass < 1) {
    throw new InvalidSpecError("perClass", `must be a positive integer, got ${options.perClass}`);
  }
  if (!Number.isInteger(seed)) throw new InvalidSpecError("seed", `must be an integer, got ${seed}`);
  for (const c of classes) {
    if (!METER_VARIANTS[c]) {
      throw new InvalidSpecError("classes", `no variants for meter ${c}; known: ${Object.keys(METER_VARIANTS).join(", ")}`);
    }
  }
  const shares = variety.drumlessShare + variety.percussionShare;
  if (!(variety.drumlessShare >= 0 && variety.percussionShare >= 0 && shares <= 1)) {
    throw new InvalidSpecError("variety", "drumlessShare and percussionShare must be ≥ 0 and sum to at most 1");
  }
  return { seed, classes, durationSec, sampleRate, variety, perClass: options.perClass };
}

/**
 * Decide every clip of a corpus (ids, specs) without synthesising anything. Within each class the
 * meter variants and instrumentations are apportioned exactly by weight, then shuffled by the seed.
 */
export function planCorpus(options: CorpusOptions, idPrefix = "syn"): CorpusClip[] {
  const { seed, classes, durationSec, sampleRate, variety, perClass } = resolveCorpusOptions(options);
  const clips: CorpusClip[] = [];
  for (const meterClass of classes) {
    const variants = METER_VARIANTS[meterClass]!;
    const classRng = new Rng(hashSeed(seed, "class", meterClass));
    const variantList = classRng.shuffle(expand(variants, apportion(perClass, variants.map((v) => v.weight))));
    const kinds: Instrumentation[] = ["drumless", "percussion", "drums"];
    const kindWeights = [variety.drumlessShare, variety.percussionShare, 1 - variety.drumlessShare - variety.percussionShare];
    const kindList = classRng.shuffle(expand(kinds, apportion(perClass, kindWeights)));
    for (let index = 0; index < perClass; index++) {
      const variant = variantList[index]!;
      const rng = new Rng(hashSeed(seed, "clip", meterClass, index));
      const bpm = logUniform(rng, variant.denominator >= 8 ? variety.eighthBpmRange : variety.bpmRange);
      const swing = rng.chance(variety.swingShare) ? round(rng.uniform(...variety.swingRange), 3) : 0;
      const tempoDriftPct = rng.chance(variety.driftShare) ? round(rng.uniform(...variety.driftPctRange), 2) : 0;
      const noisy = rng.chance(variety.noiseShare);
      const noiseDb = noisy ? round(rng.uniform(...variety.noiseDbRange), 1) : null;
      const noiseColor = rng.chance(0.5) ? "pink" : "white";
      const spec = resolveClipSpec({
        numerator: variant.numerator,
        denominator: variant.denominator,
        grouping: variant.grouping,
        bpm,
        durationSec,
        sampleRate,
        seed: hashSeed(seed, "clip-seed", meterClass, index),
        instrumentation: kindList[index]!,
        swing,
        tempoDriftPct,
        noiseDb,
        noiseColor,
      });
      const id = `${idPrefix}-${variant.numerator}x${variant.denominator}-${String(index).padStart(4, "0")}`;
      clips.push({ id, meterClass, file: `audio/${id}.wav`, beatsFile: `${ANNOTATIONS_DIR}/${id}.beats`, spec });
    }
  }
  return clips;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

function labelsRow(clip: CorpusClip): string {
  const s = clip.spec;
  return [clip.file, s.numerator, s.denominator, s.bpm.toFixed(1), formatGrouping(s.grouping), s.instrumentation, s.seed].join("\t");
}

/**
 * Synthesise a corpus into `outDir`: `audio/<id>.wav` (16-bit PCM), `annotations/<id>.beats`,
 * `labels.tsv` (written last, so a folder with labels is complete) and `corpus.json` (options and
 * every clip's full spec). Files are written atomically; the same options give identical bytes.
 */
export async function generateCorpus(options: CorpusOptions): Promise<CorpusResult> {
  const resolved = resolveCorpusOptions(options);
  const clips = planCorpus(options);
  const outDir = options.outDir;
  const manifestOptions = {
    generatorVersion: GENERATOR_VERSION,
    seed: resolved.seed,
    classes: resolved.classes,
    perClass: resolved.perClass,
    durationSec: resolved.durationSec,
    sampleRate: resolved.sampleRate,
    variety: resolved.variety,
  };
  const manifest = `${JSON.stringify({ format: "tactus-synthetic-corpus", options: manifestOptions, clips }, null, 2)}\n`;
  await prepareCorpusFolder(outDir, manifest, options.resume === true);

  let written = 0;
  let skipped = 0;
  for (let i = 0; i < clips.length; i++) {
    const clip = clips[i]!;
    const wavPath = join(outDir, clip.file);
    const beatsPath = join(outDir, clip.beatsFile);
    if (options.resume && (await fileSize(wavPath)) === expectedWavBytes(clip.spec)) {
      if ((await fileSize(beatsPath)) === undefined) await writeFileAtomic(beatsPath, formatBeats(composeClip(clip.spec).beats));
      skipped++;
    } else {
      const synth = synthesizeClip(clip.spec);
      await writeWav(wavPath, synth.samples, synth.sampleRate, { format: "pcm16" });
      await writeFileAtomic(beatsPath, formatBeats(synth.beats));
      written++;
    }
    options.onProgress?.(i + 1, clips.length);
  }
  await writeLabels(outDir, clips);
  return { clips, written, skipped };
}

/**
 * Make the corpus folders and write the manifest; with `resume`, refuse a folder whose existing
 * manifest differs (other options or generator version).
 */
export async function prepareCorpusFolder(outDir: string, manifest: string, resume: boolean): Promise<void> {
  const manifestPath = join(outDir, CORPUS_MANIFEST);
  if (resume) {
    let previous: string | undefined;
    try {
      previous = await readFile(manifestPath, "utf8");
    } catch {
      previous = undefined;
    }
    if (previous !== undefined && previous !== manifest) {
      throw new DatasetFormatError(manifestPath, "existing corpus was generated with other options or generator version; use another outDir or resume: false");
    }
  }
  await mkdir(join(outDir, "audio"), { recursive: true });
  await mkdir(join(outDir, ANNOTATIONS_DIR), { recursive: true });
  await writeFileAtomic(manifestPath, manifest);
}

/** Bytes of a clip's 16-bit mono WAV: what a finished clip measures (resume checks it). */
export function expectedWavBytes(spec: ResolvedClipSpec): number {
  return 44 + 2 * Math.round(spec.durationSec! * spec.sampleRate);
}

/** Write `labels.tsv` (last, so a folder with labels is complete) for `clips`. */
export async function writeLabels(outDir: string, clips: readonly CorpusClip[]): Promise<void> {
  await writeFileAtomic(join(outDir, LABELS_FILE), `${LABELS_HEADER.join("\t")}\n${clips.map(labelsRow).join("\n")}\n`);
}
