import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetPathError } from "./errors.js";
import { hashSplit } from "./split.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";
import { writeTree } from "./test-utils/tree.js";
import { loadWikimeter, parseMeterList } from "./wikimeter.js";

const tempDir = useTempDirs();

const HEADER = "filename\tlabel\tmeter\talt_meter\n";
const row = (seg: string, label: string, meter: string, alt = "0") => `"/WIKIMETER/${seg}.mp3"\t"${label}"\t${meter}\t${alt}\n`;

// Song stems and their splits (sha256 mod 100, checked with Python): take_five 27 → train,
// money 86 → val, polka_tune 96 → test, waltz_song 58 → train.
async function fixture(): Promise<string> {
  const dir = await tempDir();
  const rows = [
    row("take_five_seg00", "five", "5", "10"),
    row("take_five_seg01", "five", "5", "10"),
    row("take_five_seg02", "five", "5"), // audio missing
    row("money_seg00", "seven", "7:1.0,4:0.3"),
    row("money_seg01", "seven", "7:1.0,4:0.3"),
    row("polka_tune_seg00", "three", "3:0.7,4:0.8"),
    row("polka_tune_seg01", "three", ""), // empty → {primary: 1}
    row("waltz_song_seg00", "six", "6"), // unknown label word
    row("waltz_song_seg01", "three", "3,abc"), // unparseable meter list
    row("waltz_song_seg02", "Eleven", " 11 , 6:0.5 "), // meters outside the classes are ignored
  ];
  const files: Record<string, string> = { "data_wikimeter.tab": HEADER + rows.join("") };
  for (const seg of ["take_five_seg00", "take_five_seg01", "money_seg00", "money_seg01", "polka_tune_seg00", "polka_tune_seg01", "waltz_song_seg00", "waltz_song_seg01", "waltz_song_seg02"]) {
    files[`audio/${seg}.mp3`] = "";
  }
  // the downloader's split files use another hash: they must be ignored
  files["data_wikimeter_test.tab"] = HEADER + row("take_five_seg00", "five", "5");
  await writeTree(dir, files);
  return dir;
}

describe("parseMeterList", () => {
  it("parses bare and weighted items", () => {
    expect(parseMeterList("3:0.7,4:0.8")).toEqual(new Map([[3, 0.7], [4, 0.8]]));
    expect(parseMeterList("5")).toEqual(new Map([[5, 1]]));
    expect(parseMeterList(" 7 : .5 , 9 ")).toEqual(new Map([[7, 0.5], [9, 1]]));
    expect(parseMeterList("")).toEqual(new Map());
    expect(parseMeterList("3:x")).toBeUndefined();
    expect(parseMeterList("3:-1")).toBeUndefined();
    // Weights are sigmoid targets in [0, 1]; meters must be exact integers.
    expect(parseMeterList("3:1")).toEqual(new Map([[3, 1]]));
    expect(parseMeterList("3:0")).toEqual(new Map([[3, 0]]));
    expect(parseMeterList("3:1.5")).toBeUndefined();
    expect(parseMeterList("3:1e30")).toBeUndefined();
    expect(parseMeterList("3:1e999")).toBeUndefined();
    expect(parseMeterList("99999999999999999999:0.5")).toBeUndefined();
    expect(parseMeterList("three")).toBeUndefined();
  });
});

describe("loadWikimeter", () => {
  it("reads soft labels, primaries from label words, and reports problems", async () => {
    const dir = await fixture();
    const report = await loadWikimeter(dir, { split: "all" });
    const labels = join(dir, "data_wikimeter.tab");
    expect(report.entries.map((e) => [e.id, e.meter, e.targets, e.split])).toEqual([
      ["take_five_seg00", 5, { 5: 1 }, "train"],
      ["take_five_seg01", 5, { 5: 1 }, "train"],
      ["money_seg00", 7, { 7: 1, 4: 0.3 }, "val"],
      ["money_seg01", 7, { 7: 1, 4: 0.3 }, "val"],
      ["polka_tune_seg00", 3, { 3: 0.7, 4: 0.8 }, "test"],
      ["polka_tune_seg01", 3, { 3: 1 }, "test"],
      ["waltz_song_seg02", 11, { 11: 1 }, "train"],
    ]);
    expect(report.entries[0]).toEqual({
      id: "take_five_seg00",
      dataset: "wikimeter",
      audioPath: join(dir, "audio/take_five_seg00.mp3"),
      split: "train",
      meter: 5,
      targets: { 5: 1 },
      file: "/WIKIMETER/take_five_seg00.mp3",
    });
    expect(report.missingAudio).toEqual([
      { file: "/WIKIMETER/take_five_seg02.mp3", reason: `audio/take_five_seg02.mp3 does not exist (${labels}:4)` },
    ]);
    expect(report.unknownLabels).toEqual([
      { file: labels, line: 9, value: "six" },
      { file: labels, line: 10, value: "3,abc" },
    ]);
    expect(report.blacklisted).toBe(0);
    expect(report.relabelled).toBe(0);
  });

  it("keeps every segment of a song in one split, stably; tuning = train + val", async () => {
    const dir = await fixture();
    const bySplit = async (split: "train" | "val" | "test" | "tuning") => (await loadWikimeter(dir, { split })).entries.map((e) => e.id);
    expect(await bySplit("train")).toEqual(["take_five_seg00", "take_five_seg01", "waltz_song_seg02"]);
    expect(await bySplit("val")).toEqual(["money_seg00", "money_seg01"]);
    expect(await bySplit("test")).toEqual(["polka_tune_seg00", "polka_tune_seg01"]);
    expect(await bySplit("tuning")).toEqual(["take_five_seg00", "take_five_seg01", "money_seg00", "money_seg01", "waltz_song_seg02"]);
    // reports are restricted to the split too
    expect((await loadWikimeter(dir, { split: "test" })).missingAudio).toEqual([]);
    // the song-level split differs from hashing the segment stem itself
    expect(hashSplit("money_seg00")).not.toBe("val");
  });

  it("rejects a file name that would leave the root", async () => {
    const dir = await tempDir();
    await writeTree(dir, { "data_wikimeter.tab": `${HEADER}"/WIKIMETER/.."\t"three"\t3\t6\n` });
    await expect(loadWikimeter(dir)).rejects.toBeInstanceOf(DatasetPathError);
  });

  it("needs filename, label and meter columns", async () => {
    const dir = await tempDir();
    await writeTree(dir, { "data_wikimeter.tab": "filename\tmeter\n" });
    await expect(loadWikimeter(dir)).rejects.toThrow(':1: header has no "label" column');
  });
});
