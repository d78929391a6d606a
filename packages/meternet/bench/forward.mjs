// Forward pass of 700 × 1630 rows and training epochs of 3000 × 1630 rows (hidden 640, batch 64:
// the reference recipe's defaults) on the active backend. Not a test: run
//   pnpm --filter @tactus/meternet build && node packages/meternet/bench/forward.mjs
// TACTUS_TF_BACKEND=cpu|wasm|node forces a backend; HIDDEN, BATCH and EPOCHS (default 2) change
// the run; PROFILE=1 adds where one training step's time goes, per TF.js kernel (tf.profile).
// The last line is JSON ({ backend, inputLength, rows, hidden, batch, forwardMs, epochSec }):
// `@tactus/bench` runs this script once per batch size in a fresh process.
import { AdamW, createModel, createRng, disposeModel, initBackend, inputLayout, predict, standardise, trainStep } from "../dist/index.js";

const HIDDEN = Number(process.env.HIDDEN ?? 640);
const BATCH = Number(process.env.BATCH ?? 64);
const EPOCHS = Number(process.env.EPOCHS ?? 2);
const FORWARD_ROWS = 700;
const TRAIN_ROWS = 3000;
const REPEATS = 3;

const backend = await initBackend();
const { tf } = backend;
const { length: D } = inputLayout("meternet");
const rng = createRng(1);
const rows = (n) => Float32Array.from({ length: n * D }, () => 2 * rng.next() - 1);
const model = createModel("meternet", { hidden: HIDDEN }, 42);
console.log(`backend ${backend.name} (simd ${backend.simd}, threads ${backend.threads})${backend.skipped.length ? `; skipped ${backend.skipped.join("; ")}` : ""}`);

const x = rows(FORWARD_ROWS);
predict(model, x, FORWARD_ROWS); // warm-up: kernel setup
const forwardMs = [];
for (let i = 0; i < REPEATS; i++) {
  const t0 = performance.now();
  predict(model, x, FORWARD_ROWS);
  forwardMs.push(performance.now() - t0);
}
console.log(`forward ${FORWARD_ROWS}×${D} hidden ${HIDDEN}: median ${median(forwardMs).toFixed(1)} ms (runs: ${forwardMs.map((m) => m.toFixed(1)).join(", ")})`);

const trainX = rows(TRAIN_ROWS);
const trainY = Float32Array.from({ length: TRAIN_ROWS * 6 }, (_, i) => (Math.floor(i / 6) % 6 === i % 6 ? 1 : 0));
const optimizer = new AdamW();
const epochSec = [];
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const t0 = performance.now();
  let loss = 0;
  for (let start = 0; start < TRAIN_ROWS; start += BATCH) {
    const n = Math.min(BATCH, TRAIN_ROWS - start);
    const xb = tf.tensor2d(trainX.subarray(start * D, (start + n) * D), [n, D]);
    const xs = standardise(model, xb);
    const yb = tf.tensor2d(trainY.subarray(start * 6, (start + n) * 6), [n, 6]);
    loss = trainStep(model, optimizer, xs, yb, { rng });
    tf.dispose([xb, xs, yb]);
  }
  epochSec.push((performance.now() - t0) / 1000);
  console.log(`epoch ${epoch + 1}: ${epochSec[epoch].toFixed(2)} s (${Math.ceil(TRAIN_ROWS / BATCH)} steps of ${BATCH}, last loss ${loss.toFixed(4)})`);
}
console.log(`training epoch ${TRAIN_ROWS}×${D} hidden ${HIDDEN} batch ${BATCH}: ${Math.min(...epochSec).toFixed(2)} s`);
if (process.env.PROFILE) await profileStep();
optimizer.dispose();
disposeModel(model);
console.log(`tensors left: ${tf.memory().numTensors}`);
console.log(
  JSON.stringify({ backend: backend.name, inputLength: D, rows: TRAIN_ROWS, hidden: HIDDEN, batch: BATCH, forwardMs: median(forwardMs), epochSec }),
);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Kernel time of one training step, by kernel (scopes such as gradient closures are not kernels: skipped, so nothing counts twice). */
async function profileStep() {
  const xb = tf.tensor2d(trainX.subarray(0, BATCH * D), [BATCH, D]);
  const yb = tf.tensor2d(trainY.subarray(0, BATCH * 6), [BATCH, 6]);
  const info = await tf.profile(() => {
    const xs = standardise(model, xb);
    trainStep(model, optimizer, xs, yb, { rng });
    xs.dispose();
  });
  tf.dispose([xb, yb]);
  const byKernel = new Map();
  for (const k of info.kernels) {
    if (!tf.getKernel(k.name, tf.getBackend())) continue;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + k.kernelTimeMs);
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`one step of ${BATCH} rows, kernel time ${total.toFixed(1)} ms (profiled, so slower than unprofiled): ${top.map(([k, ms]) => `${k} ${ms.toFixed(1)} ms (${((100 * ms) / total).toFixed(0)} %)`).join(", ")}`);
}
