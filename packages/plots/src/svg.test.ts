import { describe, expect, it } from "vitest";
import { escapeXml, num, ticks } from "./svg.js";
import { parseXml } from "./test-utils/xml.js";

describe("svg primitives", () => {
  it("escapes markup characters and drops characters XML forbids", () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    expect(escapeXml("bell\u0007tab\tok")).toBe("belltab\tok");
  });

  it("formats numbers with fixed precision and refuses non-finite ones", () => {
    expect(num(1.25)).toBe("1.3");
    expect(num(10)).toBe("10");
    expect(num(-0.01)).toBe("0");
    expect(num(0.12345, 3)).toBe("0.123");
    expect(() => num(Number.NaN)).toThrow(RangeError);
  });

  it("makes 1-2-5 ticks inside the range", () => {
    expect(ticks(0, 30, 6).values).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(ticks(0, 4.2, 10)).toEqual({ values: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4], digits: 1 });
  });

  it("the test parser rejects what is not well-formed", () => {
    expect(() => parseXml("<svg><g></svg>")).toThrow();
    expect(() => parseXml("<svg><text>a < b</text></svg>")).toThrow();
    expect(() => parseXml("<svg><text>a & b</text></svg>")).toThrow();
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow();
    expect(parseXml("<svg><text>a &amp; b</text></svg>")[1]!.text).toBe("a & b");
  });
});
