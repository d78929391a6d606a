/**
 * Bad input through `tactus analyze` (issue "Reliability", parts 1 and 5; table in docs/RELIABILITY.md).
 * Every case ends in a typed error naming the file and the reason, or in a valid result with honest
 * low confidence: never a stack trace, a hang, or NaN/Infinity in the JSON.
 * Several files go through one process (the CLI lists per-file failures and carries on).
 */
import { execFile } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultJson } from "./results.js";
import { type BadInputCase, type ErrorCase, type ResultCase, writeBadInputs } from "./test-utils/bad-inputs.js";

const run = promisify(execFile);
const MAIN = new URL("../dist/main.js", import.meta.url).pathname;
/** `BAD_INPUT_REPORT=FILE`: append one line per case (what was observed) for docs/RELIABILITY.md. */
const REPORT = process.env.BAD_INPUT_REPORT;
function report(name: string, observed: string): void {
  if (REPORT) appendFileSync(REPORT, `${name} | ${observed}\n`);
}

function describeResult(json: ResultJson): string {
  const best = json.meter_hypotheses[0]!;
  const tempo = json.tempo.fallback ? "tempo fallback" : `${json.tempo.bpm} BPM (conf ${json.tempo.confidence})`;
  const meter = `${best.numerator}/${best.denominator} ${best.confidence}${best.fallback ? " fallback" : ""}`;
  return `result: ${json.duration.toFixed(2)} s, ${tempo}, ${json.beats.length} beats, meter ${meter}; warnings: ${json.warnings.join("; ")} (${(json.timings.total / 1000).toFixed(1)} s)`;
}

/** Hang budget per file. */
const PER_FILE_MS = 60_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `tactus …` in `cwd` (a temp dir: no `data/meter_net` there, so results do not depend on a promoted model). */
async function tactus(args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  const t0 = performance.now();
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      cwd,
      env: { ...process.env, CI: "1", TACTUS_DEBUG: "" },
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr, ms: performance.now() - t0 };
  } catch (err) {
    const e = err as { code: number | string; killed?: boolean; stdout: string; stderr: string };
    if (e.killed) throw new Error(`tactus ${args.join(" ")}: killed after ${timeoutMs} ms (hang)`);
    return { code: Number(e.code), stdout: e.stdout, stderr: e.stderr, ms: performance.now() - t0 };
  }
}

const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;
/** NaN/Infinity as JSON tokens, outside strings (a warning may legitimately say "NaN/Infinity"). */
const hasNonFiniteToken = (json: string) => /\bNaN\b|\bInfinity\b/.test(json.replace(/"(?:[^"\\]|\\.)*"/g, '""'));

/** Every number in `value` is finite (JSON.stringify writes NaN/Infinity as null, so also see `expectNumbers`). */
function nonFinitePaths(value: unknown, path = "$"): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinitePaths(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, `${path}.${k}`));
  return [];
}

/** The fields that must be numbers (a NaN would have turned into null). */
function expectValidResult(json: ResultJson & { file: string }, c: ResultCase): void {
  const where = `${c.name} (${json.file})`;
  expect(nonFinitePaths(json), where).toEqual([]);
  const num = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  expect(num(json.duration) && json.duration >= 0, `${where}: duration`).toBe(true);
  expect(num(json.tempo.bpm) && json.tempo.bpm > 0, `${where}: tempo.bpm`).toBe(true);
  expect(num(json.tempo.confidence) && json.tempo.confidence >= 0 && json.tempo.confidence <= 1, `${where}: tempo.confidence`).toBe(true);
  expect(json.meter_hypotheses.length, `${where}: meter hypotheses`).toBeGreaterThan(0);
  for (const h of json.meter_hypotheses) expect(num(h.confidence) && h.confidence >= 0 && h.confidence <= 1, `${where}: meter confidence`).toBe(true);
  let last = -1;
  for (const b of json.beats as { time: unknown }[]) {
    expect(num(b.time) && (b.time as number) >= last && (b.time as number) <= json.duration + 1e-6, `${where}: beat time ${String(b.time)}`).toBe(true);
    last = b.time as number;
  }
  expect(num(json.timings.total) && json.timings.total < PER_FILE_MS, `${where}: took ${json.timings.total} ms`).toBe(true);
  if (c.durationSec !== undefined) expect(json.duration, `${where}: duration`).toBeCloseTo(c.durationSec, c.durationSec < 1 ? 2 : 0);
  if (c.warning) expect(json.warnings.some((w) => c.warning!.test(w)), `${where}: warnings ${JSON.stringify(json.warnings)}`).toBe(true);
  if (c.clickBpm !== undefined) {
    // Known issue (docs/RELIABILITY.md): the tempo is folded into 40–300 BPM by an integer factor and
    // reported with high confidence, while the primary beats may follow another level. Pinned as observed.
    const { bpm } = json.tempo;
    const ratio = bpm > c.clickBpm ? bpm / c.clickBpm : c.clickBpm / bpm;
    expect(bpm >= 40 && bpm <= 300 && Math.abs(ratio - Math.round(ratio)) < 0.05 * ratio, `${where}: ${bpm} BPM`).toBe(true);
  }
  if (c.degenerate) {
    // Nothing to find: say so (fallback) or at least not claim it confidently.
    expect(json.tempo.fallback || json.tempo.confidence <= 0.3, `${where}: tempo ${JSON.stringify(json.tempo)}`).toBe(true);
    const best = json.meter_hypotheses[0]!;
    expect(best.fallback || best.confidence <= 0.5, `${where}: meter ${JSON.stringify(best)}`).toBe(true);
  }
}

