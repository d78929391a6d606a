import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeWav } from "@tactus/audio";
import { type AnalysisCache, CacheError, clearFingerprintMemo, fingerprint } from "@tactus/cache";
import { generateCorpus, synthesizeClip } from "@tactus/datasets";
import { checkpointHash, createModel, initBackend, loadCheckpoint, predict, saveCheckpoint } from "@tactus/meternet";
import { onsetMlpScores } from "@tactus/signals";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { envelopeForPlot } from "./analyze.js";
import {
  type AnalysisResult,
  analyzeFile,
  buildEngineComponents,
  curveAtOctave,
  decodeCount,
  derive,
  engineComponents,
  featuresForFile,
  type OnsetsRecord,
  openEngineCache,
  type TrackerRecord,
  toJson,
  tryOpenEngineCache,
  warmFile,
} from "./index.js";

const root = mkdtempSync(join(tmpdir(), "tactus-engine-"));
const noModel = join(root, "no-checkpoint");
let files: string[] = [];
let cache: AnalysisCache;
const allIds = () => engineComponents().all.map((c) => c.id);

/** The result JSON without what legitimately differs between runs (timings, cache state, hash of an uncached run). */
function comparable(result: AnalysisResult) {
  const { timings: _t, cache: _c, audio_hash: _h, ...rest } = toJson(result);
  return rest;
}

beforeAll(async () => {
  // Two 16 s clips (3/x and 5/x): long enough for sections (≥ 15 s).
  const corpus = await generateCorpus({ outDir: join(root, "corpus"), perClass: 1, classes: [3, 5], durationSec: 16, seed: 11 });
  files = corpus.clips.map((c) => join(root, "corpus", c.file));
  cache = openEngineCache({ dir: join(root, "cache") });
});

afterAll(async () => {
  await cache?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("warm cache", () => {
  it("fills every component once, then computes nothing", async () => {
    for (const file of files) {
      const first = await warmFile(file, { cache });
      expect(first.cached).toBe(false);
      expect([...first.computed].sort()).toEqual(allIds().sort());
    }
    for (const file of files) expect(await warmFile(file, { cache })).toEqual({ computed: [], cached: true });
  });

  it("analyses a warm file without decoding, identical to an uncached cold run", async () => {
    const file = files[0]!;
    const cold = await analyzeFile(file, { cache: null, checkpointDir: noModel, verbose: true });
    expect(cold.cache).toEqual({ hit: false, fastPath: false });
    const decodes = decodeCount();
    const stages: string[] = [];
    const warm = await analyzeFile(file, { cache, checkpointDir: noModel, verbose: true, onStage: (s) => stages.push(s) });
    expect(decodeCount()).toBe(decodes);
    expect(stages).not.toContain("decode");
    expect(warm.cache).toEqual({ hit: true, fastPath: true });
    expect(comparable(warm)).toEqual(comparable(cold));
    // 16 s: sections are detected on the fast path too.
    expect(warm.sections.length).toBeGreaterThanOrEqual(1);
    expect(warm.sections[0]!.startSec).toBe(0);
    expect(warm.sections.at(-1)!.endSec).toBeCloseTo(16, 1);
    expect(warm.model).toBe("none");
    expect(warm.fallback).toBe(true);
    expect(warm.meterHypotheses).toHaveLength(1);
    expect(warm.meterHypotheses[0]).toMatchObject({ numerator: 4, denominator: 4, confidence: 0.3, fallback: true });
    expect(warm.backend).toBeNull();
    expect(warm.durationSec).toBeCloseTo(16, 2);
    expect(warm.details!.signals.onset_mlp!.status).toBe("unavailable");
    const json = JSON.stringify(toJson(warm));
    expect(json).not.toMatch(/NaN|Infinity/);

    // The dbn entry keeps its bar-length decision; dbn_best follows its scores on both paths.
    const [dbnEntry] = [...cache.entries("beats:dbn:")].filter((e) => e.key.endsWith(warm.audioHash!));
    const dbn = dbnEntry!.value as TrackerRecord;
    expect(Array.isArray(dbn.beats)).toBe(true);
    expect(Object.keys(dbn.bar_length_scores!).length).toBeGreaterThan(0);
    const bestLength = Object.entries(dbn.bar_length_scores!)
      .filter(([length]) => ["3", "4", "5", "7"].includes(length))
      .sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]))[0]![0];
    expect(warm.details!.dbnBest).toBe(`dbn_bpb${bestLength}`);
    // The envelope for plots: the cached one (≤ 1000 frames here, so unpooled).
    expect(warm.details!.onsetEnvelope.values.length).toBeGreaterThan(100);
    expect(warm.details!.onsetEnvelope.values.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...warm.details!.onsetEnvelope.values)).toBeCloseTo(1, 6);
    // The tempo curve is reported at the consensus octave.
    const curve = warm.tempoCurve.map((p) => p.bpm).sort((a, b) => a - b);
    if (curve.length > 0) expect(Math.abs(Math.log2(curve[curve.length >> 1]! / warm.tempo.bpm))).toBeLessThanOrEqual(0.5);
  });

  it("the record module is a source of every beats component (format changes drop old entries)", () => {
    const records = join(dirname(fileURLToPath(import.meta.url)), "records.ts");
    for (const component of Object.values(engineComponents().beats)) expect(component.sources).toContain(records);
  });

  it("gives training the vector inference uses", async () => {
    const decodes = decodeCount();
    const features = await featuresForFile(files[1]!, { cache });
    expect(decodeCount()).toBe(decodes);
    expect(features.ok).toBe(true);
    if (!features.ok) return;
    expect(features.vector).toHaveLength(1630);
    expect(features.vector.every(Number.isFinite)).toBe(true);
    const uncached = await featuresForFile(files[1]!, { cache: null });
    expect(uncached.ok && Array.from(uncached.vector)).toEqual(Array.from(features.vector));
  });
});

