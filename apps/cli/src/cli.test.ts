import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineComponent, keyFor, openCache } from "@tactus/cache";
import { beforeAll, describe, expect, it } from "vitest";
import { junk, spawnTactus, tactus } from "./test-utils/cli.js";

describe("tactus", () => {
  it("prints help and the package version", async () => {
    const help = await tactus(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("corpus");
    expect(help.stdout).toContain("cache");
    const version = await tactus(["--version"]);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it("rejects an unknown command with a non-zero exit", async () => {
    const res = await tactus(["frobnicate"]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("unknown command");
  });

  it("synthesises a corpus deterministically", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tactus-cli-"));
    const args = ["corpus", "synth", "--per-class", "1", "--duration", "4", "--classes", "3,7", "--seed", "5"];
    const a = await tactus([...args, "--out", join(dir, "a")]);
    const b = await tactus([...args, "--out", join(dir, "b")]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const files = readdirSync(join(dir, "a", "audio")).sort();
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(readFileSync(join(dir, "b", "audio", f)).equals(readFileSync(join(dir, "a", "audio", f)))).toBe(true);
    }
    const labels = readFileSync(join(dir, "a", "labels.tsv"), "utf8").trim().split("\n");
    expect(labels).toHaveLength(3);
    expect(readdirSync(join(dir, "a", "annotations"))).toHaveLength(2);
  });

  it("reports cache stats on an empty and on a filled cache", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tactus-cache-"));
    const empty = await tactus(["cache", "stats", "--json"], { TACTUS_CACHE_DIR: dir });
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout).entries).toBe(0);

    const src = join(dir, "component.js");
    (await import("node:fs")).writeFileSync(src, "export {};\n");
    const beats = defineComponent({ family: "beats", name: "dp", sources: [src] });
    const audio = defineComponent({ family: "features", name: "meter_net_audio", sources: [src] });
    const store = openCache({ dir, components: [beats, audio] });
    await store.putMany([
      { key: keyFor(beats, "00000000000000aa"), value: [{ time: 0.5, is_downbeat: true, strength: 1 }] },
      { key: keyFor(audio, "00000000000000aa"), value: new Float32Array(1449) },
    ]);
    await store.close();

    const filled = await tactus(["cache", "stats", "--json"], { TACTUS_CACHE_DIR: dir });
    const stats = JSON.parse(filled.stdout);
    expect(stats.entries).toBe(2);
    expect(stats.families.beats.entries).toBe(1);
    expect(stats.families.features.bytes).toBe(1449 * 4);
    const text = await tactus(["cache", "stats"], { TACTUS_CACHE_DIR: dir });
    expect(text.stdout).toMatch(/features\s+1\s+5\.7 KiB/);
  });
});

