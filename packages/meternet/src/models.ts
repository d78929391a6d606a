/**
 * MeterNet, Arbiter and onset-MLP as plain tfjs-core ops over a declarative architecture.
 *
 * Why not tfjs-layers: its Dropout reuses one fixed mask when seeded (tf.dropout with a constant
 * seed) and its fit() shuffles with Math.random, so runs cannot be reproduced; with our own ops
 * every random draw comes from a seed, batch-norm statistics are updated exactly as PyTorch does
 * (reference/pipeline.md §4.3), and inference always uses the running statistics.
 *
 * The architecture is data (a list of layers), stored as the `modelTopology` of model.json and
 * validated field by field when loaded; nothing in a checkpoint is ever executed.
 */
import * as tf from "@tensorflow/tfjs-core";
// Side effect: registers tfjs-core's gradient functions (tfjs-core's Node build ships without
// them, and its ESM register_all_gradients cannot be loaded by Node directly).
import "@tensorflow/tfjs-layers";
import { subBlockRange } from "@tactus/features";
import { METER_CLASSES } from "@tactus/signals";
import { inputLayout, type ModelKind } from "./inputs.js";
import { createRng, type Rng, uniformArray } from "./rng.js";

export type Layer =
  | { type: "dense"; name: string; units: number }
  | { type: "batchNorm"; name: string; epsilon: number; momentum: number }
  | { type: "relu" }
  | { type: "dropout"; rate: number }
  /** x + layers(x); the inner layers must keep the width. */
  | { type: "residual"; layers: Layer[] }
  /** relu(dense(x[:, :splitAt])) concatenated with x[:, splitAt:] (MeterNet's `ac_compress`). */
  | { type: "splitDense"; name: string; splitAt: number; units: number };

export interface Architecture {
  kind: ModelKind;
  inputLength: number;
  /** One sigmoid output per METER_CLASSES entry. */
  outputLength: number;
  layers: Layer[];
}

/** Architecture hyper-parameters (training ones such as the learning rate belong to the trainer). */
export interface HyperParameters {
  /** Hidden width: MeterNet h (head h2 = max(⌊0.4h⌋, 64), h4 = max(⌊0.2h⌋, 32)); Arbiter/onset-MLP first layer (second = h/2). */
  hidden: number;
  /** MeterNet residual blocks. */
  nBlocks: number;
  /** Multiplies every dropout rate (each capped at 0.5). */
  dropoutScale: number;
  /** MeterNet: > 0 compresses the autocorrelation sub-block (A1) to this many units. */
  bottleneck: number;
}

export const DEFAULT_HYPER_PARAMETERS: Readonly<Record<ModelKind, Readonly<HyperParameters>>> = {
  meternet: { hidden: 640, nBlocks: 1, dropoutScale: 1, bottleneck: 0 },
  arbiter: { hidden: 64, nBlocks: 0, dropoutScale: 1, bottleneck: 0 },
  "onset-mlp": { hidden: 256, nBlocks: 0, dropoutScale: 1, bottleneck: 0 },
};

/** PyTorch BatchNorm1d defaults. */
export const BATCH_NORM_EPSILON = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

export interface Standardisation {
  mean: Float32Array;
  /** Already floored: entries < 1e-8 are 1. */
  std: Float32Array;
}

export interface Model {
  readonly kind: ModelKind;
  readonly architecture: Architecture;
  readonly hyperParameters: Readonly<HyperParameters>;
  /** Every weight by name (`<layer>/kernel`, `/bias`, `/gamma`, `/beta`, `/movingMean`, `/movingVariance`). */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** Applied by {@link predict}: (x − mean) / std. Identity for a fresh model. */
  standardisation: Standardisation;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  trainable: boolean;
  /** How a fresh model fills it: U(±1/√fanIn) as PyTorch's Linear, or a constant. */
  init: { uniformFanIn: number } | { constant: number };
}

const dropout = (rate: number, scale: number): Layer => ({ type: "dropout", rate: Math.min(rate * scale, 0.5) });
const batchNorm = (name: string): Layer => ({ type: "batchNorm", name, epsilon: BATCH_NORM_EPSILON, momentum: BATCH_NORM_MOMENTUM });
const relu: Layer = { type: "relu" };

/** Dense → BN → ReLU → Dropout, the unit every hidden layer uses. */
function hiddenStage(name: string, units: number, dropoutRate: number, scale: number): Layer[] {
  return [{ type: "dense", name: `${name}/dense`, units }, batchNorm(`${name}/bn`), relu, dropout(dropoutRate, scale)];
}

