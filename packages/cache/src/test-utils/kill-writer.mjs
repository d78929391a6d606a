// Child process for concurrency.test.ts: writes batches forever, printing the index of each batch
// once committed, until the parent kills it with SIGKILL.
// usage: node kill-writer.mjs <cacheDir> <componentSource>
// Compiled by global-setup.ts.
import { defineComponent, hashBytes, keyFor, openCache } from "../../node_modules/.test-dist/index.js";

const [dir, source] = process.argv.slice(2);
const signal = defineComponent({ family: "signals", name: "kill", sources: [source] });
const feature = defineComponent({ family: "features", name: "kill", sources: [source] });
const cache = openCache({ dir, components: [signal, feature] });
const MAX_IN_FLIGHT = 8;
let inFlight = 0;

for (let i = 0; ; i++) {
  const ah = hashBytes(new TextEncoder().encode(`kill-${i}`));
  const values = new Float32Array(1449);
  for (let k = 0; k < values.length; k++) values[k] = i + k / 1449;
  inFlight++;
  cache
    .putMany([
      { key: keyFor(signal, ah), value: { i, scores: { "3/4": i / 7, "4/4": 1 - i / 7 } } },
      { key: keyFor(feature, ah), value: values },
    ])
    .then(() => {
      inFlight--;
      process.stdout.write(`${i}\n`);
    });
  while (inFlight >= MAX_IN_FLIGHT) await new Promise((r) => setImmediate(r));
  if (i % 4 === 3) await new Promise((r) => setImmediate(r));
}
