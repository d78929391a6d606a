import { FEATURE_LENGTH } from "@tactus/features";
import { METER_CLASSES } from "@tactus/signals";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend.js";
import {
  type Architecture,
  buildArchitecture,
  createModel,
  DEFAULT_HYPER_PARAMETERS,
  disposeModel,
  fitStandardisation,
  modelFromWeights,
  predict,
  standardise,
  weightSpecs,
  weightValues,
} from "./models.js";
import { createRng } from "./rng.js";
import { AdamW, bceWithLogits, trainStep } from "./training.js";

beforeAll(async () => {
  await initBackend();
});

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("architectures", () => {
  it("MeterNet follows pipeline.md §4.3: head widths, residual blocks, 6 outputs", () => {
    const names = (h: number) => weightSpecs(buildArchitecture("meternet", { ...DEFAULT_HYPER_PARAMETERS.meternet, hidden: h }));
    const specs = names(1024);
    const shape = (n: string) => specs.find((s) => s.name === n)?.shape;
    expect(shape("input_proj/dense/kernel")).toEqual([FEATURE_LENGTH, 1024]);
    expect(shape("residual_0/dense/kernel")).toEqual([1024, 1024]);
    expect(shape("head_0/dense/kernel")).toEqual([1024, 409]);
    expect(shape("head_1/dense/kernel")).toEqual([409, 204]);
    expect(shape("output/dense/kernel")).toEqual([204, METER_CLASSES.length]);
    expect(shape("head_1/bn/movingVariance")).toEqual([204]);
    // Small widths hit the floors 64 and 32.
    expect(names(32).find((s) => s.name === "head_1/dense/kernel")?.shape).toEqual([64, 32]);
    const bottleneck = weightSpecs(buildArchitecture("meternet", { ...DEFAULT_HYPER_PARAMETERS.meternet, bottleneck: 16 }));
    expect(bottleneck.find((s) => s.name === "ac_compress/dense/kernel")?.shape).toEqual([1024, 16]);
    expect(bottleneck.find((s) => s.name === "input_proj/dense/kernel")?.shape).toEqual([16 + FEATURE_LENGTH - 1024, 640]);
  });

  it("Arbiter is 72 → 64 → 32 → 6 and onset-MLP reads the 1449 audio columns", () => {
    const arbiter = weightSpecs(buildArchitecture("arbiter", DEFAULT_HYPER_PARAMETERS.arbiter)).filter((s) => s.name.endsWith("kernel"));
    expect(arbiter.map((s) => s.shape)).toEqual([
      [72, 64],
      [64, 32],
      [32, 6],
    ]);
    const onset = weightSpecs(buildArchitecture("onset-mlp", DEFAULT_HYPER_PARAMETERS["onset-mlp"]));
    expect(onset[0]?.shape).toEqual([1449, 256]);
  });

  it("the same seed gives the same weights, another seed others; PyTorch-style U(±1/√fanIn)", () => {
    const a = createModel("arbiter", {}, 7);
    const b = createModel("arbiter", {}, 7);
    const c = createModel("arbiter", {}, 8);
    const wa = weightValues(a).get("hidden_0/dense/kernel")!;
    expect(weightValues(b).get("hidden_0/dense/kernel")).toEqual(wa);
    expect(weightValues(c).get("hidden_0/dense/kernel")).not.toEqual(wa);
    const limit = 1 / Math.sqrt(72);
    expect(Math.max(...wa.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...wa.map(Math.abs))).toBeGreaterThan(0.9 * limit);
    [a, b, c].forEach(disposeModel);
  });
});