describe("fingerprints follow the code", () => {
  it("a fixture edit invalidates that component and its dependants, nothing else", async () => {
    const fixture = join(root, "fixture-source.js");
    const dir = join(root, "cache-fixture");
    const build = () =>
      buildEngineComponents({ extraSources: { "signals:autocorr": [fixture], onsets: [fixture.replace(".js", "-onsets.js")] } });
    writeFileSync(fixture, "export const version = 1;\n");
    writeFileSync(fixture.replace(".js", "-onsets.js"), "export const version = 1;\n");
    let components = build();
    let store = openEngineCache({ dir, components });
    await warmFile(files[0]!, { cache: store });
    await store.close();

    // Edit the signal's fixture: only signals:autocorr is stale and recomputed, without decoding.
    writeFileSync(fixture, "export const version = 2;\n");
    clearFingerprintMemo();
    components = build();
    store = openEngineCache({ dir, components });
    let decodes = decodeCount();
    expect(await warmFile(files[0]!, { cache: store })).toEqual({ computed: ["signals:autocorr"], cached: false });
    expect(decodeCount()).toBe(decodes);
    await store.close();

    // Edit the onsets' fixture: onsets and everything that reads them, no tracker, no spacing, no audio block.
    writeFileSync(fixture.replace(".js", "-onsets.js"), "export const version = 2;\n");
    clearFingerprintMemo();
    components = build();
    store = openEngineCache({ dir, components });
    decodes = decodeCount();
    const again = await warmFile(files[0]!, { cache: store });
    expect(decodeCount()).toBe(decodes + 1);
    expect([...again.computed].sort()).toEqual(
      ["onsets:onsets", "signals:autocorr", "signals:bar_tracking", "signals:hcdf", "features:meter_net_ssm"].sort(),
    );
    await store.close();
    clearFingerprintMemo();
  });

  it("every engine component has its own key name and no checkpoint dependency", () => {
    const { all, onsetMlp } = engineComponents();
    // No data/onset_mlp here: no onset-MLP component (the signal is "unavailable").
    expect(onsetMlp).toBeNull();
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) {
      expect(c.name).not.toContain(":");
      expect(c.extra).toBeUndefined();
      expect(c.sources.some((s) => s.includes("meter_net"))).toBe(false);
    }
    const ids = (id: string) => all.find((c) => c.id === id)!.dependsOn.map((d) => d.id);
    expect(ids("signals:spacing.dbn")).toEqual(["beats:dbn"]);
    expect(ids("features:meter_net_audio")).toEqual([]);
    expect(ids("features:meter_net_ssm")).toContain("beats:dbn");
  });
});

