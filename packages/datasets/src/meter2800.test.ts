import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetFormatError, DatasetPathError } from "./errors.js";
import { loadMeter2800, meter2800Candidates, parseMeter2800Corrections, parseMeter2800Filename } from "./meter2800.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";
import { writeTree } from "./test-utils/tree.js";

const tempDir = useTempDirs();

const HEADER = "filename\tlabel\tmeter\talt_meter\n";
const row = (file: string, meter: number | string, label = "x") => `"${file}"\t"${label}"\t${meter}\t0\n`;

const CORRECTIONS = JSON.stringify({
  _comment: "stems; keys with _ are metadata",
  _version: 2,
  "0143": { action: "blacklist" },
  "0144": { action: "blacklist", reason: "duplicate" },
  "00361": { action: "blacklist" },
  "00083": { action: "relabel", new_meter: 3 },
  "00500": { action: "relabel", new_meter: 4 },
});

async function fixture(extra: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir();
  await writeTree(dir, {
    "data_train_4_classes.tab":
      HEADER +
      row("/MAG/00553.wav", 3, "three") + // audio/00553.mp3 (mp3 tried before wav)
      row("/FMA/00083.wav", 5, "five") + // relabel 5 → 3; audio/FMA_00083.wav
      row("/OWN/0143.wav", 4) + // blacklisted
      row("/GTZAN/blues.00001.wav", 4) + // audio/GTZAN_._blues.00001.wav
      row("/MAG/00999.wav", 4) + // missing audio
      row("/MAG/00777.wav", 6) + // not a class
      row("/MAG/00778.wav", "four") + // not a number
      row("/MAG/00500.wav", 6), // relabel 6 → 4 happens before the class filter
    "data_val_4_classes.tab": HEADER + row("/MAG/01000.flac", 7),
    "data_test_4_classes.tab": `\r\n${HEADER.replace("\n", "\r\n")}${row("/OWN/00361.wav", 4)}${row("/MAG/02000.aiff", 5)}`,
    "meter2800_corrections.json": CORRECTIONS,
    "audio/00553.mp3": "",
    "audio/00553.wav": "",
    "audio/FMA_00083.wav": "",
    "audio/0143.wav": "",
    "audio/GTZAN_._blues.00001.wav": "",
    "audio/00777.wav": "",
    "audio/00500.ogg": "",
    "audio/01000.flac": "",
    "audio/00361.wav": "",
    "audio/02000.aiff": "",
    ...extra,
  });
  return dir;
}

describe("METER2800 file names and candidates", () => {
  it("strips quotes and whitespace, takes stem and source folder", () => {
    expect(parseMeter2800Filename(' "/MAG/00553.wav" ')).toEqual({ stem: "00553", src: "MAG", ext: ".wav" });
    expect(parseMeter2800Filename("/GTZAN/blues.00001.wav")).toEqual({ stem: "blues.00001", src: "GTZAN", ext: ".wav" });
  });

  it("tries each extension, then own suffix, with the three name patterns", () => {
    expect(meter2800Candidates("/MAG/1.aiff").slice(0, 4)).toEqual(["audio/1.mp3", "audio/MAG_1.mp3", "audio/MAG_._1.mp3", "audio/1.wav"]);
    expect(meter2800Candidates("/MAG/1.aiff").slice(-3)).toEqual(["audio/1.aiff", "audio/MAG_1.aiff", "audio/MAG_._1.aiff"]);
    expect(meter2800Candidates("/MAG/1.wav")).toHaveLength(12);
  });
});

