import { describe, expect, it } from "vitest";
import { parseTable, splitRow } from "./table.js";

describe("splitRow", () => {
  it("unquotes, unescapes doubled quotes, trims, keeps empty cells", () => {
    expect(splitRow('"/MAG/00553.wav"\t"three"\t3', "\t", "x", 1)).toEqual(["/MAG/00553.wav", "three", "3"]);
    expect(splitRow('a, "b, c" ,"say ""hi""",', ",", "x", 1)).toEqual(["a", "b, c", 'say "hi"', ""]);
    expect(splitRow("\t\t", "\t", "x", 1)).toEqual(["", "", ""]);
  });

  it("rejects broken quoting with path:line", () => {
    expect(() => splitRow('"open\tx', "\t", "f.tab", 7)).toThrow("f.tab:7: unterminated quoted field");
    expect(() => splitRow('"a"b\tx', "\t", "f.tab", 2)).toThrow("f.tab:2: unexpected text after a quoted field");
  });
});

describe("parseTable", () => {
  it("skips a BOM and blank lines, keeps 1-based line numbers", () => {
    const t = parseTable('\uFEFF"filename"\tmeter\r\n\r\n"/a.wav"\t3\r\n', "\t", "f");
    expect(t.header).toEqual(["filename", "meter"]);
    expect(t.rows).toEqual([{ line: 3, cells: ["/a.wav", "3"] }]);
  });
});
