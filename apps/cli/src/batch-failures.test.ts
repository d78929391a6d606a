// Batch commands over a folder where 1 file in 10 is not audio: warm, extract and eval finish the
// other nine, name the bad file and its reason at the end and in a failures file, exit 0, and
// exit 1 only with --strict.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateCorpus } from "@tactus/datasets";
import { createModel, initBackend, saveCheckpoint } from "@tactus/meternet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { junk, tactus } from "./test-utils/cli.js";

const root = mkdtempSync(join(tmpdir(), "tactus-batch-failures-"));
const corpus = join(root, "corpus");
const cacheDir = join(root, "cache");
const env = { TACTUS_CACHE_DIR: cacheDir, TACTUS_DATA_DIR: join(root, "data") };
let victim = "";

beforeAll(async () => {
  await generateCorpus({ outDir: corpus, perClass: 2, classes: [3, 4, 5, 7, 9], durationSec: 4, seed: 31 });
  victim = readdirSync(join(corpus, "audio")).sort()[4]!;
  writeFileSync(join(corpus, "audio", victim), junk(8192));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The failures file: its header and one row naming the bad file and the reason. */
function expectFailuresFile(file: string, reason = /NotAudioError/): void {
  const rows = readFileSync(file, "utf8").trim().split("\n");
  expect(rows[0]).toBe("file\terror");
  expect(rows).toHaveLength(2);
  expect(rows[1]).toContain(victim);
  expect(rows[1]).toMatch(reason);
}

describe("batch commands with 10 % bad files", { timeout: 180_000 }, () => {
  it("warm, extract and eval finish the rest, list the failure, and fail only with --strict", async () => {
    const warm = await tactus(["warm", "--data-dir", corpus, "-w", "2"], env);
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.stdout).toContain("9 computed, 0 already cached, 1 failed");
    expect(warm.stderr).toMatch(new RegExp(`1 file\\(s\\) failed .*\\n  NotAudioError: .*${victim}`));
    expectFailuresFile(join(cacheDir, "warm-failures.tsv"));

    const extract = await tactus(["extract", "--data-dir", corpus], env);
    expect(extract.code, extract.stderr).toBe(0);
    expect(extract.stderr).toContain(victim);
    expect(extract.stdout).toContain("extract: wrote");
    // extract reads only the cache: the file warm could not analyse has no entries.
    expectFailuresFile(join(cacheDir, "extract-failures.tsv"), /cache entries missing .*run `tactus warm` first/);
    expect((await tactus(["extract", "--data-dir", corpus, "--strict"], env)).code).toBe(1);

    await initBackend();
    const checkpoint = join(root, "model");
    await saveCheckpoint(checkpoint, createModel("meternet", { hidden: 16 }, 1), { provenance: { command: "test", dataset: "none", codeRevision: "test" } });
    const failures = join(root, "eval-failures.tsv");
    const evalRun = await tactus(["eval", "--data-dir", corpus, "--split", "all", "--checkpoint", checkpoint, "--failures", failures], env);
    expect(evalRun.code, evalRun.stderr).toBe(0);
    // The bad file counts as answered "none" (a wrong answer), as every unreadable file does.
    expect(evalRun.stdout).toMatch(/CORPUS all: {2}\d+\/10/);
    expect(evalRun.stderr).toContain(victim);
    expectFailuresFile(failures);
    const strict = await tactus(["eval", "--data-dir", corpus, "--split", "all", "--checkpoint", checkpoint, "--strict"], env);
    expect(strict.code).toBe(1);
    expectFailuresFile(join(cacheDir, "eval-failures.tsv"));
  });
});
