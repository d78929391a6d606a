/**
 * Interrupted and starved runs of the built CLI (docs/RELIABILITY.md, "Reliability" issue part 3):
 *
 * - `warm` killed with SIGKILL ten times at seeded-random moments (during start-up, mid-file, the
 *   moment the store's data file is being written, just after a file), then run to the end: every
 *   cache entry decodes, every file is complete or untouched after each kill, and no file finished
 *   before a kill is computed again;
 * - `analyze` over a cache that opens but cannot be written (data.mdb cannot grow: a file-size
 *   limit, which stops root too): every file is analysed and the warning is printed once; `warm`
 *   over such a cache lists every file as failed instead of counting it as computed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AnalysisCache, audioHash, openCache, STORE_NAME } from "@tactus/cache";
import { generateCorpus } from "@tactus/datasets";
import { openEngineCache } from "@tactus/engine";
import { createRng } from "@tactus/meternet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, spawnTactus, tactus } from "./test-utils/cli.js";

const root = mkdtempSync(join(tmpdir(), "tactus-faults-"));
const corpus = join(root, "corpus");
let clips: string[] = [];

beforeAll(async () => {
  // 10 clips of 4 s: long enough that a kill can land inside a file, short enough for 11 runs.
  const made = await generateCorpus({ outDir: corpus, perClass: 2, classes: [3, 4, 5, 7, 9], durationSec: 4, seed: 23 });
  clips = made.clips.map((c) => join(corpus, c.file));
  expect(clips).toHaveLength(10);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Per audio hash: how many of the engine's components have an entry (decoding every value on the way). */
function entriesPerFile(cache: AnalysisCache): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { key, parsed } of cache.entries()) {
    expect(parsed, `unparsable key ${key}`).not.toBeNull();
    counts.set(parsed!.ah, (counts.get(parsed!.ah) ?? 0) + 1);
  }
  return counts;
}

const MARK = "faultsTestMark";

describe("warm killed with SIGKILL", () => {
  it("10 kills at random moments, then a full run: every entry decodes, no finished file is computed again", { timeout: 150_000 }, async () => {
    const cacheDir = join(root, "warm-cache");
    const args = ["warm", "--data-dir", corpus, "--cache-dir", cacheDir];
    const hashes = new Map<string, string>(); // audio hash → clip
    for (const clip of clips) hashes.set(await audioHash(clip), clip);
    const rng = createRng(20_251_122);
    const marked = new Map<string, number>(); // audio hash → the kill after which it was found complete
    let fileMs = 0; // measured: header line → first finished file
    const log: string[] = [];

    for (let kill = 0; kill < 10; kill++) {
      // Kill 0 measures a file; then a seeded choice of moment.
      const moments = ["start-up", "mid-file", "data write", "after a file"] as const;
      let moment = kill === 0 ? "after a file" : moments[Math.floor(rng.next() * moments.length)]!;
      // With one or two files left, a run may end before "after a file" fires.
      if (moment === "after a file" && kill > 0 && 10 - marked.size <= 2) moment = "mid-file";
      const fraction = rng.next();
      const warm = spawnTactus(args);
      let headerAt = 0;
      let killed = "";
      const killNow = (why: string) => {
        if (killed || warm.child.exitCode !== null) return;
        killed = why;
        warm.child.kill("SIGKILL");
      };
      let watcher: ReturnType<typeof watch> | undefined;
      let timer: NodeJS.Timeout | undefined;
      // Module loading alone takes ≥ 0.5 s, so 0.1–0.5 s is start-up even when one short file is left.
      if (moment === "start-up") timer = setTimeout(() => killNow("start-up"), 100 + fraction * 400);
      warm.onStderr((stderr) => {
        if (!headerAt && /warm: \d+ files: \d+ cached, \d+ to compute/.test(stderr)) {
          headerAt = performance.now();
          if (moment === "mid-file") timer = setTimeout(() => killNow("mid-file"), (0.1 + 0.8 * fraction) * fileMs);
          if (moment === "data write") {
            // The first change of data.mdb is a commit being written: kill at once.
            watcher = watch(join(cacheDir, STORE_NAME, "data.mdb"), () => killNow("data write"));
          }
        }
        if (moment === "after a file" && /warm: 1\/\d+/.test(stderr)) {
          if (kill === 0) fileMs = performance.now() - headerAt;
          timer = setTimeout(() => killNow("after a file"), kill === 0 ? 0 : fraction * fileMs);
        }
      });
      const exit = await warm.exited;
      clearTimeout(timer);
      watcher?.close();
      expect(exit.signal, `kill ${kill} (${moment}): the run ended before the kill\n${warm.stderr}`).toBe("SIGKILL");
      expect(fileMs).toBeGreaterThan(0);

      // The run's own header: it found exactly the files this test saw complete after the last kill.
      const header = /warm: 10 files: (\d+) cached, (\d+) to compute/.exec(warm.stderr);
      if (header) expect(Number(header[1]), `kill ${kill}: header`).toBe(marked.size);

      // After the kill: every value decodes; each file is complete or untouched (one transaction per file).
      const cache = openEngineCache({ dir: cacheDir });
      try {
        const perFile = entriesPerFile(cache);
        const total = cache.components.size;
        for (const [ah, count] of perFile) {
          expect(hashes.has(ah), `entry for an unknown audio hash ${ah}`).toBe(true);
          expect(count, `${hashes.get(ah)}: ${count} of ${total} entries after kill ${kill}`).toBe(total);
        }
        // Mark each newly finished file's onsets entry; computing the file again would overwrite it.
        for (const { key, parsed, value } of [...cache.entries("onsets:")]) {
          if (marked.has(parsed!.ah)) {
            expect((value as Record<string, unknown>)[MARK], `${hashes.get(parsed!.ah)} was computed again`).toBe(marked.get(parsed!.ah));
            continue;
          }
          await cache.putJson(key, { ...(value as object), [MARK]: kill });
          marked.set(parsed!.ah, kill);
        }
      } finally {
        await cache.close();
      }
      log.push(`${kill}: ${killed} after ${headerAt ? "header" : "no header"} → ${marked.size}/10 finished`);
    }
    console.log(`warm kills (file ≈ ${fileMs.toFixed(0)} ms):\n  ${log.join("\n  ")}`);
    // The kills interrupted work in progress: files finished across several runs, not all before the last kill.
    expect(marked.size).toBeGreaterThanOrEqual(2);
    expect(marked.size).toBeLessThan(10);
    expect(new Set(marked.values()).size).toBeGreaterThanOrEqual(2);

    const last = await tactus(args);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toContain(`warm: ${10 - marked.size} computed, ${marked.size} already cached, 0 failed`);
    expect(last.stdout).toMatch(/features\s+10\/10\s+100%/);
    const cache = openEngineCache({ dir: cacheDir });
    try {
      const perFile = entriesPerFile(cache);
      expect(perFile.size).toBe(10);
      for (const count of perFile.values()) expect(count).toBe(cache.components.size);
      let stillMarked = 0;
      for (const { parsed, value } of cache.entries("onsets:")) {
        const mark = (value as Record<string, unknown>)[MARK];
        if (marked.has(parsed!.ah)) {
          expect(mark, `${hashes.get(parsed!.ah)} was computed again by the last run`).toBe(marked.get(parsed!.ah));
          stillMarked++;
        } else expect(mark).toBeUndefined();
      }
      expect(stillMarked).toBe(marked.size);
    } finally {
      await cache.close();
    }
  });
});

