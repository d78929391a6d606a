import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatBeats, parseBeats, readBeatsFile } from "./beats-file.js";
import { DatasetFormatError } from "./errors.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";

const tempDir = useTempDirs();

describe("parseBeats", () => {
  it("reads tab- or space-separated lines, skipping blank lines and comments", () => {
    const text = "# ballroom\n0.512\t1\n\n1.024 2\r\n1.536   3\n2.048\t\t4\n";
    expect(parseBeats(text, "a.beats")).toEqual([
      { timeSec: 0.512, position: 1 },
      { timeSec: 1.024, position: 2 },
      { timeSec: 1.536, position: 3 },
      { timeSec: 2.048, position: 4 },
    ]);
  });

  it("accepts times-only lines (position 0 = unknown) and integer-valued positions like 1.0", () => {
    expect(parseBeats("0.5\n1.0\t2.0\n", "b.beats")).toEqual([
      { timeSec: 0.5, position: 0 },
      { timeSec: 1, position: 2 },
    ]);
  });

  it("reports malformed lines with file:line and the reason", () => {
    expect(() => parseBeats("0.5\t1\n0.9\tx\n", "c.beats")).toThrow(
      new DatasetFormatError("c.beats", 'beat position "x" is not a positive integer', 2),
    );
    expect(() => parseBeats("0.5\t1\n\nabc\t2\n", "c.beats")).toThrow("c.beats:3: time \"abc\" is not a non-negative number");
    expect(() => parseBeats("0.5\t1\t7\n", "c.beats")).toThrow("c.beats:1: expected \"time position\", got 3 fields");
    expect(() => parseBeats("0.5\t1\n0.4\t2\n", "c.beats")).toThrow("c.beats:2: time 0.4 is earlier than the previous beat (0.5)");
    expect(() => parseBeats("-1\t1\n", "c.beats")).toThrow(DatasetFormatError);
    expect(() => parseBeats("0.5\t0\n", "c.beats")).toThrow(/c\.beats:1/);
  });
});

describe("readBeatsFile / formatBeats", () => {
  it("round-trips through a file with 4-decimal times", async () => {
    const dir = await tempDir();
    const path = join(dir, "x.beats");
    const beats = [
      { timeSec: 0.12345, position: 1 },
      { timeSec: 0.6, position: 2 },
    ];
    await writeFile(path, formatBeats(beats));
    expect(formatBeats(beats)).toBe("0.1235\t1\n0.6000\t2\n");
    expect(await readBeatsFile(path)).toEqual([
      { timeSec: 0.1235, position: 1 },
      { timeSec: 0.6, position: 2 },
    ]);
  });

  it("names the file it cannot read", async () => {
    const dir = await tempDir();
    await expect(readBeatsFile(join(dir, "missing.beats"))).rejects.toThrow(`${join(dir, "missing.beats")}: cannot read beats file (ENOENT)`);
  });
});
