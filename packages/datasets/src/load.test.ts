import { join } from "node:path";
import { encodeWav } from "@tactus/audio";
import { describe, expect, it } from "vitest";
import { DatasetFormatError, DatasetPathError } from "./errors.js";
import { loadFolderDataset } from "./folder-dataset.js";
import { findExtraDatasets, loadDataset, loadFolder } from "./load.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";
import { writeTree } from "./test-utils/tree.js";

const tempDir = useTempDirs();
const wav = encodeWav(new Float32Array(64), 22050);

// Stem splits: clip1 97 → test, clip2 3 → train, clip3 11 → train, clip6 90 → test.
describe("loadFolder", () => {
  it("reads labels.tsv: classes, denominators, beats, split by stem hash; reports the rest", async () => {
    const dir = await tempDir();
    await writeTree(dir, {
      "labels.tsv": "file\tmeter\tdenominator\tbpm\naudio/clip1.wav\t7\t8\t150\naudio/clip2.wav\t4\t\t90\naudio/clip3.wav\t6\t8\t80\naudio/clip6.wav\t3\t4\t100\naudio/gone.wav\t5\t4\t1\n",
      "audio/clip1.wav": wav,
      "audio/clip2.wav": wav,
      "audio/clip3.wav": wav,
      "audio/clip6.wav": wav,
      "annotations/clip1.beats": "0.1\t1\n",
    });
    const report = await loadFolder(dir);
    expect(report.entries).toEqual([
      {
        id: "clip1",
        dataset: dir.split("/").at(-1),
        audioPath: join(dir, "audio/clip1.wav"),
        split: "test",
        meter: 7,
        targets: { 7: 1 },
        denominator: 8,
        beatsPath: join(dir, "annotations/clip1.beats"),
        file: "audio/clip1.wav",
      },
      { id: "clip2", dataset: dir.split("/").at(-1), audioPath: join(dir, "audio/clip2.wav"), split: "train", meter: 4, targets: { 4: 1 }, file: "audio/clip2.wav" },
      { id: "clip6", dataset: dir.split("/").at(-1), audioPath: join(dir, "audio/clip6.wav"), split: "test", meter: 3, targets: { 3: 1 }, denominator: 4, file: "audio/clip6.wav" },
    ]);
    expect(report.unknownLabels).toEqual([{ file: join(dir, "labels.tsv"), line: 4, value: "6" }]);
    expect(report.missingAudio.map((m) => m.file)).toEqual(["audio/gone.wav"]);
    expect((await loadFolder(dir, { split: "test", name: "mine" })).entries.map((e) => [e.id, e.dataset])).toEqual([
      ["clip1", "mine"],
      ["clip6", "mine"],
    ]);
    expect((await loadFolder(dir, { split: "train" })).entries.map((e) => e.id)).toEqual(["clip2"]);
  });

  it("reads labels.csv with quotes; refuses both files at once", async () => {
    const dir = await tempDir();
    await writeTree(dir, { "labels.csv": 'file,meter,denominator\n"audio/clip 2.wav",5,8\r\n', "audio/clip 2.wav": "" });
    const report = await loadFolder(dir);
    expect(report.entries.map((e) => [e.id, e.meter, e.denominator])).toEqual([["clip 2", 5, 8]]);
    expect((await loadFolderDataset(dir)).map((e) => e.id)).toEqual(["clip 2"]);
    await writeTree(dir, { "labels.tsv": "file\tmeter\n" });
    await expect(loadFolder(dir)).rejects.toThrow("both labels.tsv and labels.csv exist");
  });

  it("rejects paths that leave the root and malformed rows", async () => {
    const dir = await tempDir();
    await writeTree(dir, { "labels.csv": "file,meter\n../x.wav,3\n" });
    await expect(loadFolder(dir)).rejects.toThrow(DatasetPathError);
    await writeTree(dir, { "labels.csv": "file,meter\na.wav\n" });
    await expect(loadFolder(dir)).rejects.toThrow(new DatasetFormatError(join(dir, "labels.csv"), "expected 2 comma-separated columns, got 1", 2));
  });
});

describe("loadDataset and findExtraDatasets", () => {
  it("finds the datasets under data/ and loads each through the dispatcher", async () => {
    const data = await tempDir();
    await writeTree(data, {
      "meter2800/data_test_4_classes.tab": 'filename\tmeter\n"/MAG/clip1.wav"\t3\n',
      "meter2800/audio/clip1.mp3": "",
      "wikimeter/data_wikimeter.tab": 'filename\tlabel\tmeter\talt_meter\n"/WIKIMETER/polka_tune_seg00.mp3"\t"three"\t3:0.7,4:0.8\t6\n',
      "wikimeter/audio/polka_tune_seg00.mp3": "",
      "ballroom/Waltz/clip1.wav": "",
      "extra/b-set/labels.csv": "file,meter\nclip6.wav,9\n",
      "extra/b-set/clip6.wav": "",
      "extra/a-set/labels.tsv": "file\tmeter\nclip1.wav\t11\n",
      "extra/a-set/clip1.wav": "",
      "extra/no-labels/clip.wav": "",
      "wikimeter-old/data_wikimeter.tab": "",
    });
    const found = await findExtraDatasets(data);
    expect(found.map((f) => [f.loader, f.name, f.dir])).toEqual([
      ["meter2800", "meter2800", join(data, "meter2800")],
      ["wikimeter", "wikimeter", join(data, "wikimeter")],
      ["ballroom", "ballroom", join(data, "ballroom")],
      ["folder", "extra/a-set", join(data, "extra/a-set")],
      ["folder", "extra/b-set", join(data, "extra/b-set")],
    ]);
    const loaded = await Promise.all(found.map((f) => loadDataset(f.loader, f.dir, { split: "test", name: f.name })));
    expect(loaded.map((r) => r.entries.map((e) => [e.dataset, e.meter, e.targets]))).toEqual([
      [["meter2800", 3, { 3: 1 }]],
      [["wikimeter", 3, { 3: 0.7, 4: 0.8 }]],
      [["ballroom", 3, { 3: 1 }]],
      [["extra/a-set", 11, { 11: 1 }]],
      [["extra/b-set", 9, { 9: 1 }]],
    ]);
    expect(await findExtraDatasets(join(data, "nothing-here"))).toEqual([]);
    await expect(loadDataset("gtzan" as never, data)).rejects.toThrow('unknown dataset loader "gtzan"');
  });
});
