/** Child process of `runGrid --parallel-runs N`: trains one combo and reports epochs and the result over IPC. */
import { loadDataset } from "./dataset.js";
import { runCombo, type WorkerMessage, type WorkerRequest } from "./grid.js";

let stopReason: string | null = null;

process.on("message", (message: WorkerRequest) => {
  if (message.type === "stop") {
    stopReason = message.reason;
    return;
  }
  void (async () => {
    const dataset = loadDataset(message.datasetDir, message.fingerprints);
    const entry = await runCombo(message.combo, message.config, dataset, message.gridDir, message.command, (report) => {
      process.send?.({ type: "epoch", report } satisfies WorkerMessage);
      return stopReason;
    });
    process.send?.({ type: "done", entry } satisfies WorkerMessage);
  })();
});
