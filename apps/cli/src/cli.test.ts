import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { keyFor, defineComponent, openCache } from "@tactus/cache";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const MAIN = new URL("../dist/main.js", import.meta.url).pathname;

async function tactus(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      env: { ...process.env, CI: "1", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
