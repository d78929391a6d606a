/**
 * One training run, reference/pipeline.md §4.4, without its NOTEs: standardisation fitted on train
 * only; pos_weight; class-balanced sampling with replacement; scale + noise augmentation; CutMix on
 * every batch; BCE (or focal BCE); AdamW with decoupled weight decay; cosine warm restarts stepped
 * per epoch; selection and early stopping on VALIDATION balanced accuracy. No batch-norm batch of
 * one row in training mode (a trailing single row joins the previous batch), and the train-accuracy
 * pass runs in inference mode so it never touches the running statistics. The test split is only
 * reported, after training.
 */
import { execFileSync } from "node:child_process";
import {
  AdamW,
  type Backend,
  createModel,
  createRng,
  DEFAULT_HYPER_PARAMETERS,
  disposeModel,
  fitStandardisation,
  forward,
  type HyperParameters,
  initBackend,
  inputLayout,
  type Model,
  type ModelKind,
  modelFromWeights,
  predict,
  type Rng,
  saveCheckpoint,
  setStandardisation,
  standardise,
  trainStep,
  weightValues,
} from "@tactus/meternet";
import { METER_CLASSES, METER_KEYS } from "@tactus/signals";
import { formatSharpen, type LoadedDataset, missingOnsetMlpInput, modelInput, type Sharpen, type SplitData } from "./dataset.js";
import { describeSources } from "./extract.js";
import { displayPath } from "./files.js";
import { argmax, classIndex, N_CLASSES } from "./labels.js";
import { type ClassMetrics, pct, rowMetrics } from "./metrics.js";

type TF = Backend["tf"];
type Tensor2D = ReturnType<TF["tensor2d"]>;

export interface TrainConfig {
  kind: ModelKind;
  /** Maximum epochs (default 200). */
  epochs: number;
  batchSize: number;
  lr: number;
  hidden: number;
  nBlocks: number;
  dropoutScale: number;
  bottleneck: number;
  weightDecay: number;
  /** Focal BCE (γ = 2) instead of BCE. */
  focal: boolean;
  seed: number;
  /** Early stopping: epochs without a new best validation balanced accuracy. */
  patience: number;
  /** Cosine warm restarts: first cycle length and growth factor. */
  t0: number;
  tMult: number;
  /** Arbiter: per-signal exponents on the input scores. */
  sharpen: Sharpen;
  /** Arbiter: multiplies pos_weight of the rare classes (5, 7, 9, 11) before clipping. */
  boostRare: number;
}

export const RARE_CLASSES: readonly number[] = [5, 7, 9, 11];

/** The reference's defaults (§4.1, §4.4), per model kind. */
export function defaultTrainConfig(kind: ModelKind = "meternet"): TrainConfig {
  const hp = DEFAULT_HYPER_PARAMETERS[kind];
  return {
    kind,
    epochs: 200,
    batchSize: 64,
    lr: 8e-4,
    hidden: hp.hidden,
    nBlocks: hp.nBlocks,
    dropoutScale: hp.dropoutScale,
    bottleneck: hp.bottleneck,
    weightDecay: 1e-3,
    focal: false,
    seed: 42,
    patience: 50,
    t0: 50,
    tMult: 2,
    sharpen: {},
    boostRare: 1,
  };
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  lr: number;
  trainAccuracy: number;
  valBalanced: number;
  valOverall: number;
  best: number;
  bestEpoch: number;
  improved: boolean;
  seconds: number;
}

export interface TrainHooks {
  /** Called after every epoch; returning "stop" ends training (grid pruning). */
  onEpoch?: (report: EpochReport) => undefined | "stop";
  /** Log lines (epoch lines, early stopping, summary). */
  log?: (line: string) => void;
  /**
   * Warnings, e.g. an Arbiter trained without its onset_mlp input (default: `process.emitWarning`;
   * they are also written to `log`).
   */
  warn?: (message: string) => void;
}

export interface TrainResult {
  /** The model restored to its best validation epoch. */
  model: Model;
  bestEpoch: number;
  /** Validation metrics at the best epoch. */
  val: ClassMetrics;
  epochsRun: number;
  stoppedEarly: boolean;
  /** Stopped by `onEpoch`. */
  stoppedByHook: boolean;
  /** Honest test report (null when there is no test split); never used for selection. */
  test: ClassMetrics | null;
  secondsPerEpoch: number;
  /** Arbiter: whether its onset_mlp inputs came from the dataset (false: they were zeros). Null for other kinds. */
  onsetMlpInput: boolean | null;
}