describe("model", () => {
  it("runs a checkpoint when there is one and names it", async () => {
    await initBackend();
    const dir = join(root, "meter_net");
    await saveCheckpoint(dir, createModel("meternet", { hidden: 64 }, 7), {
      provenance: { command: "engine test", dataset: "none (untrained)", codeRevision: "test" },
    });
    const { hash } = await loadCheckpoint(dir, "meternet");
    const result = await analyzeFile(files[1]!, { cache, checkpointDir: dir, verbose: true });
    expect(result.cache.fastPath).toBe(true);
    expect(result.model).toEqual({ kind: "meternet", dir, hash });
    expect(result.backend).toMatch(/^(node|wasm|cpu)$/);
    expect(result.details!.probabilities).toHaveLength(6);
    expect(result.fallback).toBe(false);
    const total = result.meterHypotheses.reduce((s, h) => s + h.confidence, 0);
    expect(total).toBeCloseTo(1, 2);
    expect(JSON.stringify(toJson(result))).not.toMatch(/NaN|Infinity/);
  });

  it("finishes an interrupted promotion before loading the model folder", async () => {
    await initBackend();
    // Killed between "model → .prev" and ".next → model": only the backup and the complete new copy.
    const model = join(root, "promoted", "meter_net");
    const info = { provenance: { command: "engine test", dataset: "none (untrained)", codeRevision: "test" } };
    await saveCheckpoint(`${model}.prev`, createModel("meternet", { hidden: 64 }, 1), info);
    await saveCheckpoint(`${model}.next`, createModel("meternet", { hidden: 64 }, 2), info);
    const newHash = await checkpointHash(`${model}.next`);
    const warnings: string[] = [];
    const spy = vi.spyOn(process, "emitWarning").mockImplementation((warning) => {
      warnings.push(String(warning));
    });
    let result: AnalysisResult;
    try {
      result = await analyzeFile(files[1]!, { cache, checkpointDir: model });
    } finally {
      spy.mockRestore();
    }
    expect(result.model).toEqual({ kind: "meternet", dir: model, hash: newHash });
    expect(result.fallback).toBe(false);
    expect(readdirSync(join(root, "promoted")).sort()).toEqual(["meter_net", "meter_net.prev"]);
    expect(warnings).toEqual([`${model}: finished the interrupted promotion: meter_net.next → meter_net`]);
  });
});