/** stderr names every failed file with its error class and reason, and prints no stack trace. */
function expectTypedFailures(stderr: string, failures: readonly ErrorCase[]): void {
  expect(stderr).not.toMatch(STACK_FRAME);
  for (const c of failures) {
    const line = stderr.split("\n").find((l) => l.includes(`${c.error}: ${c.file}: `));
    expect(line, `${c.name}: no "${c.error}: ${c.file}: …" line in\n${stderr}`).toBeDefined();
    expect(line!, c.name).toMatch(c.reason);
    report(c.name, line!.trim().replace(c.file, "FILE"));
  }
}

describe("tactus analyze on bad input", () => {
  let dir: string;
  let cases: BadInputCase[];
  const errors = () => cases.filter((c): c is ErrorCase => c.kind === "error");
  const results = () => cases.filter((c): c is ResultCase => c.kind === "result");

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tactus-bad-input-"));
    cases = writeBadInputs(join(dir, "in"));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives a typed error naming the file and the reason for each unreadable input, in one run", async () => {
    // A real (temporary) cache: the content hash of a missing file or a directory must not crash either.
    const files = errors().map((c) => c.file);
    const res = await tactus(["analyze", "--json", "--cache-dir", join(dir, "cache"), ...files], dir, PER_FILE_MS * 2);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toContain(`${files.length} of ${files.length} files failed:`);
    expectTypedFailures(res.stderr, errors());
    expect(JSON.parse(res.stdout)).toEqual([]);
  }, 60_000);

  it("prints `tactus: <Error>: <file>: <reason>` and exits 1 for a single bad file", async () => {
    for (const name of ["missing path", "random bytes .mp3", "0-sample WAV"]) {
      const c = errors().find((e) => e.name === name)!;
      const res = await tactus(["analyze", "--json", "--no-cache", c.file], dir, PER_FILE_MS);
      expect(res.code, name).toBe(1);
      expect(res.stdout, name).toBe("");
      expect(res.stderr.trim(), name).toMatch(new RegExp(`^tactus: ${c.error}: ${c.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
      expect(res.stderr, name).toMatch(c.reason);
      expect(res.stderr, name).not.toMatch(STACK_FRAME);
    }
  }, 60_000);

  it("gives a valid, finite result with honest confidence for odd but readable input, in one run with failures mixed in", async () => {
    const readable = results().filter((c) => !c.name.startsWith("long clip"));
    const failing = errors().slice(0, 2);
    const files = [...readable.map((c) => c.file), ...failing.map((c) => c.file)];
    const res = await tactus(["analyze", "--json", "--no-cache", ...files], dir, 140_000); // below the test timeout, so a hang kills the process
    expect(res.code, res.stderr).toBe(1); // the two failures; the rest carries on
    expect(res.stderr).toContain(`${failing.length} of ${files.length} files failed:`);
    expectTypedFailures(res.stderr, failing);
    expect(hasNonFiniteToken(res.stdout)).toBe(false);
    const out = JSON.parse(res.stdout) as (ResultJson & { file: string })[];
    expect(out.map((r) => r.file)).toEqual(readable.map((c) => c.file)); // input order, names (unicode, spaces) intact
    out.forEach((json, i) => {
      report(readable[i]!.name, describeResult(json));
      expectValidResult(json, readable[i]!);
    });
    // Warnings name the files they concern, unicode included.
    expect(res.stderr).toMatch(/warning: no MeterNet checkpoint: fallback meter \(.*mètre 7∕8 ♪\.wav/);
  }, 150_000);

  it("shows decoder warnings when it decodes, and again on a cached re-run that decodes nothing", async () => {
    const c = results().find((r) => r.name === "float WAV with NaN/±Inf samples")!;
    const args = ["analyze", "--json", "--cache-dir", join(dir, "cache-rerun"), c.file];
    const first = JSON.parse((await tactus(args, dir, PER_FILE_MS)).stdout) as ResultJson;
    const second = JSON.parse((await tactus(args, dir, PER_FILE_MS)).stdout) as ResultJson;
    expect(first.warnings.some((w) => c.warning!.test(w))).toBe(true);
    expect(second.cache.fast_path).toBe(true);
    // Remembered with the file's entries (the cache's memo store): the fast path reports them too.
    expect(second.warnings.filter((w) => c.warning!.test(w))).toEqual(first.warnings.filter((w) => c.warning!.test(w)));
  }, 60_000);

  it("analyses a long (tiled) clip within the per-file budget", async () => {
    const c = results().find((r) => r.name.startsWith("long clip"))!;
    const res = await tactus(["analyze", "--json", "--no-cache", c.file], dir, PER_FILE_MS);
    expect(res.code, res.stderr).toBe(0);
    expect(hasNonFiniteToken(res.stdout)).toBe(false);
    const json = JSON.parse(res.stdout) as ResultJson & { file: string };
    report(c.name, describeResult(json));
    expectValidResult(json, c);
  }, 90_000);
});