/** pos_weight = clip(neg / max(pos, 1), 0.5, 10) per class over soft targets; boost for the rare classes. */
export function positiveWeights(y: Float32Array, n: number, boostRare = 1): Float32Array {
  const out = new Float32Array(N_CLASSES);
  for (let c = 0; c < N_CLASSES; c++) {
    let pos = 0;
    for (let r = 0; r < n; r++) pos += y[r * N_CLASSES + c]!;
    let w = (n - pos) / Math.max(pos, 1);
    if (boostRare !== 1 && RARE_CLASSES.includes(METER_CLASSES[c]!)) w *= boostRare;
    out[c] = Math.min(10, Math.max(0.5, w));
  }
  return out;
}

/** Learning rate of CosineAnnealingWarmRestarts(T0, Tmult, eta_min = 0) at 0-based epoch `e`. */
export function cosineWarmRestartLr(base: number, e: number, t0: number, tMult: number): number {
  let ti = t0;
  let t = e;
  while (t >= ti) {
    t -= ti;
    ti *= tMult;
  }
  return (base * (1 + Math.cos((Math.PI * t) / ti))) / 2;
}

/** Sample weight N / (6 · count[primary]) — a draw per class is equally likely. */
export function samplerWeights(primaries: readonly number[]): Float64Array {
  const counts = new Map<number, number>();
  for (const p of primaries) counts.set(p, (counts.get(p) ?? 0) + 1);
  return Float64Array.from(primaries, (p) => primaries.length / (N_CLASSES * counts.get(p)!));
}

/** `count` indices drawn with replacement, proportional to `weights`. */
export function sampleWithReplacement(weights: Float64Array, count: number, rng: Rng): Int32Array {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    cumulative[i] = sum;
  });
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const u = rng.next() * sum;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[k] = lo;
  }
  return out;
}

/** Batch boundaries over n rows; a trailing batch of one row is merged into the previous one. */
export function batchBounds(n: number, batchSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += batchSize) out.push([start, Math.min(n, start + batchSize)]);
  const last = out[out.length - 1];
  if (out.length > 1 && last && last[1] - last[0] === 1) {
    out.pop();
    out[out.length - 1]![1] = n;
  }
  return out;
}

function shuffled(n: number, rng: Rng): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Rows whose primary meter is one of the six classes (others are dropped, as in the reference). */
function usable(split: SplitData): number[] {
  return split.rows.flatMap((r, i) => (classIndex(r.primary) >= 0 ? [i] : []));
}

function take(split: SplitData, indices: readonly number[], kind: ModelKind, sharpen: Sharpen) {
  const D = split.x.length / Math.max(split.n, 1);
  const K = METER_KEYS.length;
  const x = new Float32Array(indices.length * D);
  const y = new Float32Array(indices.length * N_CLASSES);
  const scores = split.onsetMlp ? new Float32Array(indices.length * K) : null;
  indices.forEach((r, i) => {
    x.set(split.x.subarray(r * D, (r + 1) * D), i * D);
    y.set(split.y.subarray(r * N_CLASSES, (r + 1) * N_CLASSES), i * N_CLASSES);
    scores?.set(split.onsetMlp!.subarray(r * K, (r + 1) * K), i * K);
  });
  return {
    n: indices.length,
    x: modelInput(kind, x, indices.length, { sharpen, ...(scores ? { onsetMlpScores: scores } : {}) }),
    y,
    primaries: indices.map((r) => split.rows[r]!.primary),
  };
}