describe("onset-MLP signal", () => {
  const save = (dir: string, seed: number) =>
    saveCheckpoint(dir, createModel("onset-mlp", { hidden: 16 }, seed), {
      provenance: { command: "engine test", dataset: "none (untrained)", codeRevision: "test" },
    });

  it("is keyed on the checkpoint hash; retraining recomputes only signals:onset_mlp, nothing decoded", async () => {
    await initBackend();
    const file = join(root, "mlp.wav");
    await writeWav(file, synthesizeClip({ numerator: 3, denominator: 4, bpm: 120, durationSec: 3, seed: 5 }).samples, 22050);
    const active = join(root, "onset_mlp");
    const cacheDir = join(root, "cache-onset-mlp");
    await save(active, 1);
    const hashA = await checkpointHash(active);

    const componentsA = buildEngineComponents({ onsetMlpDir: active });
    const plain = buildEngineComponents({ onsetMlpDir: null });
    expect(componentsA.onsetMlp).toMatchObject({ dir: active, hash: hashA });
    const mlpA = componentsA.signals.onset_mlp!;
    expect(mlpA).toBe(componentsA.onsetMlp!.component);
    expect(mlpA.extra).toBe(hashA);
    expect(mlpA.dependsOn.map((d) => d.id)).toEqual(["features:meter_net_audio"]);
    expect(plain.onsetMlp).toBeNull();
    expect(buildEngineComponents({ onsetMlpDir: join(root, "nowhere") }).onsetMlp).toBeNull();
    // Everything else (feature groups included) is independent of the checkpoint.
    expect(componentsA.all.filter((c) => c !== mlpA).map(fingerprint)).toEqual(plain.all.map(fingerprint));

    let store = openEngineCache({ dir: cacheDir, components: componentsA });
    const first = await warmFile(file, { cache: store });
    expect(first.computed).toContain("signals:onset_mlp");
    expect([...first.computed].sort()).toEqual(componentsA.all.map((c) => c.id).sort());
    expect(await warmFile(file, { cache: store })).toEqual({ computed: [], cached: true });
    let decodes = decodeCount();
    const a = await analyzeFile(file, { cache: store, checkpointDir: noModel, verbose: true, sections: false });
    expect(decodeCount()).toBe(decodes);
    expect(a.cache.fastPath).toBe(true);
    const scoresA = a.details!.signals.onset_mlp!;
    expect(scoresA.status).toBe("ok");
    if (scoresA.status !== "ok") return;
    expect(Object.keys(scoresA.scores)).toEqual(["3/4", "4/4", "5/4", "5/8", "7/4", "7/8", "9/8", "11/8"]);
    // The model's probabilities of the cached audio block, mapped by onsetMlpScores.
    const features = await featuresForFile(file, { cache: store });
    if (!features.ok) throw new Error("no features");
    const { model } = await loadCheckpoint(active, "onset-mlp");
    const expected = onsetMlpScores(predict(model, features.vector.subarray(0, 1449), 1));
    for (const [key, value] of Object.entries(expected)) expect(scoresA.scores[key as keyof typeof expected]).toBeCloseTo(value, 6);
    expect(features.onsetMlp).toEqual(scoresA.scores);
    expect(JSON.stringify(toJson(a))).not.toMatch(/NaN|Infinity/);
    await store.close();

    // Retrain: a new checkpoint in the same place. Only the onset_mlp entries are stale.
    await save(active, 2);
    const hashB = await checkpointHash(active);
    expect(hashB).not.toBe(hashA);
    const componentsB = buildEngineComponents({ onsetMlpDir: active });
    expect(componentsB.signals.onset_mlp!.extra).toBe(hashB);
    store = openEngineCache({ dir: cacheDir, components: componentsB });
    expect([...store.entries("signals:onset_mlp:")]).toHaveLength(0);
    decodes = decodeCount();
    expect(await warmFile(file, { cache: store })).toEqual({ computed: ["signals:onset_mlp"], cached: false });
    expect(decodeCount()).toBe(decodes);
    expect([...store.entries("signals:onset_mlp:")]).toHaveLength(1);
    const b = await analyzeFile(file, { cache: store, checkpointDir: noModel, verbose: true, sections: false });
    expect(b.cache.fastPath).toBe(true);
    expect(b.details!.signals.onset_mlp).not.toEqual(a.details!.signals.onset_mlp);

    // Without a checkpoint: "unavailable", absent from the features' result (not zeros).
    const none = await analyzeFile(file, { cache: store, checkpointDir: noModel, onsetMlpDir: noModel, verbose: true, sections: false });
    expect(none.details!.signals.onset_mlp!.status).toBe("unavailable");
    const bare = await featuresForFile(file, { cache: store, onsetMlpDir: noModel });
    expect(bare.ok && "onsetMlp" in bare).toBe(false);
    await store.close();
  });
});

