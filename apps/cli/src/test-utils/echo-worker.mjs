// A pool worker for pool.test.ts speaking the worker protocol by hand: `echo` answers the path,
// `fail` throws, `crash` kills its own process, `crash-once` dies only on its first attempt
// (marker file), `slow` answers after options.ms.
import { existsSync, writeFileSync } from "node:fs";

process.on("disconnect", () => process.exit(0));
process.on("message", async ({ id, task, path, options }) => {
  if (task === "crash") process.kill(process.pid, "SIGKILL");
  if (task === "crash-once" && !existsSync(options.marker)) {
    writeFileSync(options.marker, "1");
    process.kill(process.pid, "SIGKILL");
  }
  if (task === "slow") await new Promise((r) => setTimeout(r, options.ms));
  if (task === "fail") process.send({ id, ok: false, error: { name: "NotAudioError", message: `${path}: not an audio file` } });
  else process.send({ id, ok: true, result: { path, pid: process.pid, values: new Float32Array([1, 2]) } });
});
process.send({ ready: true, info: { backend: "test" } });
