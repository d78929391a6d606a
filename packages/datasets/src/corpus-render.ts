/**
 * A corpus rendered with a General MIDI sound font: the synthetic generator's compositions (its
 * meters, groupings, tempi, instrumentations, harmony and parts), with GM instruments, a melody,
 * reverb and chorus, rendered by FluidSynth. Same folder layout as {@link generateCorpus}, plus
 * `midi/<id>.mid`; every clip's spec and GM arrangement is in corpus.json.
 */
import { basename, join } from "node:path";
import { writeWav } from "@tactus/audio";
import { formatBeats } from "./beats-file.js";
import {
  type CorpusClip,
  type CorpusOptions,
  type CorpusVariety,
  DEFAULT_VARIETY,
  expectedWavBytes,
  fileSize,
  GENERATOR_VERSION,
  planCorpus,
  prepareCorpusFolder,
  resolveCorpusOptions,
  writeFileAtomic,
  writeLabels,
} from "./corpus.js";
import { chooseGmArrangement, type GmArrangement } from "./gm.js";
import { hashSeed } from "./prng.js";
import { type FluidsynthOptions, type FluidsynthSetup, findFluidsynth, measureFluidsynthLatency, renderGmClip } from "./render-midi.js";
import { composeClip } from "./synthesize.js";

/** Bumped whenever the MIDI mapping, melody or post-processing changes (the composer has {@link GENERATOR_VERSION}). */
export const RENDER_GENERATOR_VERSION = 1;
export const MIDI_DIR = "midi";

/** More drumless clips than the DSP corpus: real training data needs meter heard without a kit. */
export const RENDER_VARIETY: CorpusVariety = { ...DEFAULT_VARIETY, drumlessShare: 0.25, percussionShare: 0.15 };

export interface RenderedCorpusClip extends CorpusClip {
  /** The MIDI file rendered, relative to the corpus folder. */
  midiFile: string;
  arrangement: GmArrangement;
}

export interface RenderCorpusOptions extends CorpusOptions, FluidsynthOptions {
  /** FluidSynth processes run at once (default 1). */
  workers?: number;
}

export interface RenderCorpusResult {
  clips: RenderedCorpusClip[];
  written: number;
  skipped: number;
  /** Clips that could not be rendered (left out of labels.tsv); the others are complete. */
  failed: { id: string; error: string }[];
  setup: FluidsynthSetup;
  /** Samples trimmed from the start of each render (FluidSynth's measured latency). */
  latencySamples: number;
  /** Seconds of audio written by this run. */
  audioSec: number;
}

/**
 * Decide every clip of a rendered corpus without rendering: the same planning as the synthetic
 * corpus (balanced classes, variants and instrumentations) from a seed of its own, ids `gm-…`,
 * and each clip's GM arrangement.
 */
export function planRenderCorpus(options: CorpusOptions): RenderedCorpusClip[] {
  const { seed } = resolveCorpusOptions(options);
  const clips = planCorpus({ ...options, seed: hashSeed(seed, "gm-render"), variety: { ...RENDER_VARIETY, ...options.variety } }, "gm");
  return clips.map((clip) => ({
    ...clip,
    midiFile: `${MIDI_DIR}/${clip.id}.mid`,
    arrangement: chooseGmArrangement(clip.spec.seed, clip.spec.instrumentation),
  }));
}

/**
 * Render a corpus into `outDir` with FluidSynth: `audio/<id>.wav` (16-bit PCM), `midi/<id>.mid`,
 * `annotations/<id>.beats`, `labels.tsv` (last, listing the clips rendered) and `corpus.json`.
 * Checks for FluidSynth and a sound font first and throws a `RenderToolError` naming the packages
 * to install; installs nothing. A clip that fails is reported in `failed` and the others go on.
 */
export async function renderCorpus(options: RenderCorpusOptions): Promise<RenderCorpusResult> {
  const variety = { ...RENDER_VARIETY, ...options.variety };
  const resolved = resolveCorpusOptions({ ...options, variety });
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const clips = planRenderCorpus(options);
  const setup = await findFluidsynth(options);
  const latencySamples = await measureFluidsynthLatency(setup, resolved.sampleRate);
  const manifestOptions = {
    generatorVersion: GENERATOR_VERSION,
    renderVersion: RENDER_GENERATOR_VERSION,
    seed: resolved.seed,
    classes: resolved.classes,
    perClass: resolved.perClass,
    durationSec: resolved.durationSec,
    sampleRate: resolved.sampleRate,
    variety,
    fluidsynth: setup.version,
    soundfont: { file: basename(setup.soundfont), bytes: setup.soundfontBytes },
    latencySamples,
  };
  const outDir = options.outDir;
  const manifest = `${JSON.stringify({ format: "tactus-rendered-corpus", options: manifestOptions, clips }, null, 2)}\n`;
  await prepareCorpusFolder(outDir, manifest, options.resume === true);

  let written = 0;
  let skipped = 0;
  let done = 0;
  let audioSec = 0;
  const failed: { id: string; error: string }[] = [];
  const renderOne = async (clip: RenderedCorpusClip) => {
    const wavPath = join(outDir, clip.file);
    const beatsPath = join(outDir, clip.beatsFile);
    const midiPath = join(outDir, clip.midiFile);
    if (options.resume && (await fileSize(wavPath)) === expectedWavBytes(clip.spec) && (await fileSize(midiPath)) !== undefined) {
      if ((await fileSize(beatsPath)) === undefined) await writeFileAtomic(beatsPath, formatBeats(composeClip(clip.spec).beats));
      skipped++;
      return;
    }
    const rendered = await renderGmClip(clip.spec, clip.arrangement, setup, latencySamples);
    await writeFileAtomic(midiPath, rendered.midi);
    await writeFileAtomic(beatsPath, formatBeats(rendered.beats));
    await writeWav(wavPath, rendered.samples, clip.spec.sampleRate, { format: "pcm16" });
    audioSec += rendered.samples.length / clip.spec.sampleRate;
    written++;
  };
  let next = 0;
  const worker = async () => {
    while (next < clips.length) {
      const clip = clips[next++]!;
      try {
        await renderOne(clip);
      } catch (err) {
        failed.push({ id: clip.id, error: err instanceof Error ? err.message : String(err) });
      }
      options.onProgress?.(++done, clips.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, clips.length) }, worker));
  const failedIds = new Set(failed.map((f) => f.id));
  await writeLabels(outDir, clips.filter((c) => !failedIds.has(c.id)));
  failed.sort((a, b) => a.id.localeCompare(b.id));
  return { clips, written, skipped, failed, setup, latencySamples, audioSec };
}
