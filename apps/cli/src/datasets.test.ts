// warm → extract → eval on tiny METER2800- and WIKIMETER-format fixtures (the real formats,
// reference/pipeline.md §1), loaded by @tactus/datasets: rows and labels come through, soft
// WIKIMETER targets reach Y.npy, and missing audio / unknown labels are reported, not dropped.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeWav } from "@tactus/audio";
import { synthesizeClip } from "@tactus/datasets";
import { createModel, initBackend, saveCheckpoint } from "@tactus/meternet";
import { beforeAll, describe, expect, it } from "vitest";
import { tactus as runTactus } from "./test-utils/cli.js";

const root = mkdtempSync(join(tmpdir(), "tactus-datasets-"));
const data = join(root, "data");
const env = { TACTUS_CACHE_DIR: join(root, "cache"), TACTUS_DATA_DIR: data };
const tactus = (args: string[]) => runTactus(args, env, { cwd: root });

function clip(path: string, numerator: number, seed: number): void {
  const c = synthesizeClip({ numerator, denominator: 4, bpm: 120, durationSec: 4, seed });
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, encodeWav(c.samples, c.sampleRate));
}

interface IndexFile {
  datasets: string[];
  rows: { file: string; id: string; dataset: string; meters: Record<string, number>; primary: number }[];
}

/** Every split of an extracted dataset: rows with their Y.npy row. */
function readExtracted(dir: string) {
  const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as { splits: Record<string, number>; datasets: Record<string, number> };
  const rows: (IndexFile["rows"][number] & { split: string; y: number[] })[] = [];
  for (const split of Object.keys(meta.splits)) {
    const index = JSON.parse(readFileSync(join(dir, split, "index.json"), "utf8")) as IndexFile;
    const npy = readFileSync(join(dir, split, "Y.npy"));
    const offset = 10 + npy.readUInt16LE(8);
    const y = new Float32Array(npy.buffer.slice(npy.byteOffset + offset, npy.byteOffset + npy.length));
    for (const [i, row] of index.rows.entries()) rows.push({ ...row, split, y: Array.from(y.subarray(i * 6, i * 6 + 6)) });
  }
  return { meta, rows };
}