/** The layer list of a model kind (reference/pipeline.md §4.3 for MeterNet). */
export function buildArchitecture(kind: ModelKind, hp: HyperParameters): Architecture {
  const { length: inputLength } = inputLayout(kind);
  const outputLength = METER_CLASSES.length;
  const ds = hp.dropoutScale;
  const layers: Layer[] = [];
  const output: Layer = { type: "dense", name: "output/dense", units: outputLength };
  if (kind === "meternet") {
    const h = hp.hidden;
    if (hp.bottleneck > 0) {
      layers.push({ type: "splitDense", name: "ac_compress/dense", splitAt: subBlockRange("A1").length, units: hp.bottleneck });
    }
    layers.push(...hiddenStage("input_proj", h, 0.3, ds));
    for (let i = 0; i < hp.nBlocks; i++) {
      layers.push({ type: "residual", layers: hiddenStage(`residual_${i}`, h, 0.25, ds) });
    }
    layers.push(...hiddenStage("head_0", Math.max(Math.trunc(0.4 * h), 64), 0.2, ds));
    layers.push(...hiddenStage("head_1", Math.max(Math.trunc(0.2 * h), 32), 0.15, ds));
  } else if (kind === "arbiter") {
    // 72 → 64 → 32 → 6: small enough that batch-norm buys nothing.
    layers.push({ type: "dense", name: "hidden_0/dense", units: hp.hidden }, relu, dropout(0.2, ds));
    layers.push({ type: "dense", name: "hidden_1/dense", units: Math.max(Math.trunc(hp.hidden / 2), 1) }, relu, dropout(0.1, ds));
  } else {
    layers.push(...hiddenStage("hidden_0", hp.hidden, 0.3, ds));
    layers.push(...hiddenStage("hidden_1", Math.max(Math.trunc(hp.hidden / 2), 1), 0.2, ds));
  }
  layers.push(output);
  return { kind, inputLength, outputLength, layers };
}

/**
 * The weights an architecture needs, in a fixed order, with shapes; throws on an architecture
 * whose widths do not fit together (used to validate model.json too).
 */
export function weightSpecs(architecture: Architecture): WeightSpec[] {
  const specs: WeightSpec[] = [];
  const dense = (name: string, fanIn: number, units: number) => {
    specs.push({ name: `${name}/kernel`, shape: [fanIn, units], trainable: true, init: { uniformFanIn: fanIn } });
    specs.push({ name: `${name}/bias`, shape: [units], trainable: true, init: { uniformFanIn: fanIn } });
  };
  const walk = (layers: readonly Layer[], width: number, depth: number): number => {
    for (const layer of layers) {
      switch (layer.type) {
        case "dense":
          dense(layer.name, width, layer.units);
          width = layer.units;
          break;
        case "splitDense":
          if (layer.splitAt <= 0 || layer.splitAt > width) throw new Error(`${layer.name}: split at ${layer.splitAt} of width ${width}`);
          dense(layer.name, layer.splitAt, layer.units);
          width = layer.units + width - layer.splitAt;
          break;
        case "batchNorm":
          specs.push({ name: `${layer.name}/gamma`, shape: [width], trainable: true, init: { constant: 1 } });
          specs.push({ name: `${layer.name}/beta`, shape: [width], trainable: true, init: { constant: 0 } });
          specs.push({ name: `${layer.name}/movingMean`, shape: [width], trainable: false, init: { constant: 0 } });
          specs.push({ name: `${layer.name}/movingVariance`, shape: [width], trainable: false, init: { constant: 1 } });
          break;
        case "residual": {
          if (depth > 0) throw new Error("nested residual blocks are not supported");
          const inner = walk(layer.layers, width, depth + 1);
          if (inner !== width) throw new Error(`residual block changes width ${width} → ${inner}`);
          break;
        }
        case "relu":
        case "dropout":
          break;
      }
    }
    return width;
  };
  const out = walk(architecture.layers, architecture.inputLength, 0);
  if (out !== architecture.outputLength) throw new Error(`architecture ends with width ${out}, expected ${architecture.outputLength}`);
  const names = new Set(specs.map((s) => s.name));
  if (names.size !== specs.length) throw new Error("architecture repeats a layer name");
  return specs;
}