describe("degenerate input", () => {
  it("a clip under 2 s gives the flagged fallback, warms, and has no NaN", async () => {
    const file = join(root, "short.wav");
    await writeWav(file, synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, durationSec: 1, seed: 3 }).samples, 22050);
    const result = await analyzeFile(file, { cache, checkpointDir: join(root, "meter_net") });
    expect(result.tooShort).toBe(true);
    expect(result.fallback).toBe(true);
    expect(result.meterHypotheses[0]).toMatchObject({ numerator: 4, denominator: 4, confidence: 0.3, fallback: true });
    expect(result.warnings.join(" ")).toMatch(/too short/);
    expect(JSON.stringify(toJson(result))).not.toMatch(/NaN|Infinity/);
    expect(await warmFile(file, { cache })).toEqual({ computed: [], cached: true });
    const features = await featuresForFile(file, { cache });
    expect(features).toMatchObject({ ok: false, reason: "too short" });
  });

  it("a silent clip gives a valid, low-confidence result", async () => {
    const file = join(root, "silence.wav");
    await writeWav(file, new Float32Array(4 * 22050), 22050);
    const result = await analyzeFile(file, { cache: null, checkpointDir: noModel });
    expect(result.tooShort).toBe(false);
    expect(result.fallback).toBe(true);
    expect(result.tempo.confidence).toBe(0);
    expect(result.beats).toEqual([]);
    const json = toJson(result);
    expect(JSON.stringify(json)).not.toMatch(/NaN|Infinity/);
  });

  it("an unusable cache directory means uncached analysis, not a failure", async () => {
    const blocker = join(root, "not-a-dir");
    writeFileSync(blocker, "x");
    expect(tryOpenEngineCache({ dir: join(blocker, "sub") })).toBeNull();
  });

  it("a cache that opens but cannot be written: every file is analysed, one warning per process", async () => {
    const clips = await Promise.all(
      [3, 4, 5].map(async (numerator, i) => {
        const file = join(root, `unwritable-${numerator}.wav`);
        await writeWav(file, synthesizeClip({ numerator, denominator: 4, bpm: 110 + 10 * i, durationSec: 3, seed: 20 + i }).samples, 22050);
        return file;
      }),
    );
    const full = openEngineCache({ dir: join(root, "full-cache") });
    // A full disk, injected: every commit fails as LMDB's would (see the CLI's faults test for a real one).
    let attempts = 0;
    full.putMany = async () => {
      attempts++;
      throw new CacheError(full.path, "write of 18 entries failed: No space left on device (ENOSPC)");
    };
    const warnings: string[] = [];
    const spy = vi.spyOn(process, "emitWarning").mockImplementation((warning, options) => {
      const code = typeof options === "object" && options !== null && "code" in options ? options.code : undefined;
      if (code === "TACTUS_CACHE_WRITE") warnings.push(String(warning));
    });
    try {
      for (const file of clips) {
        const result = await analyzeFile(file, { cache: full, checkpointDir: noModel });
        expect(result.durationSec).toBeCloseTo(3, 1);
        expect(result.tempo.bpm).toBeGreaterThan(0);
        expect(result.beats.length).toBeGreaterThan(0);
      }
    } finally {
      spy.mockRestore();
      await full.close();
    }
    expect(attempts).toBe(clips.length);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cache write failed, results not cached: .*full-cache.*No space left on device/);
  });
});

