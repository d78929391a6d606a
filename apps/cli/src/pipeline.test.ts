// End to end: warm → extract → train → grid (killed once, resumed) → eval --save → a worse
// checkpoint regresses (exit 1) → dashboard. A tiny synthetic corpus and a temp data root, so the
// repository's data/ is never touched.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateCorpus } from "@tactus/datasets";
import { createModel, initBackend, modelFromWeights, saveCheckpoint, weightValues } from "@tactus/meternet";
import { METER_CLASSES } from "@tactus/signals";
import { describe, expect, it } from "vitest";
import { MAIN, tactus as runTactus } from "./test-utils/cli.js";

describe("training pipeline", () => {
  it("warm → extract → train → grid (resumed after SIGKILL) → eval → regression → dashboard", async () => {
    const root = mkdtempSync(join(tmpdir(), "tactus-pipeline-"));
    const corpus = join(root, "corpus");
    const data = join(root, "data");
    const env = { TACTUS_CACHE_DIR: join(root, "cache"), TACTUS_DATA_DIR: data };
    const tactus = (args: string[]) => runTactus(args, env);
    await generateCorpus({ outDir: corpus, perClass: 3, durationSec: 4, seed: 3 });

    // Extract before warming: every file is reported, nothing is computed.
    const cold = await tactus(["extract", "--data-dir", corpus]);
    expect(cold.stderr).toContain("run `tactus warm` first");

    expect((await tactus(["warm", "--data-dir", corpus, "-w", "2"])).code).toBe(0);
    const extracted = await tactus(["extract", "--data-dir", corpus]);
    expect(extracted.code, extracted.stderr).toBe(0);
    expect(extracted.stdout).toContain("extract: wrote");
    const header = readFileSync(join(data, "meter_net_dataset", "train", "X.npy")).subarray(0, 128).toString("latin1");
    expect(header.startsWith("\u0093NUMPY\u0001\u0000")).toBe(true);
    expect(header.slice(10)).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(\d+, 1630\), \}/s);
    expect((await tactus(["extract", "--data-dir", corpus])).stdout).toContain("up to date");

    const ckpt = join(root, "single");
    const trained = await tactus(["train", "--epochs", "4", "--hidden", "32", "--batch-size", "8", "--save", ckpt]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/ep {3}4\/4 {2}train_acc/);
    expect(trained.stdout).toContain("reported only");
    const meta = JSON.parse(readFileSync(join(ckpt, "meta.json"), "utf8"));
    expect(meta.validationMetrics.balancedAccuracy).toBeTypeOf("number");
    expect(meta.provenance.command).toContain("train");

    // Grid of 3 combos; SIGKILL as soon as the first has finished, then resume.
    const gridArgs = ["grid", "--hidden", "32,48,64", "--dropout", "1", "--blocks", "1", "--epochs", "30", "--batch-size", "8"];
    const results = join(data, "meter_net_grid", "results.json");
    const child = spawn(process.execPath, [MAIN, ...gridArgs], { env: { ...process.env, CI: "1", ...env }, stdio: "ignore" });
    const readRuns = () => (existsSync(results) ? (JSON.parse(readFileSync(results, "utf8")).runs as Record<string, { timestamp: string }>) : {});
    while (Object.keys(readRuns()).length === 0 && child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("close", r));
    const beforeKill = readRuns();
    expect(Object.keys(beforeKill).length).toBeGreaterThan(0);
    expect(Object.keys(beforeKill).length).toBeLessThan(3);
    const resumed = await tactus(gridArgs);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = readRuns();
    expect(Object.keys(after)).toHaveLength(3);
    for (const [id, entry] of Object.entries(beforeKill)) expect(after[id]!.timestamp).toBe(entry.timestamp);
    expect(resumed.stdout.match(/ SKIP /g)).toHaveLength(Object.keys(beforeKill).length);
    expect(resumed.stdout.match(/ DONE /g)).toHaveLength(3 - Object.keys(beforeKill).length);
    expect(resumed.stdout).toContain("GRID SEARCH COMPLETE");
    expect(existsSync(join(data, "meter_net", "meta.json"))).toBe(true);

    const first = await tactus(["eval", "--data-dir", corpus, "--split", "all", "--save"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/CORPUS all: {2}\d+\/18/);
    expect(first.stdout).toContain("Confusion");
    const saved = JSON.parse(readFileSync(/saved (\S+\.json)/.exec(first.stdout)![1]!, "utf8"));
    const perClass = saved.datasets.corpus.perClass as Record<string, { correct: number }>;
    const good = Object.entries(perClass).find(([, c]) => c.correct > 0)?.[0];
    expect(good, "the promoted model gets some file right").toBeDefined();

    // A worse model: always answers one class other than `good`.
    await initBackend();
    const always = METER_CLASSES.findIndex((m) => String(m) !== good);
    const base = createModel("meternet", { hidden: 32 }, 1);
    const weights = weightValues(base);
    weights.set("output/dense/kernel", new Float32Array(weights.get("output/dense/kernel")!.length));
    weights.set("output/dense/bias", Float32Array.from(METER_CLASSES, (_, i) => (i === always ? 10 : -10)));
    const worse = join(root, "worse");
    await saveCheckpoint(worse, modelFromWeights(base.architecture, base.hyperParameters, weights), {
      provenance: { command: "test", dataset: "none", codeRevision: "test" },
    });
    const second = await tactus(["eval", "--data-dir", corpus, "--split", "all", "--checkpoint", worse, "--save"]);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`REGRESSION meter ${good}/x`);

    const dashboard = await tactus(["dashboard"]);
    expect(dashboard.code).toBe(0);
    const rows = dashboard.stdout.split("\n").filter((l) => /^\d+ +\d{4}-\d\d-\d\d/.test(l));
    expect(rows).toHaveLength(2);
    expect(dashboard.stdout).toContain("Failures (");
  }, 240_000);
});