function resolveHyperParameters(kind: ModelKind, overrides: Partial<HyperParameters>): HyperParameters {
  const hp = { ...DEFAULT_HYPER_PARAMETERS[kind], ...overrides };
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!positiveInt(hp.hidden)) throw new RangeError(`hidden must be a positive integer, got ${hp.hidden}`);
  if (!Number.isInteger(hp.nBlocks) || hp.nBlocks < 0) throw new RangeError(`nBlocks must be an integer ≥ 0, got ${hp.nBlocks}`);
  if (!(hp.dropoutScale >= 0)) throw new RangeError(`dropoutScale must be ≥ 0, got ${hp.dropoutScale}`);
  if (!Number.isInteger(hp.bottleneck) || hp.bottleneck < 0) throw new RangeError(`bottleneck must be an integer ≥ 0, got ${hp.bottleneck}`);
  return hp;
}

/** Identity standardisation of a given length. */
export function identityStandardisation(length: number): Standardisation {
  return { mean: new Float32Array(length), std: new Float32Array(length).fill(1) };
}

/** A freshly initialised model: the same seed gives the same weights on every backend. */
export function createModel(kind: ModelKind, hyperParameters: Partial<HyperParameters> = {}, seed = 42): Model {
  const hp = resolveHyperParameters(kind, hyperParameters);
  const architecture = buildArchitecture(kind, hp);
  const rng = createRng(seed);
  const values = new Map<string, Float32Array>();
  for (const spec of weightSpecs(architecture)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    values.set(
      spec.name,
      "uniformFanIn" in spec.init
        ? uniformArray(rng, size, 1 / Math.sqrt(spec.init.uniformFanIn))
        : new Float32Array(size).fill(spec.init.constant),
    );
  }
  return modelFromWeights(architecture, hp, values);
}

/** Builds a model from an architecture and its weight values (checkpoint loading, tests). */
export function modelFromWeights(
  architecture: Architecture,
  hyperParameters: HyperParameters,
  values: ReadonlyMap<string, Float32Array>,
  standardisation: Standardisation = identityStandardisation(architecture.inputLength),
): Model {
  const weights = new Map<string, tf.Variable>();
  for (const spec of weightSpecs(architecture)) {
    const value = values.get(spec.name);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (!value || value.length !== size) throw new Error(`weight ${spec.name}: expected ${size} values, got ${value?.length ?? 0}`);
    const name = spec.name + uniqueSuffix();
    weights.set(spec.name, tf.tidy(() => tf.variable(tf.tensor(value, spec.shape, "float32"), spec.trainable, name)));
  }
  const model: Model = { kind: architecture.kind, architecture, hyperParameters: { ...hyperParameters }, weights, standardisation };
  setStandardisation(model, standardisation);
  return model;
}

let variableCounter = 0;
// tfjs variable names are global; several models of one kind may live side by side.
function uniqueSuffix(): string {
  variableCounter += 1;
  return `#${variableCounter}`;
}

/** The trainable variables (dense kernels and biases, batch-norm gamma and beta). */
export function trainableVariables(model: Model): tf.Variable[] {
  return [...model.weights.values()].filter((v) => v.trainable);
}

/** Current weight values by name (a copy). */
export function weightValues(model: Model): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, variable] of model.weights) out.set(name, variable.dataSync() as Float32Array);
  return out;
}

/** Frees the model's tensors. */
export function disposeModel(model: Model): void {
  for (const variable of model.weights.values()) variable.dispose();
  standardisationTensors.get(model)?.mean.dispose();
  standardisationTensors.get(model)?.std.dispose();
  standardisationTensors.delete(model);
}

// ---------------------------------------------------------------------------------------------
// Standardisation

const MIN_STD = 1e-8;
const standardisationTensors = new WeakMap<Model, { mean: tf.Tensor1D; std: tf.Tensor1D }>();

/** Sets (x − mean)/std for {@link predict}; std entries < 1e-8 (or not finite) become 1. */
export function setStandardisation(model: Model, standardisation: Standardisation): void {
  const n = model.architecture.inputLength;
  if (standardisation.mean.length !== n || standardisation.std.length !== n) {
    throw new RangeError(`standardisation needs ${n} values, got mean ${standardisation.mean.length} / std ${standardisation.std.length}`);
  }
  const mean = Float32Array.from(standardisation.mean);
  const std = Float32Array.from(standardisation.std, (s) => (Number.isFinite(s) && s >= MIN_STD ? s : 1));
  model.standardisation = { mean, std };
  const old = standardisationTensors.get(model);
  old?.mean.dispose();
  old?.std.dispose();
  standardisationTensors.set(model, { mean: tf.keep(tf.tensor1d(mean)), std: tf.keep(tf.tensor1d(std)) });
}

