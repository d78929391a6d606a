// Build a small MeterNet, save it as a checkpoint, load it back, predict one row and turn the
// probabilities into hypotheses. Run after `pnpm --filter @tactus/meternet build`:
//   node packages/meternet/examples/quickstart.mjs
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  createModel,
  fallbackHypotheses,
  initBackend,
  inputLayout,
  loadCheckpoint,
  meterHypotheses,
  predict,
  saveCheckpoint,
} from "../dist/index.js";

const backend = await initBackend();
console.log(`TensorFlow.js backend: ${backend.name}`);

const dir = path.join(await mkdtemp(path.join(tmpdir(), "tactus-")), "meter_net");
await saveCheckpoint(dir, createModel("meternet", { hidden: 64 }, 42), {
  provenance: { command: "examples/quickstart.mjs", dataset: "none (untrained)", codeRevision: "example" },
});
const { model, meta, hash } = await loadCheckpoint(dir, "meternet");
console.log(`loaded ${meta.model} (${meta.featureLayoutId}, ${meta.inputLength} inputs), hash ${hash}`);

const row = new Float32Array(inputLayout("meternet").length); // a real row comes from @tactus/features
const probabilities = predict(model, row, 1);
const result = meterHypotheses(probabilities, { autocorr: { "3/4": 0.7, "6/8": 1.0 } });
console.log(result.hypotheses.map((h) => `${h.numerator}/${h.denominator} ${h.confidence}`).join(", "));
console.log("without a checkpoint:", fallbackHypotheses().hypotheses[0]);