describe("analysis commands", { timeout: 180_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "tactus-analysis-"));
  const corpus = join(root, "corpus");
  const env = { TACTUS_CACHE_DIR: join(root, "cache") };
  let clips: string[] = [];

  beforeAll(async () => {
    const res = await tactus(["corpus", "synth", "--out", corpus, "--per-class", "1", "--duration", "4", "--seed", "3"]);
    expect(res.code).toBe(0);
    clips = readdirSync(join(corpus, "audio")).sort().map((f) => join(corpus, "audio", f));
    expect(clips).toHaveLength(6);
  }, 60_000);

  it("warms a corpus with 2 workers; a second run finds everything cached and computes nothing", async () => {
    const first = await tactus(["warm", "--data-dir", corpus, "-w", "2"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("warm: 6 computed, 0 already cached, 0 failed");
    expect(first.stdout).toMatch(/features\s+6\/6\s+100%/);
    const second = await tactus(["warm", "--data-dir", corpus, "-w", "2"], env);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("warm: all 6 files cached");
    expect(second.stdout).toContain("warm: 0 computed, 6 already cached, 0 failed");
    for (const family of ["beats", "onsets", "signals", "features"]) {
      expect(second.stdout).toMatch(new RegExp(`${family}\\s+6/6\\s+100%\\s+OK`));
    }
    const stats = await tactus(["cache", "stats", "--data-dir", corpus], env);
    expect(stats.stdout).toMatch(/signals\s+\d+\s+\S+ \S+\s+0\s+6\/6/);
    const clean = await tactus(["cache", "clean"], env);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("removed 0 entries");
  });

  it("analyzes a clip: table, JSON without NaN/Infinity, the backend on stderr", async () => {
    const text = await tactus(["analyze", clips[0]!], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/file\s+meter\s+confidence\s+alternatives\s+BPM\s+tempo/);
    expect(text.stdout).toContain(clips[0]!);
    expect(text.stderr).toMatch(/^backend: (node|wasm|cpu)$/m);
    expect(text.stderr.match(/backend:/g)).toHaveLength(1);

    const json = await tactus(["analyze", "--json", "--verbose", "--no-cache", clips[1]!]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(/NaN|Infinity/);
    const result = JSON.parse(json.stdout);
    expect(result.file).toBe(clips[1]);
    expect(result.tempo.bpm).toBeGreaterThan(0);
    expect(result.meter_hypotheses.length).toBeGreaterThan(0);
    expect(Object.keys(result.details.trackers).length).toBeGreaterThan(0);
    expect(result.cache.hit).toBe(false);
  });

  it("names the file and the reason when input is bad", async () => {
    const missing = join(root, "missing.wav");
    const res = await tactus(["analyze", missing], env);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(missing);
    expect(res.stderr).toMatch(/no such file/);

    const bad = join(root, "noise.wav");
    writeFileSync(bad, junk(4096));
    const junkRes = await tactus(["analyze", bad], env);
    expect(junkRes.code).not.toBe(0);
    expect(junkRes.stderr).toContain(bad);
    expect(junkRes.stderr).toMatch(/NotAudioError: .*not a recognised audio format/);

    const mixed = await tactus(["analyze", "--json", clips[0]!, bad], env);
    expect(mixed.code).toBe(1);
    const results = JSON.parse(mixed.stdout);
    expect(results).toHaveLength(1);
    expect(results[0].file).toBe(clips[0]);
    expect(mixed.stderr).toMatch(/1 of 2 files failed/);
    expect(mixed.stderr).toContain(bad);
  });

  it("lists a corrupt file, writes the failures file, and fails only with --strict", async () => {
    const broken = join(root, "broken-corpus");
    cpSync(corpus, broken, { recursive: true });
    const victim = readdirSync(join(broken, "audio")).sort()[2]!;
    writeFileSync(join(broken, "audio", victim), junk(8192));
    const failures = join(root, "failures.tsv");
    const res = await tactus(["warm", "--data-dir", broken, "--failures", failures], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("0 computed, 5 already cached, 1 failed");
    expect(res.stderr).toContain(victim);
    const written = readFileSync(failures, "utf8").trim().split("\n");
    expect(written).toHaveLength(2);
    expect(written[1]).toContain(victim);
    expect(written[1]).toContain("NotAudioError");
    const strict = await tactus(["warm", "--data-dir", broken, "--strict"], env);
    expect(strict.code).toBe(1);
    expect(readFileSync(join(env.TACTUS_CACHE_DIR, "warm-failures.tsv"), "utf8")).toContain(victim);
  });

  it("loses no finished work when warm is killed with SIGKILL", async () => {
    const other = join(root, "other");
    expect((await tactus(["corpus", "synth", "--out", other, "--per-class", "1", "--duration", "4", "--seed", "9", "--classes", "3,4,5"])).code).toBe(0);
    const killEnv = { TACTUS_CACHE_DIR: join(root, "kill-cache") };
    const warm = spawnTactus(["warm", "--data-dir", other], killEnv);
    // The first file is committed once the progress shows it.
    warm.onStderr((stderr) => {
      if (/warm: 1\/3/.test(stderr) && warm.child.exitCode === null) warm.child.kill("SIGKILL");
    });
    expect((await warm.exited).signal).toBe("SIGKILL");
    const again = await tactus(["warm", "--data-dir", other], killEnv);
    expect(again.code, again.stderr).toBe(0);
    const done = /warm: (\d+) computed, (\d+) already cached, 0 failed/.exec(again.stdout);
    expect(done).not.toBeNull();
    expect(Number(done![2])).toBeGreaterThanOrEqual(1);
    expect(Number(done![1]) + Number(done![2])).toBe(3);
    expect(again.stdout).toMatch(/features\s+3\/3\s+100%/);
  });

  it("prints the feature layout and a file's signals", async () => {
    const layout = await tactus(["features", "--layout"]);
    expect(layout.code).toBe(0);
    expect(layout.stdout).toContain("total: 1630");
    const vector = await tactus(["features", "--json", clips[0]!], env);
    expect(vector.code, vector.stderr).toBe(0);
    const parsed = JSON.parse(vector.stdout);
    expect(parsed.length).toBe(1630);
    expect(parsed.values).toHaveLength(1630);

    const signals = await tactus(["signals", clips[0]!], env);
    expect(signals.code, signals.stderr).toBe(0);
    const header = signals.stdout.split("\n")[1]!;
    for (const key of ["2/4", "3/4", "4/4", "5/4", "5/8", "6/8", "7/4", "7/8", "9/8", "10/8", "11/8", "12/8"]) {
      expect(header.split(/\s+/)).toContain(key);
    }
    expect(signals.stdout).toMatch(/onset_mlp: unavailable/);
  });
});
