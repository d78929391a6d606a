import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetFormatError, DatasetPathError } from "./errors.js";
import { loadFolderDataset, resolveInsideRoot } from "./folder-dataset.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";

const tempDir = useTempDirs();

async function fixture(labels: string, files: string[] = ["audio/a.wav", "audio/b.wav"]): Promise<string> {
  const dir = await tempDir();
  for (const f of files) {
    await mkdir(join(dir, f, ".."), { recursive: true });
    await writeFile(join(dir, f), "");
  }
  await writeFile(join(dir, "labels.tsv"), labels);
  return dir;
}

describe("loadFolderDataset", () => {
  it("reads entries in order, with beats files where they exist and every column as labels", async () => {
    const dir = await fixture(
      "file\tmeter\tdenominator\tbpm\naudio/a.wav\t7\t8\t150.0\naudio/b.wav\t3\t4\t90.5\n",
      ["audio/a.wav", "audio/b.wav", "annotations/a.beats"],
    );
    const entries = await loadFolderDataset(dir);
    expect(entries).toEqual([
      {
        id: "a",
        audioPath: join(dir, "audio/a.wav"),
        meter: 7,
        denominator: 8,
        beatsPath: join(dir, "annotations/a.beats"),
        labels: { file: "audio/a.wav", meter: "7", denominator: "8", bpm: "150.0" },
      },
      {
        id: "b",
        audioPath: join(dir, "audio/b.wav"),
        meter: 3,
        denominator: 4,
        labels: { file: "audio/b.wav", meter: "3", denominator: "4", bpm: "90.5" },
      },
    ]);
  });

  it("works without a denominator column and tolerates CRLF and blank lines", async () => {
    const dir = await fixture("file\tmeter\r\n\r\naudio/a.wav\t4\r\n");
    const [entry] = await loadFolderDataset(dir);
    expect(entry!.meter).toBe(4);
    expect(entry!.denominator).toBeUndefined();
  });

  it("rejects paths that leave the dataset root, naming labels.tsv:line", async () => {
    for (const bad of ["../outside.wav", "audio/../../outside.wav", "/etc/passwd", "C:\\music\\a.wav", "..\\a.wav"]) {
      const dir = await fixture(`file\tmeter\naudio/a.wav\t4\n${bad}\t3\n`);
      const error = await loadFolderDataset(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatasetPathError);
      expect((error as DatasetPathError).message).toContain(`${join(dir, "labels.tsv")}:3: `);
    }
  });

  it("follows symlinks inside the root (the folder is trusted), never a label path outside it", async () => {
    const outside = await tempDir();
    await writeFile(join(outside, "c.wav"), "");
    const dir = await fixture("file\tmeter\naudio/a.wav\t4\nlinked/c.wav\t3\n");
    await symlink(outside, join(dir, "linked"));
    const entries = await loadFolderDataset(dir);
    expect(entries.map((e) => e.audioPath)).toEqual([join(dir, "audio/a.wav"), join(dir, "linked/c.wav")]);
    // The same file named by a label path that leaves the root is refused.
    await writeFile(join(dir, "labels.tsv"), `file\tmeter\n${join(outside, "c.wav")}\t3\n`);
    await expect(loadFolderDataset(dir)).rejects.toThrow(/labels\.tsv:2: absolute path .* is not allowed/);
  });

  it("reports malformed rows with file:line and the reason", async () => {
    const cases: [string, string][] = [
      ["file\tmeter\naudio/a.wav\tseven\n", ':2: meter "seven" is not a positive integer'],
      ["file\tmeter\naudio/a.wav\n", ":2: expected 2 tab-separated columns, got 1"],
      ["file\tlabel\naudio/a.wav\tthree\n", ':1: header has no "meter" column'],
      ["file\tmeter\naudio/a.wav\t3\naudio/missing.wav\t4\n", ":3: audio file not found: audio/missing.wav"],
      ["file\tmeter\naudio/a.wav\t3\naudio/a.wav\t4\n", ':3: duplicate clip id "a" (first on line 2)'],
      ["file\tmeter\tdenominator\naudio/a.wav\t3\t0\n", ':2: denominator "0" is not a positive integer'],
      ["file\tmeter\naudio/a.wav\t99999999999999999999\n", ':2: meter "99999999999999999999" is not a positive integer'],
      ["file\tmeter\naudio/a.wav\t-3\n", ':2: meter "-3" is not a positive integer'],
      ["file\tmeter\naudio/a.wav\tNaN\n", ':2: meter "NaN" is not a positive integer'],
      ["file\tmeter\naudio/a.wav\t4.5\n", ':2: meter "4.5" is not a positive integer'],
    ];
    for (const [labels, reason] of cases) {
      const dir = await fixture(labels);
      await expect(loadFolderDataset(dir)).rejects.toThrow(new DatasetFormatError(join(dir, "labels.tsv"), reason.replace(/^:\d+: /, ""), Number(reason.split(":")[1])));
    }
  });

  it("names a missing labels file", async () => {
    const dir = await tempDir();
    await expect(loadFolderDataset(dir)).rejects.toThrow(`${join(dir, "labels.tsv")}: cannot read labels (ENOENT)`);
  });
});

describe("resolveInsideRoot", () => {
  it("resolves relative paths under the root", () => {
    expect(resolveInsideRoot("/data/set", "audio/x.wav", "labels.tsv")).toBe("/data/set/audio/x.wav");
    expect(resolveInsideRoot("/data/set", "./audio/x.wav", "labels.tsv")).toBe("/data/set/audio/x.wav");
    expect(() => resolveInsideRoot("/data/set", "", "labels.tsv", 4)).toThrow("labels.tsv:4: empty path");
    expect(() => resolveInsideRoot("/data/set", ".", "labels.tsv")).toThrow(DatasetPathError);
  });
});