/**
 * Per-column mean and population std of `nRows` rows (reference/pipeline.md §4.2 step 4), std
 * < 1e-8 → 1. Computed in float64.
 */
export function fitStandardisation(rows: Float32Array, nRows: number, length: number): Standardisation {
  checkRows(rows, nRows, length);
  const sum = new Float64Array(length);
  const sumSq = new Float64Array(length);
  for (let r = 0; r < nRows; r++) {
    const base = r * length;
    for (let c = 0; c < length; c++) sum[c] += rows[base + c];
  }
  const mean = sum.map((s) => s / Math.max(nRows, 1));
  for (let r = 0; r < nRows; r++) {
    const base = r * length;
    for (let c = 0; c < length; c++) {
      const d = rows[base + c] - mean[c];
      sumSq[c] += d * d;
    }
  }
  const std = new Float32Array(length);
  for (let c = 0; c < length; c++) {
    const s = Math.sqrt(sumSq[c] / Math.max(nRows, 1));
    std[c] = s < MIN_STD ? 1 : s;
  }
  return { mean: Float32Array.from(mean), std };
}

/** (x − mean)/std as a tensor, for training loops that feed {@link forward} directly. */
export function standardise(model: Model, x: tf.Tensor2D): tf.Tensor2D {
  const s = standardisationTensors.get(model);
  if (!s) throw new Error("model has no standardisation tensors (disposed?)");
  return tf.tidy(() => tf.div(tf.sub(x, s.mean), s.std) as tf.Tensor2D);
}