describe("predict", () => {
  // 3 inputs → dense(2) → batch-norm → relu → dense(6), with weights chosen by hand.
  const architecture: Architecture = {
    kind: "arbiter",
    inputLength: 3,
    outputLength: 6,
    layers: [
      { type: "dense", name: "a", units: 2 },
      { type: "batchNorm", name: "bn", epsilon: 1e-5, momentum: 0.1 },
      { type: "relu" },
      { type: "dropout", rate: 0.5 },
      { type: "dense", name: "out", units: 6 },
    ],
  };
  const W1 = [
    [1, -1],
    [0.5, 2],
    [-2, 0.25],
  ];
  const b1 = [0.1, -0.2];
  const bn = { gamma: [2, 0.5], beta: [0.1, -0.1], mean: [0.3, -0.4], variance: [4, 0.25] };
  const W2 = [
    [1, -1, 0.5, 0, 2, -0.5],
    [-1, 1, 0.25, 3, 0, 1],
  ];
  const b2 = [0, 0.1, -0.1, 0.2, -0.2, 0.3];
  const mean = [1, -2, 0.5];
  const std = [2, 0, 0.5]; // std 0 must be treated as 1

  function manual(x: number[]): number[] {
    const z = x.map((v, i) => (v - mean[i]!) / (std[i]! < 1e-8 ? 1 : std[i]!));
    const h = [0, 1].map((j) => z.reduce((s, zi, i) => s + zi * W1[i]![j]!, b1[j]!));
    const n = h.map((v, j) => Math.max(0, ((v - bn.mean[j]!) / Math.sqrt(bn.variance[j]! + 1e-5)) * bn.gamma[j]! + bn.beta[j]!));
    return b2.map((b, k) => sigmoid(n.reduce((s, nj, j) => s + nj * W2[j]![k]!, b)));
  }

  function tinyModel() {
    const values = new Map<string, Float32Array>([
      ["a/kernel", Float32Array.from(W1.flat())],
      ["a/bias", Float32Array.from(b1)],
      ["bn/gamma", Float32Array.from(bn.gamma)],
      ["bn/beta", Float32Array.from(bn.beta)],
      ["bn/movingMean", Float32Array.from(bn.mean)],
      ["bn/movingVariance", Float32Array.from(bn.variance)],
      ["out/kernel", Float32Array.from(W2.flat())],
      ["out/bias", Float32Array.from(b2)],
    ]);
    return modelFromWeights(architecture, DEFAULT_HYPER_PARAMETERS.arbiter, values, {
      mean: Float32Array.from(mean),
      std: Float32Array.from(std),
    });
  }

  it("applies (x − mean)/std (std < 1e-8 → 1) and batch-norm running statistics exactly", () => {
    const model = tinyModel();
    const rows = [
      [3, -2, 1],
      [-1, 4, 0.5],
      [0.2, 0.1, -3],
    ];
    const probabilities = predict(model, Float32Array.from(rows.flat()), rows.length);
    expect(probabilities.length).toBe(18);
    rows.forEach((row, r) => {
      manual(row).forEach((p, k) => {
        expect(probabilities[r * 6 + k]).toBeCloseTo(p, 6);
      });
    });
    // Inference mode: a row's probabilities do not depend on the rest of the batch.
    expect(Array.from(predict(model, Float32Array.from(rows[1]!), 1))).toEqual(Array.from(probabilities.subarray(6, 12)));
    expect(() => predict(model, new Float32Array(5), 2)).toThrow(/expected 2 rows × 3 = 6 values, got 5/);
    disposeModel(model);
  });

  it("fitStandardisation uses the population std and floors constant columns to 1", () => {
    const s = fitStandardisation(Float32Array.from([1, 5, 2, 5, 3, 5]), 3, 2);
    expect(Array.from(s.mean)).toEqual([2, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 6);
    expect(s.std[1]).toBe(1);
  });
});

describe("training", () => {
  it("BCE with logits matches the closed form, with pos_weight and focal weighting", () => {
    const value = (logits: number[], targets: number[], opts = {}) =>
      tf.tidy(() => bceWithLogits(tf.tensor2d([logits]), tf.tensor2d([targets]), opts).dataSync()[0]!);
    expect(value([0], [1])).toBeCloseTo(Math.log(2), 6);
    expect(value([0, 2], [1, 0], { posWeight: [3, 1] })).toBeCloseTo((3 * Math.log(2) + Math.log(1 + Math.exp(2))) / 2, 5);
    const p = sigmoid(1);
    expect(value([1], [1], { focalGamma: 2 })).toBeCloseTo((1 - p) ** 2 * -Math.log(p), 6);
  });

  it("updates the running batch-norm statistics as PyTorch (momentum 0.1, unbiased variance)", () => {
    const architecture: Architecture = {
      kind: "arbiter",
      inputLength: 2,
      outputLength: 6,
      layers: [
        { type: "batchNorm", name: "bn", epsilon: 1e-5, momentum: 0.1 },
        { type: "dense", name: "out", units: 6 },
      ],
    };
    const values = new Map<string, Float32Array>([
      ["bn/gamma", Float32Array.of(1, 1)],
      ["bn/beta", Float32Array.of(0, 0)],
      ["bn/movingMean", Float32Array.of(0, 0)],
      ["bn/movingVariance", Float32Array.of(1, 1)],
      ["out/kernel", new Float32Array(12).fill(0.1)],
      ["out/bias", new Float32Array(6)],
    ]);
    const model = modelFromWeights(architecture, DEFAULT_HYPER_PARAMETERS.arbiter, values);
    const optimizer = new AdamW({ learningRate: 0, weightDecay: 0 });
    const x = tf.tensor2d([1, 10, 2, 20, 6, 30], [3, 2]);
    const y = tf.zeros([3, 6]) as tf.Tensor2D;
    trainStep(model, optimizer, x as tf.Tensor2D, y, { rng: createRng(1) });
    const w = weightValues(model);
    // column 0: mean 3, unbiased var 7; column 1: mean 20, unbiased var 100
    expect(w.get("bn/movingMean")![0]).toBeCloseTo(0.3, 5);
    expect(w.get("bn/movingMean")![1]).toBeCloseTo(2, 5);
    expect(w.get("bn/movingVariance")![0]).toBeCloseTo(0.9 + 0.7, 5);
    expect(w.get("bn/movingVariance")![1]).toBeCloseTo(0.9 + 10, 4);
    // A batch of one row trains on the running statistics instead of failing (reference NOTE).
    const before = w.get("bn/movingMean");
    trainStep(model, optimizer, tf.tensor2d([[5, 5]]), tf.zeros([1, 6]) as tf.Tensor2D, { rng: createRng(2) });
    expect(weightValues(model).get("bn/movingMean")).toEqual(before);
    optimizer.dispose();
    disposeModel(model);
  });

  it("is reproducible: same seeds, same weights after training with dropout", () => {
    const run = () => {
      const model = createModel("arbiter", {}, 3);
      const optimizer = new AdamW({ learningRate: 1e-2 });
      const rng = createRng(11);
      const data = createRng(5);
      for (let step = 0; step < 3; step++) {
        const x = tf.tensor2d(Float32Array.from({ length: 8 * 72 }, () => data.next()), [8, 72]);
        const y = tf.tensor2d(Float32Array.from({ length: 8 * 6 }, (_, i) => (i % 7 === 0 ? 1 : 0)), [8, 6]);
        trainStep(model, optimizer, x, y, { rng });
        tf.dispose([x, y]);
      }
      const out = weightValues(model).get("output/dense/kernel")!;
      optimizer.dispose();
      disposeModel(model);
      return out;
    };
    expect(run()).toEqual(run());
  });

  it("learns a separable 2-class problem in 1630 dims to ≥ 95 % training accuracy", () => {
    const n = 256;
    const d = FEATURE_LENGTH;
    const data = createRng(2024);
    const direction = Float32Array.from({ length: d }, () => data.next() * 2 - 1);
    const rows = new Float32Array(n * d);
    const labels = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      labels[r] = r % 2;
      const sign = labels[r] ? 1 : -1;
      for (let c = 0; c < d; c++) rows[r * d + c] = data.next() * 2 - 1 + 0.15 * sign * direction[c]!;
    }
    const targets = new Float32Array(n * 6);
    for (let r = 0; r < n; r++) targets[r * 6 + labels[r]!] = 1; // classes 3 and 4

    const model = createModel("meternet", { hidden: 32 }, 42);
    model.standardisation = fitStandardisation(rows, n, d);
    const optimizer = new AdamW({ learningRate: 3e-3 });
    const rng = createRng(9);
    const batch = 32;
    const xAll = tf.tensor2d(rows, [n, d]);
    const xs = standardise(model, xAll);
    const yAll = tf.tensor2d(targets, [n, 6]);
    for (let step = 0; step < 200; step++) {
      const start = (step * batch) % n;
      const xb = tf.slice(xs, [start, 0], [batch, d]);
      const yb = tf.slice(yAll, [start, 0], [batch, 6]);
      trainStep(model, optimizer, xb, yb, { rng });
      tf.dispose([xb, yb]);
    }
    tf.dispose([xAll, xs, yAll]);

    const probabilities = predict(model, rows, n);
    let correct = 0;
    for (let r = 0; r < n; r++) {
      const p = probabilities.subarray(r * 6, r * 6 + 6);
      const argmax = p.indexOf(Math.max(...p));
      if (argmax === labels[r]) correct++;
    }
    expect(correct / n).toBeGreaterThanOrEqual(0.95);
    optimizer.dispose();
    disposeModel(model);
  });
});