describe("derived slots and tempo", () => {
  const beatsEvery = (period: number, barLength: number, n = 24) =>
    Array.from({ length: n }, (_, i) => ({ time: 1 + i * period, is_downbeat: i % barLength === 0, strength: 1 }));
  const onsets: OnsetsRecord = {
    onset_times: [],
    onset_strengths: [],
    onset_events: beatsEvery(0.5, 1).map((b) => b.time),
    fps: 43,
    tempo_librosa: 0,
    tempo_tempogram: 0,
    rhythmic: true,
    n_samples: 14 * 22050,
    sample_rate: 22050,
  };
  const records = (scores: Record<string, number> | undefined): Record<string, TrackerRecord> => ({
    dp: { beats: beatsEvery(0.5, 1) },
    multifeature: { beats: beatsEvery(0.5, 1) },
    dbn_bpb3: { beats: beatsEvery(0.5, 3), beats_per_bar: 3 },
    dbn_bpb4: { beats: beatsEvery(0.5, 4), beats_per_bar: 4 },
    dbn_bpb5: { beats: beatsEvery(0.5, 5), beats_per_bar: 5 },
    dbn_bpb7: { beats: beatsEvery(0.5, 7), beats_per_bar: 7 },
    dbn: { beats: beatsEvery(0.5, 7), beats_per_bar: 7, ...(scores ? { bar_length_scores: scores } : {}) },
  });

  it("the madmom slot (dbn_best) follows the dbn tracker's bar-length scores", () => {
    expect(derive(records({ 3: -2, 4: -1.5, 5: -3, 7: -1, 9: -0.5 }), onsets).dbnBest).toBe("dbn_bpb7");
    const four = derive(records({ 3: -2, 4: -0.2, 5: -3, 7: -1 }), onsets);
    expect(four.dbnBest).toBe("dbn_bpb4");
    expect(four.slots.dbn_best!.filter((b) => b.isDownbeat)).toHaveLength(6);
    // Without scores (no rhythm, or an empty map): onset alignment, equal here, so the first variant.
    expect(derive(records(undefined), onsets).dbnBest).toBe("dbn_bpb3");
    expect(derive(records({}), onsets).dbnBest).toBe("dbn_bpb3");
  });

  it("reports the tempo curve at the consensus octave", () => {
    // Primary beats at 166 BPM, consensus at the lower octave (the 7/8 case).
    const curve = {
      points: [10, 20, 30].map((t, i) => ({ timeSec: t, bpm: 165.8 + i * 0.2 })),
      isVariable: false,
      bpmRange: [165.8, 166.2] as [number, number],
      category: "steady" as const,
      cv: 0.001,
    };
    const scaled = curveAtOctave(curve, 83.3);
    expect(scaled.points.map((p) => p.bpm)).toEqual([82.9, 83, 83.1]);
    expect(scaled.bpmRange).toEqual([82.9, 83.1]);
    expect(scaled.cv).toBe(curve.cv);
    expect(curveAtOctave(curve, 330).points.map((p) => p.bpm)).toEqual([331.6, 332, 332.4]);
    expect(curveAtOctave(curve, 150)).toBe(curve);
    // In derive: primary beats at 166.7 BPM, onsets every other beat and onset tempo estimates at
    // 83.3 BPM: the consensus takes the lower octave, and the curve follows it.
    const fast = Array.from({ length: 36 }, (_, i) => ({ time: 1 + i * 0.36, is_downbeat: false, strength: 1 }));
    const slow = derive(
      { dp: { beats: fast }, multifeature: { beats: fast } },
      { ...onsets, onset_events: fast.filter((_, i) => i % 2 === 0).map((b) => b.time), tempo_librosa: 83.3, tempo_tempogram: 83.3 },
    );
    expect(slow.primary.beats).toHaveLength(36);
    expect(slow.tempo.bpm).toBe(83.3);
    expect(new Set(slow.tempo.curve.points.map((p) => p.bpm))).toEqual(new Set([83.3]));
    expect(slow.tempo.curve.bpmRange).toEqual([83.3, 83.3]);
  });

  it("the plot envelope is max-pooled to at most 1000 points", () => {
    const strengths = Array.from({ length: 2500 }, (_, i) => (i === 1234 ? 1 : (i % 7) / 10));
    const env = envelopeForPlot({ ...onsets, onset_strengths: strengths, fps: 43 });
    expect(env.values).toHaveLength(834); // windows of 3 frames
    expect(env.fps).toBeCloseTo(43 / 3, 9);
    expect(env.values[411]).toBe(1); // frame 1234 lies in window 411: the peak survives pooling
    expect(Math.max(...env.values)).toBe(1);
  });
});