function checkRows(rows: ArrayLike<number>, nRows: number, length: number): void {
  if (!Number.isInteger(nRows) || nRows < 0) throw new RangeError(`nRows must be an integer ≥ 0, got ${nRows}`);
  if (rows.length !== nRows * length) {
    throw new RangeError(`expected ${nRows} rows × ${length} = ${nRows * length} values, got ${rows.length}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Forward pass

/** Batch statistics of one batch-norm layer, collected in training mode. */
export interface BatchNormUpdate {
  name: string;
  momentum: number;
  batchSize: number;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

export interface ForwardOptions {
  /** Training mode: dropout active, batch-norm on batch statistics. */
  training: boolean;
  /** Training mode: source of the dropout seeds. */
  rng?: Rng;
  /** Training mode: receives each batch-norm layer's batch statistics (kept tensors). */
  batchNormUpdates?: BatchNormUpdate[];
}

/**
 * Logits (n × 6) of already standardised inputs. In training mode a batch of one row uses the
 * running statistics (a single row has no variance; the reference crashed there, §4.4 NOTE).
 */
export function forward(model: Model, x: tf.Tensor2D, options: ForwardOptions): tf.Tensor2D {
  const { training } = options;
  if (training && !options.rng) throw new Error("forward: training mode needs an rng for dropout");
  const w = (name: string) => {
    const v = model.weights.get(name);
    if (!v) throw new Error(`missing weight ${name}`);
    return v;
  };
  const batchSize = x.shape[0];
  const run = (layers: readonly Layer[], input: tf.Tensor2D): tf.Tensor2D => {
    let h = input;
    for (const layer of layers) {
      switch (layer.type) {
        case "dense":
          h = dense(h, w(`${layer.name}/kernel`) as tf.Tensor2D, w(`${layer.name}/bias`) as tf.Tensor1D, training, h === x);
          break;
        case "splitDense": {
          const width = h.shape[1];
          const head = tf.slice(h, [0, 0], [-1, layer.splitAt]);
          const kernel = w(`${layer.name}/kernel`) as tf.Tensor2D;
          const compressed = tf.relu(dense(head, kernel, w(`${layer.name}/bias`) as tf.Tensor1D, training, h === x)) as tf.Tensor2D;
          h = width > layer.splitAt ? tf.concat([compressed, tf.slice(h, [0, layer.splitAt], [-1, -1])], 1) : compressed;
          break;
        }
        case "batchNorm": {
          const gamma = w(`${layer.name}/gamma`) as tf.Tensor1D;
          const beta = w(`${layer.name}/beta`) as tf.Tensor1D;
          if (training && batchSize > 1) {
            const { mean, variance } = tf.moments(h, 0);
            h = tf.add(tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, layer.epsilon))), gamma), beta) as tf.Tensor2D;
            options.batchNormUpdates?.push({
              name: layer.name,
              momentum: layer.momentum,
              batchSize,
              mean: tf.keep(mean as tf.Tensor1D),
              variance: tf.keep(variance as tf.Tensor1D),
            });
          } else {
            h = tf.batchNorm(h, w(`${layer.name}/movingMean`), w(`${layer.name}/movingVariance`), beta, gamma, layer.epsilon) as tf.Tensor2D;
          }
          break;
        }
        case "relu":
          h = tf.relu(h);
          break;
        case "dropout":
          if (training && layer.rate > 0) h = tf.dropout(h, layer.rate, undefined, options.rng!.nextSeed()) as tf.Tensor2D;
          break;
        case "residual":
          h = tf.add(h, run(layer.layers, h)) as tf.Tensor2D;
          break;
      }
    }
    return h;
  };
  return tf.tidy(() => run(model.architecture.layers, x));
}

type DenseFn = (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

/**
 * x·W + b with a hand-written gradient: the wasm backend multiplies transposed operands 5–6×
 * slower than explicitly transposed copies, and the generic matMul gradient uses the flags.
 * `withInputGrad` false skips dL/dx for layers fed by the data.
 */
function customDense(withInputGrad: boolean): DenseFn {
  return tf.customGrad((x, kernel, bias, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor2D, kernel as tf.Tensor2D]);
    return {
      value: tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias: bias as tf.Tensor1D }),
      gradFunc: (dy, saved) => {
        const [xs, ks] = saved as tf.Tensor2D[];
        const dx = withInputGrad ? tf.matMul(dy as tf.Tensor2D, tf.transpose(ks!)) : tf.zerosLike(xs!);
        return [dx, tf.matMul(tf.transpose(xs!), dy as tf.Tensor2D), tf.sum(dy, 0)];
      },
    };
  }) as unknown as DenseFn;
}

const denseWithInputGrad = customDense(true);
const denseWithoutInputGrad = customDense(false);

function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, training: boolean, isInput: boolean): tf.Tensor2D {
  if (!training) return tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D;
  return (isInput ? denseWithoutInputGrad : denseWithInputGrad)(x, kernel, bias);
}

/**
 * Folds collected batch statistics into the running ones, as PyTorch does: momentum 0.1 and the
 * unbiased batch variance. Disposes the collected tensors.
 */
export function applyBatchNormUpdates(model: Model, updates: readonly BatchNormUpdate[]): void {
  for (const u of updates) {
    const movingMean = model.weights.get(`${u.name}/movingMean`)!;
    const movingVariance = model.weights.get(`${u.name}/movingVariance`)!;
    tf.tidy(() => {
      const unbiased = tf.mul(u.variance, u.batchSize / (u.batchSize - 1));
      movingMean.assign(tf.add(tf.mul(movingMean, 1 - u.momentum), tf.mul(u.mean, u.momentum)));
      movingVariance.assign(tf.add(tf.mul(movingVariance, 1 - u.momentum), tf.mul(unbiased, u.momentum)));
    });
    u.mean.dispose();
    u.variance.dispose();
  }
}

/** Rows per forward pass in {@link predict}; bounds memory for large datasets. */
export const PREDICT_CHUNK_ROWS = 1024;

/**
 * Class probabilities (nRows × 6, METER_CLASSES order, independent sigmoids) of raw feature
 * rows: standardised with the model's (checkpoint's) mean/std, batch-norm in inference mode.
 */
export function predict(model: Model, rows: Float32Array, nRows: number): Float32Array {
  const { inputLength, outputLength } = model.architecture;
  checkRows(rows, nRows, inputLength);
  const out = new Float32Array(nRows * outputLength);
  for (let start = 0; start < nRows; start += PREDICT_CHUNK_ROWS) {
    const n = Math.min(PREDICT_CHUNK_ROWS, nRows - start);
    const probabilities = tf.tidy(() => {
      const x = tf.tensor2d(rows.subarray(start * inputLength, (start + n) * inputLength), [n, inputLength]);
      return tf.sigmoid(forward(model, standardise(model, x), { training: false }));
    });
    out.set(probabilities.dataSync(), start * outputLength);
    probabilities.dispose();
  }
  return out;
}
