/**
 * Trainer-facing building blocks: the loss of reference/pipeline.md §4.4 (BCE with logits and
 * pos_weight, optionally focal), AdamW with decoupled weight decay, and one optimisation step.
 * Sampling, augmentation, CutMix, schedules and early stopping belong to the trainer.
 */
import * as tf from "@tensorflow/tfjs-core";
import { applyBatchNormUpdates, type BatchNormUpdate, forward, type Model, trainableVariables } from "./models.js";
import type { Rng } from "./rng.js";

export interface LossOptions {
  /** Per-class weight of positive targets (PyTorch's pos_weight); default 1. */
  posWeight?: ArrayLike<number>;
  /** > 0: focal weighting (1 − p_t)^γ of each element (the reference's --focal uses γ = 2). */
  focalGamma?: number;
}

/**
 * Mean over all elements of pw·y·softplus(−z) + (1 − y)·softplus(z), i.e. PyTorch's
 * BCEWithLogitsLoss(pos_weight); targets may be soft.
 */
export function bceWithLogits(logits: tf.Tensor2D, targets: tf.Tensor2D, options: LossOptions = {}): tf.Scalar {
  return tf.tidy(() => {
    const positive = tf.mul(targets, tf.softplus(tf.neg(logits)));
    const weightedPositive = options.posWeight ? tf.mul(positive, tf.tensor1d(Array.from(options.posWeight))) : positive;
    let elementwise = tf.add(weightedPositive, tf.mul(tf.sub(1, targets), tf.softplus(logits)));
    const gamma = options.focalGamma ?? 0;
    if (gamma > 0) {
      const p = tf.sigmoid(logits);
      const pt = tf.add(tf.mul(p, targets), tf.mul(tf.sub(1, p), tf.sub(1, targets)));
      elementwise = tf.mul(tf.pow(tf.sub(1, pt), gamma), elementwise);
    }
    return tf.mean(elementwise) as tf.Scalar;
  });
}

export interface AdamWOptions {
  /** Default 8e-4 (reference --lr). */
  learningRate?: number;
  /** Decoupled weight decay; default 1e-3 (reference AdamW). */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * AdamW as in PyTorch: p ← p·(1 − lr·wd), then the bias-corrected Adam step. `learningRate` may
 * be changed between steps (cosine schedules).
 */
export class AdamW {
  learningRate: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private step = 0;
  private readonly moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();

  constructor(options: AdamWOptions = {}) {
    this.learningRate = options.learningRate ?? 8e-4;
    this.weightDecay = options.weightDecay ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  /** Applies one update; `grads` holds one gradient per variable, in the same order. */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    this.step += 1;
    const lr = this.learningRate;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    variables.forEach((variable, i) => {
      let state = this.moments.get(variable);
      if (!state) {
        state = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) }));
        this.moments.set(variable, state);
      }
      const { m, v } = state;
      tf.tidy(() => {
        const g = grads[i]!;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denominator = tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon);
        const decayed = tf.mul(variable, 1 - lr * this.weightDecay);
        variable.assign(tf.sub(decayed, tf.div(tf.mul(m, lr / c1), denominator)));
      });
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}

export interface TrainStepOptions extends LossOptions {
  /** Dropout seeds come from here. */
  rng: Rng;
}

/**
 * One optimisation step on a standardised batch (x: n × inputLength, y: n × 6 targets in
 * [0, 1]): forward in training mode, loss, gradients, AdamW, then the running batch-norm
 * statistics. Returns the batch loss.
 */
export function trainStep(model: Model, optimizer: AdamW, x: tf.Tensor2D, y: tf.Tensor2D, options: TrainStepOptions): number {
  const variables = trainableVariables(model);
  const updates: BatchNormUpdate[] = [];
  const { value, grads } = tf.variableGrads(
    () => bceWithLogits(forward(model, x, { training: true, rng: options.rng, batchNormUpdates: updates }), y, options),
    variables,
  );
  optimizer.apply(
    variables,
    variables.map((v) => grads[v.name]!),
  );
  applyBatchNormUpdates(model, updates);
  const loss = value.dataSync()[0]!;
  value.dispose();
  tf.dispose(Object.values(grads));
  return loss;
}