/** Trains one model on the dataset's train split, selecting on its val split. */
export async function trainModel(dataset: LoadedDataset, config: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const log = hooks.log ?? (() => {});
  const { tf } = await initBackend();
  const trainSplit = dataset.splits.train;
  const valSplit = dataset.splits.val;
  if (!trainSplit || trainSplit.n < 2) throw new Error(`${dataset.dir}: the train split needs at least 2 rows (has ${trainSplit?.n ?? 0})`);
  if (!valSplit || valSplit.n === 0) throw new Error(`${dataset.dir}: the val split is empty; selection needs validation rows`);
  const missingInput = config.kind === "arbiter" ? missingOnsetMlpInput(dataset) : null;
  if (missingInput) {
    log(`WARNING: ${missingInput}`);
    (hooks.warn ?? ((m: string) => process.emitWarning(m, { code: "TACTUS_ARBITER_NO_ONSET_MLP" })))(missingInput);
  }
  const train = take(trainSplit, usable(trainSplit), config.kind, config.sharpen);
  const val = take(valSplit, usable(valSplit), config.kind, config.sharpen);
  const testSplit = dataset.splits.test;
  const test = testSplit && testSplit.n > 0 ? take(testSplit, usable(testSplit), config.kind, config.sharpen) : null;
  const D = inputLayout(config.kind).length;

  const hp: Partial<HyperParameters> = {
    hidden: config.hidden,
    nBlocks: config.nBlocks,
    dropoutScale: config.dropoutScale,
    bottleneck: config.bottleneck,
  };
  let model = createModel(config.kind, hp, config.seed);
  setStandardisation(model, fitStandardisation(train.x, train.n, D));
  const rng = createRng(config.seed + 1);
  const optimizer = new AdamW({ learningRate: config.lr, weightDecay: config.weightDecay });
  const posWeight = positiveWeights(train.y, train.n, config.boostRare);
  const weights = samplerWeights(train.primaries);
  const focalGamma = config.focal ? 2 : 0;

  let best = -1;
  let bestEpoch = 0;
  let bestWeights = weightValues(model);
  let bestVal: ClassMetrics | null = null;
  let sinceBest = 0;
  let epochsRun = 0;
  let stoppedEarly = false;
  let stoppedByHook = false;
  let trainSeconds = 0;
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const t0 = performance.now();
      optimizer.learningRate = cosineWarmRestartLr(config.lr, epoch - 1, config.t0, config.tMult);
      const order = sampleWithReplacement(weights, train.n, rng);
      let lossSum = 0;
      let steps = 0;
      let trainCorrect = 0;
      for (const [start, end] of batchBounds(train.n, config.batchSize)) {
        const n = end - start;
        const xb = new Float32Array(n * D);
        const yb = new Float32Array(n * N_CLASSES);
        for (let i = 0; i < n; i++) {
          const r = order[start + i]!;
          xb.set(train.x.subarray(r * D, (r + 1) * D), i * D);
          yb.set(train.y.subarray(r * N_CLASSES, (r + 1) * N_CLASSES), i * N_CLASSES);
        }
        // CutMix: one contiguous column range from a permuted partner, targets mixed by area.
        const lambda = rng.next();
        const cutLength = Math.floor(D * (1 - lambda));
        const cutStart = Math.floor(rng.next() * Math.max(1, D - cutLength));
        const perm = shuffled(n, rng);
        const keep = 1 - cutLength / D;
        const mask = new Float32Array(D);
        mask.fill(1, cutStart, cutStart + cutLength);
        const yMixed = new Float32Array(n * N_CLASSES);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < N_CLASSES; c++) {
            yMixed[i * N_CLASSES + c] = keep * yb[i * N_CLASSES + c]! + (1 - keep) * yb[perm[i]! * N_CLASSES + c]!;
          }
        }
        const scaleSeed = rng.nextSeed();
        const noiseSeed = rng.nextSeed();
        const { augmented, mixed, targets } = tf.tidy(() => {
          const standardised = standardise(model, tf.tensor2d(xb, [n, D]));
          const scale = tf.randomUniform([n, 1], 0.95, 1.05, "float32", scaleSeed);
          const noise = tf.randomNormal([n, D], 0, 0.02, "float32", noiseSeed);
          const augmented = tf.add(tf.mul(standardised, scale), noise) as Tensor2D;
          const m = tf.tensor2d(mask, [1, D]);
          const partner = tf.gather(augmented, tf.tensor1d(perm, "int32"));
          const mixed = tf.add(tf.mul(augmented, tf.sub(1, m)), tf.mul(partner, m)) as Tensor2D;
          return { augmented, mixed, targets: tf.tensor2d(yMixed, [n, N_CLASSES]) };
        });
        lossSum += trainStep(model, optimizer, mixed, targets, { rng, posWeight, focalGamma });
        steps++;
        // Train accuracy on the augmented, unmixed batch, batch-norm in inference mode.
        const logits = tf.tidy(() => forward(model, augmented, { training: false }));
        const scores = logits.dataSync();
        for (let i = 0; i < n; i++) if (argmax(scores, i * N_CLASSES, N_CLASSES) === argmax(yb, i * N_CLASSES, N_CLASSES)) trainCorrect++;
        tf.dispose([augmented, mixed, targets, logits]);
      }
      trainSeconds += (performance.now() - t0) / 1000;
      epochsRun = epoch;

      const valMetrics = rowMetrics(predict(model, val.x, val.n), val.y, val.n);
      const improved = valMetrics.balancedAccuracy > best;
      if (improved) {
        best = valMetrics.balancedAccuracy;
        bestEpoch = epoch;
        bestWeights = weightValues(model);
        bestVal = valMetrics;
        sinceBest = 0;
      } else sinceBest++;
      const report: EpochReport = {
        epoch,
        epochs: config.epochs,
        loss: lossSum / Math.max(steps, 1),
        lr: optimizer.learningRate,
        trainAccuracy: trainCorrect / train.n,
        valBalanced: valMetrics.balancedAccuracy,
        valOverall: valMetrics.accuracy,
        best,
        bestEpoch,
        improved,
        seconds: (performance.now() - t0) / 1000,
      };
      log(epochLine(report));
      // Let IPC messages (grid pruning) and signals in between epochs.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (hooks.onEpoch?.(report) === "stop") {
        stoppedByHook = true;
        break;
      }
      if (sinceBest >= config.patience) {
        stoppedEarly = true;
        log(`Early stopping at epoch ${epoch} (best was ep ${bestEpoch})`);
        break;
      }
    }
  } finally {
    optimizer.dispose();
  }
  const restored = modelFromWeights(model.architecture, model.hyperParameters, bestWeights, model.standardisation);
  disposeModel(model);
  model = restored;
  log(`Best val balanced acc: ${pct(best)} at epoch ${bestEpoch}`);

  let testMetrics: ClassMetrics | null = null;
  if (test && test.n > 0) {
    testMetrics = rowMetrics(predict(model, test.x, test.n), test.y, test.n);
    log(`Test overall: ${testMetrics.correct}/${testMetrics.total} = ${pct(testMetrics.accuracy)}  (reported only; never used for selection)`);
    log(`Per-class: ${perClassLine(testMetrics)}`);
  }
  return {
    model,
    bestEpoch,
    val: bestVal ?? rowMetrics(new Float32Array(val.n * N_CLASSES), val.y, val.n),
    epochsRun,
    stoppedEarly,
    stoppedByHook,
    test: testMetrics,
    secondsPerEpoch: trainSeconds / Math.max(epochsRun, 1),
    onsetMlpInput: config.kind === "arbiter" ? missingInput === null : null,
  };
}

