import { DEFAULT_CLASSES, FLUIDSYNTH_PACKAGES, generateCorpus, renderCorpus } from "@tactus/datasets";
import type { Command } from "commander";
import { UsageError } from "../fail.js";
import { nonNegativeInt, positiveInt } from "../options.js";
import { startProgress } from "../progress.js";

interface CorpusCommandOptions {
  out: string;
  perClass: number;
  seed: number;
  duration: number;
  classes: number[];
  resume?: boolean;
}

/** The options `corpus synth` and `corpus render` share. */
function corpusOptions(command: Command): Command {
  return command
    .requiredOption("--out <dir>", "output folder")
    .option("--per-class <n>", "clips per meter class", nonNegativeInt("--per-class"), 10)
    .option("--seed <n>", "random seed (same seed, same bytes)", nonNegativeInt("--seed"), 1)
    .option("--duration <sec>", "clip length in seconds", Number, 30)
    .option(
      "--classes <list>",
      "meter classes (numerators), comma-separated",
      (v: string) => v.split(",").map(Number),
      [...DEFAULT_CLASSES],
    )
    .option("--resume", "keep clips already written by an earlier run with the same options");
}

/** The corpus options every writer takes, from the shared command-line options. */
function corpusArgs(opts: CorpusCommandOptions, onProgress: (done: number) => void) {
  const { out: outDir, perClass, seed, classes, duration: durationSec, resume } = opts;
  return { outDir, perClass, seed, classes, durationSec, resume, onProgress };
}

/** Run a corpus writer with a progress bar fed by its `onProgress(done, total)`. */
async function withProgress<T>(
  title: string,
  opts: CorpusCommandOptions,
  write: (onProgress: (done: number) => void) => Promise<T>,
): Promise<T> {
  if (!(opts.duration > 0)) throw new UsageError(`--duration must be positive, got ${opts.duration}`);
  const progress = startProgress(title, opts.perClass * opts.classes.length);
  let seen = 0;
  try {
    return await write((done) => {
      progress.tick(done - seen);
      seen = done;
    });
  } finally {
    progress.stop();
  }
}

export function registerCorpusCommands(program: Command): void {
  const corpus = program.command("corpus").description("make training and test corpora");
  corpusOptions(
    corpus.command("synth").description("write a seeded synthetic corpus: audio/*.wav, labels.tsv, annotations/*.beats"),
  ).action(async (opts: CorpusCommandOptions) => {
    const result = await withProgress("synth", opts, (onProgress) =>
      generateCorpus(corpusArgs(opts, onProgress)),
    );
    process.stdout.write(`wrote ${result.written} clips, kept ${result.skipped} (${result.clips.length} in ${opts.out}/labels.tsv)\n`);
  });

  corpusOptions(
    corpus
      .command("render")
      .description(
        `render a seeded multi-instrument corpus with FluidSynth and a GM sound font (needs the packages ${FLUIDSYNTH_PACKAGES.join(" and ")}; installs nothing): audio/*.wav, midi/*.mid, labels.tsv, annotations/*.beats`,
      ),
  )
    .option("--soundfont <path>", "GM sound font (.sf2); default $TACTUS_SOUNDFONT, then the fluid-soundfont-gm one")
    .option("-w, --workers <n>", "FluidSynth processes at once", positiveInt("--workers"), 1)
    .action(async (opts: CorpusCommandOptions & { soundfont?: string; workers: number }) => {
      const started = Date.now();
      const result = await withProgress("render", opts, (onProgress) =>
        renderCorpus({ ...corpusArgs(opts, onProgress), soundfont: opts.soundfont, workers: opts.workers }),
      );
      const wallSec = (Date.now() - started) / 1000;
      const listed = result.clips.length - result.failed.length;
      process.stdout.write(
        `wrote ${result.written} clips, kept ${result.skipped}, failed ${result.failed.length} (${listed} in ${opts.out}/labels.tsv); ` +
          `${result.audioSec.toFixed(0)} s of audio in ${wallSec.toFixed(1)} s (${(result.audioSec / wallSec).toFixed(1)}× real time); ` +
          `${result.setup.version}, ${result.setup.soundfont}, latency ${result.latencySamples} samples trimmed\n`,
      );
      for (const f of result.failed) process.stderr.write(`tactus: corpus render: ${f.id}: ${f.error}\n`);
      if (result.failed.length > 0) process.exitCode = 1;
    });
}