describe("dataset loaders in warm / extract / eval", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    const m2800 = join(data, "meter2800");
    const tab = (rows: string[]) => `filename\tlabel\tmeter\talt_meter\n${rows.map((r) => `${r}\t0\n`).join("")}`;
    mkdirSync(m2800, { recursive: true });
    writeFileSync(join(m2800, "data_train_4_classes.tab"), tab([`"/MAG/m3a.wav"\t"three"\t3`, `"/FMA/m4a.wav"\t"four"\t4`, `"/MAG/gone.wav"\t"four"\t4`]));
    writeFileSync(join(m2800, "data_val_4_classes.tab"), tab([]));
    writeFileSync(join(m2800, "data_test_4_classes.tab"), tab([`"/OWN/m4b.wav"\t"four"\t4`, `"/OWN/m6.wav"\t"six"\t6`]));
    clip(join(m2800, "audio", "m3a.wav"), 3, 1);
    clip(join(m2800, "audio", "FMA_m4a.wav"), 4, 2); // the `<src>_<stem>` name of a flattened collision
    clip(join(m2800, "audio", "m4b.wav"), 4, 3);
    clip(join(m2800, "audio", "m6.wav"), 4, 3); // same audio as m4b; its label is not a class

    const wiki = join(data, "wikimeter");
    mkdirSync(wiki, { recursive: true });
    writeFileSync(
      join(wiki, "data_wikimeter.tab"),
      tab([`"/WIKIMETER/poly_song_seg00.mp3"\t"three"\t3:0.7,4:0.8`, `"/WIKIMETER/waltz_seg00.mp3"\t"three"\t3`, `"/WIKIMETER/lost_seg00.mp3"\t"four"\t4`]),
    );
    clip(join(wiki, "audio", "poly_song_seg00.wav"), 3, 4);
    clip(join(wiki, "audio", "waltz_seg00.wav"), 3, 5);

    // An untrained checkpoint at the default place (<data root>/meter_net): eval needs one.
    await initBackend();
    await saveCheckpoint(join(data, "meter_net"), createModel("meternet", { hidden: 16 }, 1), {
      provenance: { command: "test", dataset: "none", codeRevision: "test" },
    });
  }, 60_000);

  it("warms METER2800 with --extra-data (WIKIMETER); missing audio and unknown labels are failures", async () => {
    const failures = join(root, "failures.tsv");
    const warm = await tactus(["warm", "--dataset", "meter2800", "--extra-data", "-w", "1", "--failures", failures]);
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.stderr).toMatch(/meter2800 \(data\/meter2800\): 3 entries in split all, 1 missing audio, 1 unknown label/);
    expect(warm.stderr).toMatch(/wikimeter \(data\/wikimeter\): 2 entries in split all, 1 missing audio/);
    expect(warm.stdout).toContain("warm: 5 computed, 0 already cached, 3 failed");
    const lines = readFileSync(failures, "utf8").trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.startsWith("/MAG/gone.wav\t"))).toContain("meter2800: missing audio");
    expect(lines.find((l) => l.includes("data_test_4_classes.tab:3"))).toContain('unknown label "6"');
    expect(lines.find((l) => l.startsWith("/WIKIMETER/lost_seg00.mp3\t"))).toContain("wikimeter: missing audio");
    expect((await tactus(["warm", "--dataset", "meter2800", "--extra-data", "--strict"])).code).toBe(1);

    // A plain folder of audio (no labels) still warms; here everything is cached already.
    cpSync(join(data, "meter2800", "audio"), join(root, "plain"), { recursive: true });
    const plain = await tactus(["warm", "--data-dir", "plain"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain("plain (plain folder, no labels): 4 of 4 audio files in split all");
    expect(plain.stderr).toContain("warm: all 4 files cached");
    const extract = await tactus(["extract", "--data-dir", "plain"]);
    expect(extract.code).toBe(1);
    expect(extract.stderr).toContain("a plain folder of audio works only for `warm`");
  });

  it("extracts METER2800 rows by its published splits and WIKIMETER's soft targets into Y.npy", async () => {
    const m = await tactus(["extract", "--dataset", "meter2800"]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toContain("2 label row(s) skipped: 1 missing audio, 1 unknown label(s)");
    const m2800 = readExtracted(join(data, "meter_net_dataset"));
    expect(m2800.meta.splits).toEqual({ train: 2, test: 1 });
    expect(m2800.meta.datasets).toEqual({ meter2800: 3 });
    const byId = Object.fromEntries(m2800.rows.map((r) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(["FMA/m4a", "MAG/m3a", "OWN/m4b"]);
    expect(byId["MAG/m3a"]).toMatchObject({ split: "train", dataset: "meter2800", primary: 3, meters: { "3": 1 }, y: [1, 0, 0, 0, 0, 0] });
    expect(byId["OWN/m4b"]).toMatchObject({ split: "test", primary: 4, y: [0, 1, 0, 0, 0, 0] });

    const out = join(root, "wiki-dataset");
    const w = await tactus(["extract", "--dataset", "wikimeter", "--out", out]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toContain("wikimeter: missing audio: audio/lost_seg00.mp3 does not exist");
    const wiki = readExtracted(out);
    const poly = wiki.rows.find((r) => r.id === "poly_song_seg00")!;
    expect(poly).toMatchObject({ dataset: "wikimeter", primary: 3, meters: { "3": 0.7, "4": 0.8 } });
    expect(poly.y).toEqual([0.7, 0.8, 0, 0, 0, 0].map(Math.fround));
    expect(wiki.rows.find((r) => r.id === "waltz_seg00")!.y).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it("evaluates each dataset (--limit 0 = all), counting missing audio and scoring multi-label rows", async () => {
    const m = await tactus(["eval", "--dataset", "meter2800", "--split", "all", "--limit", "0"]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toContain("1 missing audio");
    expect(m.stdout).toMatch(/METER2800 all {2}\| {2}3 files/);
    expect(m.stdout).toMatch(/METER2800 all: {2}\d\/3 /);

    const w = await tactus(["eval", "--dataset", "wikimeter", "--split", "all", "--limit", "0", "--verbose"]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/WIKIMETER all {2}\| {2}2 files/);
    expect(w.stdout).toMatch(/poly_song_seg00 \[multi\]/);
    expect(w.stdout).toMatch(/Multi-label \(polyrhythmic\): \d\/1 matched/);
    const limited = await tactus(["eval", "--dataset", "wikimeter", "--split", "all", "--limit", "1"]);
    expect(limited.stdout).toMatch(/WIKIMETER all {2}\| {2}1 files/);
  });
});
