// Child process of run.mjs: MeterNet training epochs (bare AdamW steps over random rows) in a
// fresh process, so the figure does not depend on what the bench did before; prints JSON.
//   node epoch-child.mjs <rows> <hidden> <batch> <epochs>
import { AdamW, createModel, createRng, disposeModel, initBackend, inputLayout, standardise, trainStep } from "@tactus/meternet";

const [rows, hidden, batch, epochs] = process.argv.slice(2).map(Number);
if (![rows, hidden, batch, epochs].every((n) => Number.isInteger(n) && n > 0)) {
  console.error("usage: node epoch-child.mjs <rows> <hidden> <batch> <epochs>");
  process.exit(2);
}
const backend = await initBackend();
const { tf } = backend;
const { length: D } = inputLayout("meternet");
const rng = createRng(1);
const trainX = Float32Array.from({ length: rows * D }, () => 2 * rng.next() - 1);
const trainY = Float32Array.from({ length: rows * 6 }, (_, i) => (Math.floor(i / 6) % 6 === i % 6 ? 1 : 0));
const model = createModel("meternet", { hidden }, 42);
const optimizer = new AdamW();
const epochSec = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  const t0 = performance.now();
  for (let start = 0; start < rows; start += batch) {
    const n = Math.min(batch, rows - start);
    const xb = tf.tensor2d(trainX.subarray(start * D, (start + n) * D), [n, D]);
    const xs = standardise(model, xb);
    const yb = tf.tensor2d(trainY.subarray(start * 6, (start + n) * 6), [n, 6]);
    trainStep(model, optimizer, xs, yb, { rng });
    tf.dispose([xb, xs, yb]);
  }
  epochSec.push((performance.now() - t0) / 1000);
}
optimizer.dispose();
disposeModel(model);
console.log(JSON.stringify({ backend: backend.name, simd: backend.simd, threads: backend.threads, inputLength: D, epochSec }));
