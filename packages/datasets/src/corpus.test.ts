import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBeatsFile } from "./beats-file.js";
import { type CorpusOptions, generateCorpus, LABELS_HEADER, planCorpus } from "./corpus.js";
import { DatasetFormatError } from "./errors.js";
import { loadFolderDataset } from "./folder-dataset.js";
import { synthesizeClip } from "./synthesize.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";

const tempDir = useTempDirs();

async function tree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await tree(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

const small = (outDir: string): CorpusOptions => ({ outDir, perClass: 1, classes: [3, 7], durationSec: 4, seed: 5 });

describe("generateCorpus", () => {
  it("writes audio, annotations, labels and the manifest, and reports progress", async () => {
    const dir = await tempDir();
    const progress: [number, number][] = [];
    const result = await generateCorpus({ ...small(dir), perClass: 2, onProgress: (d, t) => progress.push([d, t]) });
    expect(result.written).toBe(4);
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    const ids = result.clips.map((c) => c.id);
    expect(await tree(dir)).toEqual(
      [...ids.map((id) => `audio/${id}.wav`), ...ids.map((id) => `annotations/${id}.beats`), "corpus.json", "labels.tsv"].sort(),
    );
    const labels = (await readFile(join(dir, "labels.tsv"), "utf8")).split("\n");
    expect(labels[0]).toBe(LABELS_HEADER.join("\t"));
    expect(labels[0]).toBe("file\tmeter\tdenominator\tbpm\tgrouping\tinstrumentation\tseed");
    expect(labels).toHaveLength(1 + 4 + 1);
    const first = result.clips[0]!;
    expect(labels[1]).toBe(
      [first.file, 3, first.spec.denominator, first.spec.bpm.toFixed(1), first.spec.grouping.join("+"), first.spec.instrumentation, first.spec.seed].join("\t"),
    );
    // 16-bit PCM of exactly durationSec.
    const wav = await readFile(join(dir, first.file));
    expect(wav.length).toBe(44 + 2 * 4 * 22050);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(34)).toBe(16);
  });

  it("reads back through loadFolderDataset and readBeatsFile, matching the synthesiser", async () => {
    const dir = await tempDir();
    const { clips } = await generateCorpus(small(dir));
    const entries = await loadFolderDataset(dir);
    expect(entries.map((e) => [e.id, e.meter, e.denominator])).toEqual(clips.map((c) => [c.id, c.meterClass, c.spec.denominator]));
    for (const [i, entry] of entries.entries()) {
      expect(entry.beatsPath).toBe(join(dir, clips[i]!.beatsFile));
      const beats = await readBeatsFile(entry.beatsPath!);
      const expected = synthesizeClip(clips[i]!.spec).beats;
      expect(beats.map((b) => b.position)).toEqual(expected.map((b) => b.position));
      for (const [k, b] of beats.entries()) expect(Math.abs(b.timeSec - expected[k]!.timeSec)).toBeLessThan(5e-5);
    }
  });

  it("gives identical bytes for the same seed and different audio for another", async () => {
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
    await generateCorpus(small(a));
    await generateCorpus(small(b));
    await generateCorpus({ ...small(c), seed: 6 });
    const files = await tree(a);
    expect(await tree(b)).toEqual(files);
    for (const f of files) expect((await readFile(join(a, f))).equals(await readFile(join(b, f)))).toBe(true);
    const wav = files.find((f) => f.endsWith(".wav"))!;
    const other = (await tree(c)).find((f) => f.endsWith(".wav"))!;
    expect((await readFile(join(a, wav))).equals(await readFile(join(c, other)))).toBe(false);
  });

  it("resumes: keeps finished clips, rewrites missing beats, refuses other options", async () => {
    const dir = await tempDir();
    const { clips } = await generateCorpus(small(dir));
    const wavPath = join(dir, clips[0]!.file);
    const before = (await stat(wavPath)).mtimeMs;
    const beatsPath = join(dir, clips[1]!.beatsFile);
    const beats = await readFile(beatsPath);
    await writeFile(beatsPath, "");
    await writeFile(join(dir, clips[1]!.file), "truncated");
    await rm(join(dir, clips[0]!.beatsFile));

    const again = await generateCorpus({ ...small(dir), resume: true });
    expect(again).toMatchObject({ written: 1, skipped: 1 });
    expect((await stat(wavPath)).mtimeMs).toBe(before);
    expect(await readFile(beatsPath)).toEqual(beats);
    expect((await readFile(join(dir, clips[0]!.beatsFile), "utf8")).split("\n")[0]).toMatch(/^\d+\.\d{4}\t\d+$/);

    await expect(generateCorpus({ ...small(dir), seed: 99, resume: true })).rejects.toThrow(DatasetFormatError);
  });
});