export function perClassLine(m: ClassMetrics): string {
  return Object.entries(m.perClass)
    .map(([meter, c]) => `${meter}/x:${c.correct}/${c.total} (${pct(c.correct / c.total)})`)
    .join(" | ");
}

/** `  ep   5/200  train_acc 61.0%  val_bal 55.0%  val_overall 57.1%  best 55.0% (ep 5) *BEST` */
export function epochLine(r: EpochReport): string {
  return (
    `  ep ${String(r.epoch).padStart(3)}/${r.epochs}  train_acc ${pct(r.trainAccuracy)}  val_bal ${pct(r.valBalanced)}  ` +
    `val_overall ${pct(r.valOverall)}  best ${pct(r.best)} (ep ${r.bestEpoch})  loss ${r.loss.toFixed(4)}  lr ${r.lr.toExponential(2)}` +
    `  ${r.seconds.toFixed(2)}s${r.improved ? " *BEST" : ""}`
  );
}

let revision: string | undefined;

/** `git describe`-like revision of the working tree ("abc1234", "+dirty" when modified), or "unknown". */
export function codeRevision(): string {
  if (revision !== undefined) return revision;
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    revision = dirty ? `${commit}+dirty` : commit;
  } catch {
    revision = "unknown";
  }
  return revision;
}

export interface SaveRunOptions {
  dir: string;
  command: string;
  dataset: LoadedDataset;
  config: TrainConfig;
  result: TrainResult;
}

/** Saves the trained model as a checkpoint directory (meternet's format) with provenance and val metrics. */
export async function saveTrainedModel({ dir, command, dataset, config, result }: SaveRunOptions): Promise<void> {
  const sizes = Object.entries(dataset.meta.splits)
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  await saveCheckpoint(dir, result.model, {
    hyperParameters: {
      epochs: config.epochs,
      batchSize: config.batchSize,
      lr: config.lr,
      weightDecay: config.weightDecay,
      focal: config.focal,
      seed: config.seed,
      patience: config.patience,
      t0: config.t0,
      tMult: config.tMult,
      sharpen: formatSharpen(config.sharpen),
      boostRare: config.boostRare,
      // Arbiter: trained on the onset-MLP signal's scores, or on zeros in their place (eval matches it).
      ...(result.onsetMlpInput !== null ? { onsetMlpInput: result.onsetMlpInput } : {}),
    },
    validationMetrics: {
      balancedAccuracy: result.val.balancedAccuracy,
      accuracy: result.val.accuracy,
      correct: result.val.correct,
      total: result.val.total,
      perClass: Object.fromEntries(Object.entries(result.val.perClass).map(([m, c]) => [m, { correct: c.correct, total: c.total }])),
      bestEpoch: result.bestEpoch,
      epochsRun: result.epochsRun,
      stoppedEarly: result.stoppedEarly,
    },
    provenance: {
      command,
      dataset: `${displayPath(dataset.dir)} (layout ${dataset.meta.layoutId}; ${sizes}; extracted ${dataset.meta.createdAt})${
        dataset.meta.sources ? `; sources: ${describeSources(dataset.meta.sources)}` : ""
      }`,
      codeRevision: codeRevision(),
    },
  });
}