describe("loadMeter2800", () => {
  it("reads the train split with corrections, resolution and reporting", async () => {
    const dir = await fixture();
    const report = await loadMeter2800(dir, { split: "train" });
    expect(report.entries.map((e) => [e.id, e.meter, e.audioPath.slice(dir.length + 1), e.split])).toEqual([
      ["MAG/00553", 3, "audio/00553.mp3", "train"],
      ["FMA/00083", 3, "audio/FMA_00083.wav", "train"],
      ["GTZAN/blues.00001", 4, "audio/GTZAN_._blues.00001.wav", "train"],
      ["MAG/00500", 4, "audio/00500.ogg", "train"],
    ]);
    expect(report.entries[0]).toEqual({
      id: "MAG/00553",
      dataset: "meter2800",
      audioPath: join(dir, "audio/00553.mp3"),
      split: "train",
      meter: 3,
      targets: { 3: 1 },
      file: "/MAG/00553.wav",
    });
    expect(report.blacklisted).toBe(1);
    expect(report.relabelled).toBe(2);
    expect(report.missingAudio).toHaveLength(1);
    expect(report.missingAudio[0]!.file).toBe("/MAG/00999.wav");
    expect(report.missingAudio[0]!.reason).toContain(`${join(dir, "data_train_4_classes.tab")}:6`);
    expect(report.unknownLabels).toEqual([
      { file: join(dir, "data_train_4_classes.tab"), line: 7, value: "6" },
      { file: join(dir, "data_train_4_classes.tab"), line: 8, value: "four" },
    ]);
    // every row lands somewhere
    const { entries, missingAudio, unknownLabels, blacklisted } = report;
    expect(entries.length + missingAudio.length + unknownLabels.length + blacklisted).toBe(8);
  });

  it("tuning = train + val; all = every file; test alone (CRLF, leading blank line, own suffix)", async () => {
    const dir = await fixture();
    const tuning = await loadMeter2800(dir, { split: "tuning" });
    expect(tuning.entries.map((e) => e.id)).toEqual(["MAG/00553", "FMA/00083", "GTZAN/blues.00001", "MAG/00500", "MAG/01000"]);
    expect(tuning.entries.at(-1)!.split).toBe("val");
    const test = await loadMeter2800(dir, { split: "test" });
    expect(test.entries.map((e) => [e.id, e.audioPath.slice(dir.length + 1)])).toEqual([["MAG/02000", "audio/02000.aiff"]]);
    expect(test.blacklisted).toBe(1);
    const all = await loadMeter2800(dir);
    expect(all.entries).toHaveLength(6);
    expect(all.blacklisted).toBe(2);
  });

  it("applies the class filter after relabelling, with custom classes", async () => {
    const dir = await fixture();
    const report = await loadMeter2800(dir, { split: "train", classes: [4] });
    expect(report.entries.map((e) => e.id)).toEqual(["GTZAN/blues.00001", "MAG/00500"]);
    expect(report.unknownLabels.map((u) => u.value)).toContain("5 (relabelled 3)");
  });

  it("takes corrections from another file, parsed, or none", async () => {
    const dir = await fixture({ "meta/fix.json": JSON.stringify({ "00999": { action: "blacklist" } }) });
    const moved = await loadMeter2800(dir, { split: "train", corrections: "meta/fix.json" });
    expect(moved.blacklisted).toBe(1);
    expect(moved.missingAudio).toEqual([]);
    expect(moved.relabelled).toBe(0);
    const none = await loadMeter2800(dir, { split: "train", corrections: null });
    expect(none.blacklisted).toBe(0);
    expect(none.entries.find((e) => e.id === "FMA/00083")!.meter).toBe(5);
    const parsed = await loadMeter2800(dir, { split: "train", corrections: parseMeter2800Corrections(CORRECTIONS, "x") });
    expect(parsed.relabelled).toBe(2);
    await expect(loadMeter2800(dir, { corrections: "nope.json" })).rejects.toThrow(`${join(dir, "nope.json")}: cannot read corrections (ENOENT)`);
  });

  it("works without a corrections file", async () => {
    const dir = await tempDir();
    await writeTree(dir, { "data_test_4_classes.tab": HEADER + row("/MAG/1.wav", 3), "audio/MAG_1.mp3": "" });
    const report = await loadMeter2800(dir, { split: "test" });
    expect(report.entries.map((e) => e.audioPath)).toEqual([join(dir, "audio/MAG_1.mp3")]);
  });

  it("rejects malformed corrections", () => {
    expect(() => parseMeter2800Corrections("[]", "c.json")).toThrow(DatasetFormatError);
    expect(() => parseMeter2800Corrections('{"1": {"action": "drop"}}', "c.json")).toThrow('c.json: "1": unknown action "drop"');
    expect(() => parseMeter2800Corrections('{"1": {"action": "relabel"}}', "c.json")).toThrow('"1": relabel needs a positive integer "new_meter"');
    for (const bad of ["-3", "0", "3.5", "1e300", '"x"', "[3]", "null"]) {
      expect(() => parseMeter2800Corrections(`{"1": {"action": "relabel", "new_meter": ${bad}}}`, "c.json")).toThrow(
        `c.json: "1": relabel needs a positive integer "new_meter", got ${JSON.stringify(JSON.parse(bad))}`,
      );
    }
    expect(() => parseMeter2800Corrections('{"1": "blacklist"}', "c.json")).toThrow('c.json: "1": expected an object with "action"');
    expect(() => parseMeter2800Corrections("[]", "c.json")).toThrow("c.json: expected a JSON object keyed by filename stem");
    expect(parseMeter2800Corrections('{"_x": 5, "1": {"action": "relabel", "new_meter": "7"}}', "c.json").relabel.get("1")).toBe(7);
  });

  it("names a missing split file and a missing column", async () => {
    const dir = await tempDir();
    await expect(loadMeter2800(dir, { split: "val" })).rejects.toThrow(`${join(dir, "data_val_4_classes.tab")}: cannot read labels (ENOENT)`);
    await writeTree(dir, { "data_val_4_classes.tab": "file\tmeter\n" });
    await expect(loadMeter2800(dir, { split: "val" })).rejects.toThrow(':1: header has no "filename" column');
  });

  it("never resolves outside audio/: traversal names stay inside, a '..' name is rejected", async () => {
    const dir = await tempDir();
    await writeTree(dir, {
      "data_test_4_classes.tab": HEADER + row("/../../../etc/passwd", 3),
      "audio/keep.wav": "",
    });
    const report = await loadMeter2800(dir, { split: "test" });
    expect(report.missingAudio.map((m) => m.file)).toEqual(["/../../../etc/passwd"]);
    expect(meter2800Candidates("/../../../etc/passwd").every((c) => c.startsWith("audio/") && !c.includes("/", 6))).toBe(true);
    await writeTree(dir, { "data_test_4_classes.tab": HEADER + row("/MAG/..", 3) });
    await expect(loadMeter2800(dir, { split: "test" })).rejects.toBeInstanceOf(DatasetPathError);
  });
});