describe("planCorpus", () => {
  it("balances meter variants and instrumentation within each class", () => {
    const clips = planCorpus({ outDir: "unused", perClass: 12, classes: [5, 7, 9, 11] });
    const byClass = (m: number) => clips.filter((c) => c.meterClass === m);
    const count = (xs: string[]) => {
      const counts: Record<string, number> = {};
      for (const x of xs) counts[x] = (counts[x] ?? 0) + 1;
      return counts;
    };
    const signature = (m: number) => count(byClass(m).map((c) => `${c.spec.numerator}/${c.spec.denominator} ${c.spec.grouping.join("+")}`));
    expect(signature(5)).toEqual({ "5/4 3+2": 3, "5/4 2+3": 3, "5/8 3+2": 3, "5/8 2+3": 3 });
    expect(signature(7)).toEqual({ "7/8 2+2+3": 4, "7/8 3+2+2": 2, "7/8 2+3+2": 2, "7/4 2+2+3": 2, "7/4 4+3": 2 });
    expect(signature(9)).toEqual({ "9/8 2+2+2+3": 6, "9/8 3+3+3": 6 });
    expect(signature(11)).toEqual({ "11/8 3+3+3+2": 4, "11/8 2+2+3+2+2": 4, "11/8 3+3+2+3": 4 });
    for (const m of [5, 7, 9, 11]) {
      expect(count(byClass(m).map((c) => c.spec.instrumentation))).toEqual({ drums: 8, drumless: 2, percussion: 2 });
    }
    // Uneven splits go by largest remainder: 7 clips over weights 2:1:1:1:1 and shares 1/6, 1/6, 4/6.
    const seven = planCorpus({ outDir: "unused", perClass: 7, classes: [7] });
    expect(count(seven.map((c) => c.spec.grouping.join("+") + (c.spec.denominator === 4 ? "/4" : "")))).toEqual({
      "2+2+3": 3,
      "3+2+2": 1,
      "2+3+2": 1,
      "2+2+3/4": 1,
      "4+3/4": 1,
    });
    expect(count(seven.map((c) => c.spec.instrumentation))).toEqual({ drums: 5, drumless: 1, percussion: 1 });
  });

  it("keeps tempi in range, varies swing/drift/noise, and gives unique ids and seeds", () => {
    const clips = planCorpus({ outDir: "unused", perClass: 30, seed: 3 });
    expect(new Set(clips.map((c) => c.id)).size).toBe(clips.length);
    expect(new Set(clips.map((c) => c.spec.seed)).size).toBe(clips.length);
    for (const c of clips) {
      const [lo, hi] = c.spec.denominator >= 8 ? [110, 180] : [60, 180];
      expect(c.spec.bpm).toBeGreaterThanOrEqual(lo);
      expect(c.spec.bpm).toBeLessThanOrEqual(hi);
      expect(c.spec.durationSec).toBe(30);
    }
    const share = (pred: (c: (typeof clips)[number]) => boolean) => clips.filter(pred).length / clips.length;
    expect(share((c) => c.spec.swing > 0)).toBeGreaterThan(0.1);
    expect(share((c) => c.spec.tempoDriftPct > 0)).toBeGreaterThan(0.15);
    expect(share((c) => c.spec.noiseDb !== null)).toBeGreaterThan(0.12);
    expect(share((c) => c.spec.pickupBeats > 0)).toBeGreaterThan(0.1);
    expect(clips.filter((c) => c.meterClass === 3 && c.spec.denominator === 8)).toHaveLength(10);
    expect(planCorpus({ outDir: "x", perClass: 30, seed: 3 })).toEqual(clips);
  });
});
