import { join, resolve } from "node:path";
import { engineComponents } from "@tactus/engine";
import { checkpointHash, initBackend, isModelKind, MODEL_KINDS, type ModelKind } from "@tactus/meternet";
import {
  currentFingerprints,
  dataPaths,
  defaultTrainConfig,
  loadDataset,
  parseSharpen,
  pct,
  perClassLine,
  saveTrainedModel,
  type TrainConfig,
  trainModel,
} from "@tactus/trainer";
import type { Command } from "commander";
import { UsageError } from "../fail.js";
import { nonNegativeInt, positiveInt } from "../options.js";

export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

export function modelKind(value: string): ModelKind {
  if (!isModelKind(value)) throw new UsageError(`--model: unknown model "${value}" (known: ${MODEL_KINDS.join(", ")})`);
  return value;
}

interface TrainOptions {
  model: ModelKind;
  dataRoot?: string;
  datasetDir?: string;
  save?: string;
  epochs: number;
  batchSize: number;
  lr: number;
  hidden?: number;
  blocks?: number;
  dropout: number;
  bottleneck: number;
  weightDecay: number;
  focal?: boolean;
  seed: number;
  patience: number;
  sharpen?: string;
  boostRare: number;
  logEvery: number;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
}

export function registerTrainCommand(program: Command): void {
  program
    .command("train")
    .description("one training run on the extracted dataset; selection by validation balanced accuracy")
    .option("--model <kind>", `${MODEL_KINDS.join(" | ")}`, modelKind, "meternet")
    .option("--data-root <dir>", "pipeline data folder (default: $TACTUS_DATA_DIR or data)")
    .option("--dataset-dir <dir>", "extracted dataset (default: <data root>/meter_net_dataset)")
    .option("--save <dir>", "checkpoint directory (default: <data root>/checkpoints/<model>_<time>)")
    .option("--epochs <n>", "maximum epochs", positiveInt("--epochs"), 200)
    .option("--batch-size <n>", "batch size (a trailing 1-row batch joins the previous one)", positiveInt("--batch-size"), 64)
    .option("--lr <x>", "AdamW learning rate", positiveNumber("--lr"), 8e-4)
    .option("--hidden <n>", "hidden width (default per model: meternet 640, arbiter 64, onset-mlp 256)", positiveInt("--hidden"))
    .option("--blocks <n>", "residual blocks (meternet)", nonNegativeInt("--blocks"))
    .option("--dropout <x>", "dropout scale (multiplies every dropout rate)", positiveNumber("--dropout"), 1)
    .option("--bottleneck <n>", "meternet: compress the autocorrelation block to N (0 = off)", nonNegativeInt("--bottleneck"), 0)
    .option("--weight-decay <x>", "AdamW decoupled weight decay", positiveNumber("--weight-decay"), 1e-3)
    .option("--focal", "focal BCE (γ = 2) instead of BCE")
    .option("--seed <n>", "seed (weights, sampling, augmentation, dropout)", nonNegativeInt("--seed"), 42)
    .option("--patience <n>", "early stopping after N epochs without a new best", positiveInt("--patience"), 50)
    .option("--sharpen <spec>", "arbiter: per-signal exponents, e.g. autocorr:1.5,bar_tracking:2 (or all:1.5)")
    .option("--boost-rare <x>", "arbiter: multiply pos_weight of classes 5, 7, 9, 11", positiveNumber("--boost-rare"), 1)
    .option("--log-every <n>", "print every Nth epoch line (first 3, new bests and the last are always printed)", positiveInt("--log-every"), 1)
    .action(async (opts: TrainOptions) => {
      if (opts.model !== "arbiter" && (opts.sharpen || opts.boostRare !== 1)) throw new UsageError("--sharpen and --boost-rare are arbiter options");
      const paths = dataPaths(opts.dataRoot, opts.model);
      const datasetDir = resolve(opts.datasetDir ?? paths.dataset);
      const dataset = loadDataset(datasetDir, currentFingerprints(engineComponents().all));
      const defaults = defaultTrainConfig(opts.model);
      const config: TrainConfig = {
        ...defaults,
        epochs: opts.epochs,
        batchSize: opts.batchSize,
        lr: opts.lr,
        hidden: opts.hidden ?? defaults.hidden,
        nBlocks: opts.blocks ?? defaults.nBlocks,
        dropoutScale: opts.dropout,
        bottleneck: opts.bottleneck,
        weightDecay: opts.weightDecay,
        focal: Boolean(opts.focal),
        seed: opts.seed,
        patience: opts.patience,
        sharpen: parseSharpen(opts.sharpen),
        boostRare: opts.boostRare,
      };
      const backend = await initBackend();
      const sizes = Object.entries(dataset.meta.splits).map(([s, n]) => `${s} ${n}`).join(", ");
      process.stdout.write(`train ${opts.model}: ${sizes} rows from ${datasetDir} | backend ${backend.name} | hidden ${config.hidden}, lr ${config.lr}, epochs ${config.epochs}\n`);
      const result = await trainModel(dataset, config, {
        log: (line) => {
          const m = /^ {2}ep +(\d+)\//.exec(line);
          if (m) {
            const e = Number(m[1]);
            if (!(e <= 3 || e % opts.logEvery === 0 || e === config.epochs || line.endsWith("*BEST"))) return;
          }
          process.stdout.write(`${line}\n`);
        },
      });
      process.stdout.write(`Val per-class: ${perClassLine(result.val)}\n`);
      const dir = resolve(opts.save ?? join(paths.checkpoints, `${opts.model}_${stamp()}`));
      await saveTrainedModel({ dir, command: `tactus ${process.argv.slice(2).join(" ")}`, dataset, config, result });
      process.stdout.write(
        `saved ${dir} (val bal ${pct(result.val.balancedAccuracy)} at epoch ${result.bestEpoch}; ${result.secondsPerEpoch.toFixed(2)} s/epoch)\n`,
      );
      if (opts.model === "onset-mlp") {
        process.stdout.write(`onset-mlp checkpoint hash ${await checkpointHash(dir)}: the onset_mlp signal's cache component must carry it (extra)\n`);
      }
    });
}
