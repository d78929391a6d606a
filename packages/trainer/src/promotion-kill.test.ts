/**
 * Promotion killed by a real SIGKILL: a child process promotes a full-size MeterNet checkpoint
 * (hidden 640, ≈ 6.6 MB of weights) and is killed at seeded-random moments spread over the
 * measured length of a promotion; recovery must then leave exactly the old or exactly the new
 * checkpoint in the model folder, file by file (promotion.test.ts covers each step in process).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createModel, createRng, initBackend, promotionPaths, saveCheckpoint } from "@tactus/meternet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataPaths } from "./paths.js";
import { recoverPromotion } from "./promotion.js";

const KILLS = 10;
const SEED = 20_251_122;
const packageRoot = fileURLToPath(new URL("..", import.meta.url));

// The child resolves @tactus/meternet (its dist/) from this package and says "ready"; the parent
// answers with a wall-clock moment (Date.now()) on stdin, and the child starts promoting exactly
// then, so the parent's kill timer and the promotion share one clock whatever the start-up and
// pipe latency. Then it prints the promotion's length in ms.
const CHILD = `
const { readSync } = await import("node:fs");
const { promoteCheckpoint } = await import("@tactus/meternet");
const [checkpoint, target, prev] = process.argv.slice(1);
process.stdout.write("ready\\n");
const buffer = Buffer.alloc(64);
let line = "";
while (!line.endsWith("\\n")) {
  try {
    const n = readSync(0, buffer);
    if (n === 0) process.exit(2);
    line += buffer.toString("utf8", 0, n);
  } catch (error) {
    if (error.code !== "EAGAIN") throw error;
  }
}
const startAt = Number(line);
while (Date.now() < startAt);
const t0 = performance.now();
promoteCheckpoint(checkpoint, target, prev);
process.stdout.write("done " + (performance.now() - t0) + "\\n");`;

/** Between the parent's answer and the promotion's start: enough for the answer to arrive. */
const START_DELAY_MS = 100;

interface Run {
  child: ChildProcess;
  /** Resolves to the wall-clock moment (Date.now()) the promotion starts. */
  started: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function promoteInChild(checkpoint: string, target: string, prev: string): Run {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, checkpoint, target, prev], {
    cwd: packageRoot,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let start: (at: number) => void;
  const started = new Promise<number>((resolve) => (start = resolve));
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    const ready = !stdout.startsWith("ready\n");
    stdout += text;
    if (ready && stdout.startsWith("ready\n")) {
      const startAt = Date.now() + START_DELAY_MS;
      child.stdin!.write(`${startAt}\n`);
      start(startAt);
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, started, exited };
}

/** File name → sha256 of every file in a folder (a checkpoint folder has no subfolders). */
function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = createHash("sha256").update(readFileSync(join(dir, name))).digest("hex");
  return out;
}

let root: string;
const checkpoints: { dir: string; files: Record<string, string> }[] = [];

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), "promotion-kill-"));
  for (const seed of [1, 2]) {
    const dir = join(root, `ckpt-${seed}`);
    await saveCheckpoint(dir, createModel("meternet", {}, seed), { provenance: { command: "test", dataset: "none", codeRevision: "test" } });
    checkpoints.push({ dir, files: fileHashes(dir) });
  }
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("promotion killed with SIGKILL", () => {
  it(`leaves exactly the old or the new checkpoint after ${KILLS} kills at random moments`, { timeout: 180_000 }, async () => {
    expect(Object.keys(checkpoints[0]!.files)).toContain("weights.bin");
    expect(checkpoints[0]!.files["weights.bin"]).not.toBe(checkpoints[1]!.files["weights.bin"]);
    const dataRoot = join(root, "data");
    mkdirSync(dataRoot);
    const { model, modelPrev } = dataPaths(dataRoot);
    const paths = promotionPaths(model, modelPrev);
    const which = (dir: string) => checkpoints.findIndex((c) => JSON.stringify(c.files) === JSON.stringify(fileHashes(dir)));

    // Two whole promotions (1, then 0) set up model and backup and measure how long one takes.
    const durations: number[] = [];
    for (const index of [1, 0]) {
      const run = promoteInChild(checkpoints[index]!.dir, model, modelPrev);
      const exit = await run.exited;
      expect(exit.code, exit.stderr).toBe(0);
      durations.push(Number(/done (\S+)/.exec(exit.stdout)![1]));
    }
    expect(which(model)).toBe(0);
    expect(which(modelPrev)).toBe(1);
    const span = Math.max(...durations);

    const rng = createRng(SEED);
    const outcomes: { delayMs: number; left: string[]; old: number; now: number }[] = [];
    for (let i = 0; i < KILLS; i++) {
      const old = which(model);
      const next = 1 - old;
      // Spread over the promotion (hashes, copy, fsync, renames) and a little past its end.
      const delayMs = Math.round(rng.next() * 1.3 * span * 10) / 10;
      const run = promoteInChild(checkpoints[next]!.dir, model, modelPrev);
      const startAt = await run.started;
      await new Promise((resolve) => setTimeout(resolve, startAt + delayMs - Date.now()));
      run.child.kill("SIGKILL");
      const exit = await run.exited;
      expect(exit.stderr).toBe("");
      // What the kill left behind, before recovery.
      const left = [paths.staging, paths.next, paths.prevOld, paths.lock, model].filter(existsSync).map((p) => p.slice(dataRoot.length + 1));

      const report = recoverPromotion(dataRoot).find((r) => r.target === model)!;
      expect(report.action).not.toBe("busy");
      expect(readdirSync(dataRoot).sort()).toEqual(["meter_net", "meter_net.prev"]);
      const now = which(model);
      expect([old, next], `kill ${i} after ${delayMs} ms left ${left.join(", ")}`).toContain(now);
      // The backup is whole too: the model replaced (new promoted) or the one kept there (old kept).
      expect(which(modelPrev)).toBe(1 - now);
      outcomes.push({ delayMs, left, old, now });
    }
    // The kills landed inside promotions (artifacts left), not only before or after them.
    const interrupted = outcomes.filter((o) => o.left.some((p) => p !== "meter_net")).length;
    console.log(`promotion ${span.toFixed(1)} ms; kills:`, outcomes.map((o) => `${o.delayMs} ms → ${o.now === o.old ? "old" : "new"} (${o.left.join(" ")})`));
    expect(interrupted).toBeGreaterThanOrEqual(3);
  });
});