/** A fresh cache in `name` whose data.mdb may not grow, and a runner of the CLI under that limit. */
async function fullCache(name: string) {
  const cacheDir = join(root, name);
  await openCache({ dir: cacheDir }).close();
  const dataFile = join(cacheDir, STORE_NAME, "data.mdb");
  // data.mdb may not grow (RLIMIT_FSIZE, in KiB for bash's ulimit, which stops root too); stdout and stderr are pipes.
  const limitKiB = Math.ceil(statSync(dataFile).size / 1024) + 4;
  const run = async (args: string[]) => {
    const child = spawn("bash", ["-c", `ulimit -f ${limitKiB} && exec "$0" "$@"`, process.execPath, MAIN, ...args, "--cache-dir", cacheDir], {
      env: { ...process.env, CI: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, stdout, stderr };
  };
  return { cacheDir, dataFile, limitKiB, run };
}

describe("a cache that cannot be written", () => {
  it("warm lists every file whose results could not be stored as failed, and --strict exits 1", { timeout: 120_000 }, async () => {
    const { run } = await fullCache("full-cache-warm");
    const { code, stdout, stderr } = await run(["warm", "--data-dir", corpus, "--limit", "3", "-w", "1", "--strict", "--failures", join(root, "warm-full-failures.tsv")]);
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(/warm: 0 computed, 0 already cached, 3 failed/);
    expect(stderr.match(/results are not in the cache/g) ?? [], stderr).toHaveLength(3);
  });

  it("analyze analyses every file without caching and warns once", { timeout: 120_000 }, async () => {
    const { cacheDir, dataFile, limitKiB, run } = await fullCache("full-cache");
    const files = clips.slice(0, 3);
    const { code, stdout, stderr } = await run(["analyze", "--json", ...files]);
    expect(code, stderr).toBe(0);
    const results = JSON.parse(stdout) as { file: string; tempo: { bpm: number }; cache: { hit: boolean } }[];
    expect(results.map((r) => r.file)).toEqual(files);
    for (const result of results) {
      expect(result.tempo.bpm).toBeGreaterThan(0);
      expect(result.cache.hit).toBe(false);
    }
    const warnings = stderr.match(/cache write failed/g) ?? [];
    expect(warnings, stderr).toHaveLength(1);
    expect(stderr).toMatch(/cache write failed, results not cached: .*analysis\.lmdb: write of \d+ entries failed/);
    expect(stderr).not.toMatch(/unhandled|Commit failed/i);
    expect(statSync(dataFile).size).toBeLessThanOrEqual(limitKiB * 1024);
    // Nothing was stored: a second run (no limit) computes everything and stores it.
    const again = await tactus(["analyze", "--json", "--cache-dir", cacheDir, files[0]!]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).cache.hit).toBe(false);
    expect(again.stderr).not.toMatch(/cache write failed/);
  });
});
