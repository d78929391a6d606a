import { DEFAULT_CLASSES, generateCorpus } from "@tactus/datasets";
import type { Command } from "commander";
import { UsageError } from "../fail.js";
import { nonNegativeInt } from "../options.js";
import { startProgress } from "../progress.js";

export function registerCorpusCommands(program: Command): void {
  const corpus = program.command("corpus").description("make training and test corpora");
  corpus
    .command("synth")
    .description("write a seeded synthetic corpus: audio/*.wav, labels.tsv, annotations/*.beats")
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
    .option("--resume", "keep clips already written by an earlier run with the same options")
    .action(
      async (opts: {
        out: string;
        perClass: number;
        seed: number;
        duration: number;
        classes: number[];
        resume?: boolean;
      }) => {
        if (!(opts.duration > 0)) throw new UsageError(`--duration must be positive, got ${opts.duration}`);
        const total = opts.perClass * opts.classes.length;
        const progress = startProgress("synth", total);
        let seen = 0;
        try {
          const result = await generateCorpus({
            outDir: opts.out,
            perClass: opts.perClass,
            seed: opts.seed,
            classes: opts.classes,
            durationSec: opts.duration,
            resume: opts.resume,
            onProgress: (done) => {
              progress.tick(done - seen);
              seen = done;
            },
          });
          progress.stop();
          process.stdout.write(
            `wrote ${result.written} clips, kept ${result.skipped} (${result.clips.length} in ${opts.out}/labels.tsv)\n`,
          );
        } finally {
          progress.stop();
        }
      },
    );
}
