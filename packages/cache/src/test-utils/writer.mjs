// Child process for concurrency.test.ts: writes COUNT entries into a shared cache.
// usage: node writer.mjs <cacheDir> <componentSource> <writerId> <count> <startAtEpochMs>
// Compiled by global-setup.ts.
import { defineComponent, hashBytes, keyFor, openCache } from "../../node_modules/.test-dist/index.js";

const [dir, source, writerId, countArg, startAtArg] = process.argv.slice(2);
const count = Number(countArg);
const signal = defineComponent({ family: "signals", name: "conc", sources: [source] });
const feature = defineComponent({ family: "features", name: "conc", sources: [source] });

// Both writers start together, so their opens (and stale removal) and writes overlap.
while (Date.now() < Number(startAtArg)) await new Promise((r) => setTimeout(r, 1));
const cache = openCache({ dir, components: [signal, feature] });

const entry = (i) => {
  const ah = hashBytes(new TextEncoder().encode(`${writerId}-${i}`));
  return i % 2 === 0
    ? { key: keyFor(signal, ah), value: { writer: writerId, i } }
    : { key: keyFor(feature, ah), value: new Float32Array([i, i + 0.5, -i, writerId.length]) };
};

for (let i = 0; i < count; i += 10) {
  const batch = Array.from({ length: Math.min(10, count - i) }, (_, k) => entry(i + k));
  if ((i / 10) % 2 === 0) {
    await cache.putMany(batch);
  } else {
    await Promise.all(
      batch.map(({ key, value }) =>
        value instanceof Float32Array ? cache.putFloat32(key, value) : cache.putJson(key, value),
      ),
    );
  }
}
await cache.close();
