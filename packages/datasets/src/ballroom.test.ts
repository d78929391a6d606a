import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ballroomStyleMeter, loadBallroom } from "./ballroom.js";
import { readBeatsFile } from "./beats-file.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";
import { writeTree } from "./test-utils/tree.js";

const tempDir = useTempDirs();

// Splits (sha256 of the stem mod 100): Albums-Cafe_Paradiso-05 82 → val, Albums-Chrisanne2-03 80 → val,
// Media-105701 4 → train, Albums-Fire-08 55 → train, Media-104111 72 → train, clip1 97 → test.
async function fixture(nested = false): Promise<string> {
  const dir = await tempDir();
  const a = nested ? "BallroomData/" : "";
  await writeTree(dir, {
    [`${a}ChaChaCha/Albums-Cafe_Paradiso-05.wav`]: "",
    [`${a}Waltz/Media-105701.wav`]: "",
    [`${a}VienneseWaltz/Albums-Chrisanne2-03.wav`]: "",
    [`${a}Rumba-American/Albums-Fire-08.wav`]: "",
    [`${a}Rumba-American/notes.txt`]: "not audio",
    [`${a}Tango/Media-104111.wav`]: "",
    [`${a}Tango/Media-104111.beats`]: "0.5 1\n1.0 2\n", // beside the audio
    [`${a}Polka/clip1.wav`]: "", // unknown style
    [`${a}Empty/readme.md`]: "",
    "annotations/Albums-Cafe_Paradiso-05.beats": "0.10 1\n0.45 2\n0.80 3\n1.15 4\n1.50 1\n",
    "annotations/Media-105701.beats": "0.2\t1\n0.8\t2\n1.4\t3\n",
  });
  return dir;
}

describe("ballroomStyleMeter", () => {
  it("waltzes are 3, other ballroom styles 4, names compared loosely; unknown is undefined", () => {
    expect(ballroomStyleMeter("Waltz")).toBe(3);
    expect(ballroomStyleMeter("VienneseWaltz")).toBe(3);
    expect(ballroomStyleMeter("viennese_waltz")).toBe(3);
    expect(ballroomStyleMeter("ChaChaCha")).toBe(4);
    expect(ballroomStyleMeter("Rumba-Misc")).toBe(4);
    expect(ballroomStyleMeter("Polka")).toBeUndefined();
    expect(ballroomStyleMeter("Polka", { polka: 4 })).toBe(4);
  });
});

describe("loadBallroom", () => {
  for (const nested of [false, true]) {
    it(`maps styles to meters and finds beats files${nested ? " (BallroomData/ layout)" : ""}`, async () => {
      const dir = await fixture(nested);
      const audio = nested ? join(dir, "BallroomData") : dir;
      const report = await loadBallroom(dir);
      expect(report.entries.map((e) => [e.file, e.meter, e.denominator, e.split, e.beatsPath])).toEqual([
        ["ChaChaCha/Albums-Cafe_Paradiso-05.wav", 4, 4, "val", join(dir, "annotations/Albums-Cafe_Paradiso-05.beats")],
        ["Rumba-American/Albums-Fire-08.wav", 4, 4, "train", undefined],
        ["Tango/Media-104111.wav", 4, 4, "train", join(audio, "Tango/Media-104111.beats")],
        ["VienneseWaltz/Albums-Chrisanne2-03.wav", 3, 4, "val", undefined],
        ["Waltz/Media-105701.wav", 3, 4, "train", join(dir, "annotations/Media-105701.beats")],
      ]);
      expect(report.entries[0]).toMatchObject({
        id: "Albums-Cafe_Paradiso-05",
        dataset: "ballroom",
        audioPath: join(audio, "ChaChaCha/Albums-Cafe_Paradiso-05.wav"),
        targets: { 4: 1 },
      });
      expect(report.unknownLabels).toEqual([{ file: join(audio, "Polka/clip1.wav"), line: 0, value: "Polka" }]);
      expect(report.missingAudio).toEqual([]);
      // the beats are usable for beat/downbeat metrics
      const beats = await readBeatsFile(report.entries[0]!.beatsPath!);
      expect(beats.filter((b) => b.position === 1).map((b) => b.timeSec)).toEqual([0.1, 1.5]);
    });
  }

  it("selects splits by the stem hash and accepts extra styles", async () => {
    const dir = await fixture();
    expect((await loadBallroom(dir, { split: "val" })).entries.map((e) => e.id)).toEqual(["Albums-Cafe_Paradiso-05", "Albums-Chrisanne2-03"]);
    expect((await loadBallroom(dir, { split: "tuning" })).entries).toHaveLength(5);
    const test = await loadBallroom(dir, { split: "test", styles: { Polka: 4 } });
    expect(test.entries.map((e) => [e.id, e.meter])).toEqual([["clip1", 4]]);
    expect(test.unknownLabels).toEqual([]);
  });

  it("names a missing root", async () => {
    const dir = await tempDir();
    await expect(loadBallroom(join(dir, "nope"))).rejects.toThrow("cannot read folder (ENOENT)");
  });
});
