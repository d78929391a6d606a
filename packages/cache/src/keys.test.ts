import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defineComponent, fingerprint } from "./components.js";
import { beatsKey, featuresKey, keyFor, onsetsKey, parseKey, signalsKey } from "./keys.js";
import { useTempDirs } from "./test-utils/tmp.js";

const tempDir = useTempDirs();
const fp = "0123456789abcdef";
const ah = "fedcba9876543210";

describe("key builders", () => {
  it("build the four key shapes exactly", () => {
    expect(beatsKey("dp", fp, ah)).toBe(`beats:dp:${fp}:${ah}`);
    expect(onsetsKey(fp, ah)).toBe(`onsets:${fp}:${ah}`);
    expect(signalsKey("hcdf", fp, ah)).toBe(`signals:hcdf:${fp}:${ah}`);
    expect(featuresKey("meter_net_audio", fp, ah)).toBe(`features:meter_net_audio:${fp}:${ah}`);
  });

  it("refuse parts that would break the key's shape", () => {
    expect(() => beatsKey("a:b", fp, ah)).toThrow(/':'/);
    expect(() => onsetsKey("", ah)).toThrow(/non-empty/);
    expect(() => signalsKey("x", fp, "a:b")).toThrow(/audio hash/);
  });

  it("keyFor uses the component's current fingerprint and its family's shape", () => {
    const src = join(tempDir(), "dp.js");
    writeFileSync(src, "export {};\n");
    const dp = defineComponent({ family: "beats", name: "dp", sources: [src] });
    const onsets = defineComponent({ family: "onsets", name: "onsets", sources: [src] });
    expect(keyFor(dp, ah)).toBe(`beats:dp:${fingerprint(dp)}:${ah}`);
    expect(keyFor(onsets, ah)).toBe(`onsets:${fingerprint(onsets)}:${ah}`);
  });
});

describe("parseKey", () => {
  it("round-trips every family", () => {
    expect(parseKey(beatsKey("dp", fp, ah))).toEqual({ family: "beats", name: "dp", fp, ah });
    expect(parseKey(onsetsKey(fp, ah))).toEqual({ family: "onsets", name: undefined, fp, ah });
    expect(parseKey(signalsKey("hcdf", fp, ah))).toEqual({ family: "signals", name: "hcdf", fp, ah });
    expect(parseKey(featuresKey("g", fp, ah))).toEqual({ family: "features", name: "g", fp, ah });
  });

  it("returns null for unknown families, wrong part counts and empty parts", () => {
    for (const key of ["", "beats", "tempo:x:y:z", "beats:dp:fp", "onsets:fp:ah:extra", "beats::fp:ah", "signals:x:fp:"]) {
      expect(parseKey(key), key).toBeNull();
    }
  });
});
