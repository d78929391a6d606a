import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import {
  type Component,
  ComponentRegistry,
  clearFingerprintMemo,
  defineComponent,
  fingerprint,
  hashFile,
} from "./components.js";
import { ComponentSourceError } from "./errors.js";
import { hashBytes } from "./hash.js";
import { useTempDirs } from "./test-utils/tmp.js";

const tempDir = useTempDirs();
beforeEach(() => clearFingerprintMemo());

/** Rewrites a file and forgets memoised fingerprints, as a new process would. */
function edit(path: string, text: string): void {
  writeFileSync(path, text);
  clearFingerprintMemo();
}

function fps(...components: Component[]): string[] {
  return components.map(fingerprint);
}

describe("fingerprint", () => {
  function fixture() {
    const dir = tempDir();
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const onsetSrc = file("onset.js", "export const onset = 1;\n");
    const dpSrc = file("dp.js", "export const dp = 1;\n");
    const spacingSrc = file("spacing.js", "export const spacing = 1;\n");
    const hcdfSrc = file("hcdf.js", "export const hcdf = 1;\n");
    const unrelated = file("unrelated.js", "export const nothing = 1;\n");
    const onsets = defineComponent({ family: "onsets", name: "onsets", sources: [onsetSrc] });
    const dp = defineComponent({ family: "beats", name: "dp", sources: [dpSrc], dependsOn: [onsets] });
    const spacing = defineComponent({
      family: "signals",
      name: "spacing",
      sources: [spacingSrc],
      dependsOn: [dp],
    });
    const hcdf = defineComponent({ family: "signals", name: "hcdf", sources: [hcdfSrc] });
    return { onsetSrc, dpSrc, spacingSrc, hcdfSrc, unrelated, onsets, dp, spacing, hcdf };
  }

  it("is 16 hex chars and stable while nothing changes", () => {
    const f = fixture();
    const first = fps(f.onsets, f.dp, f.spacing, f.hcdf);
    for (const fp of first) expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(first).size).toBe(4);
    clearFingerprintMemo();
    expect(fps(f.onsets, f.dp, f.spacing, f.hcdf)).toEqual(first);
  });

  it("does not change when an unrelated file changes", () => {
    const f = fixture();
    const before = fps(f.onsets, f.dp, f.spacing, f.hcdf);
    edit(f.unrelated, "export const nothing = 2;\n");
    expect(fps(f.onsets, f.dp, f.spacing, f.hcdf)).toEqual(before);
  });

  it("changes for a component and all its dependants (transitively) when its source changes, and nothing else", () => {
    const f = fixture();
    const [onsets, dp, spacing, hcdf] = fps(f.onsets, f.dp, f.spacing, f.hcdf);
    edit(f.onsetSrc, "export const onset = 2;\n");
    const after = fps(f.onsets, f.dp, f.spacing, f.hcdf);
    expect(after[0]).not.toBe(onsets);
    expect(after[1]).not.toBe(dp); // direct dependant
    expect(after[2]).not.toBe(spacing); // dependant of a dependant
    expect(after[3]).toBe(hcdf);
  });

  it("does not change a dependency when a dependant's source changes", () => {
    const f = fixture();
    const [onsets, dp, spacing, hcdf] = fps(f.onsets, f.dp, f.spacing, f.hcdf);
    edit(f.spacingSrc, "export const spacing = 2;\n");
    const after = fps(f.onsets, f.dp, f.spacing, f.hcdf);
    expect([after[0], after[1], after[3]]).toEqual([onsets, dp, hcdf]);
    expect(after[2]).not.toBe(spacing);
  });

  it("is memoised per process until cleared", () => {
    const f = fixture();
    const before = fingerprint(f.hcdf);
    writeFileSync(f.hcdfSrc, "export const hcdf = 2;\n");
    expect(fingerprint(f.hcdf)).toBe(before);
    clearFingerprintMemo();
    expect(fingerprint(f.hcdf)).not.toBe(before);
  });

  it("covers extra (e.g. a checkpoint hash) and ignores source order and duplicates", () => {
    const f = fixture();
    const make = (sources: string[], extra?: string) =>
      defineComponent({ family: "signals", name: "mlp", sources, ...(extra ? { extra } : {}) });
    const base = fingerprint(make([f.dpSrc, f.hcdfSrc]));
    expect(fingerprint(make([f.hcdfSrc, f.dpSrc, f.hcdfSrc]))).toBe(base);
    expect(fingerprint(make([f.dpSrc, f.hcdfSrc], "ckpt-a"))).not.toBe(base);
    expect(fingerprint(make([f.dpSrc, f.hcdfSrc], "ckpt-a"))).not.toBe(
      fingerprint(make([f.dpSrc, f.hcdfSrc], "ckpt-b")),
    );
  });

  it("accepts file URLs and paths alike", () => {
    const f = fixture();
    const byUrl = defineComponent({ family: "signals", name: "hcdf", sources: [pathToFileURL(f.hcdfSrc)] });
    const byUrlString = defineComponent({
      family: "signals",
      name: "hcdf",
      sources: [pathToFileURL(f.hcdfSrc).href],
    });
    expect(fingerprint(byUrl)).toBe(fingerprint(f.hcdf));
    expect(fingerprint(byUrlString)).toBe(fingerprint(f.hcdf));
  });

  it("identifies files by package name and path inside the package, so moving a checkout keeps it", () => {
    const root = tempDir();
    const pkg = join(root, "a", "trackers");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@x/trackers" }));
    writeFileSync(join(pkg, "dist", "dp.js"), "export const dp = 1;\n");
    const moved = join(root, "elsewhere", "trackers");
    cpSync(pkg, moved, { recursive: true });
    const at = (dir: string) =>
      fingerprint(defineComponent({ family: "beats", name: "dp", sources: [join(dir, "dist", "dp.js")] }));
    expect(at(moved)).toBe(at(pkg));

    // Same bytes under another file name is another source.
    writeFileSync(join(pkg, "dist", "dp2.js"), "export const dp = 1;\n");
    const renamed = defineComponent({ family: "beats", name: "dp", sources: [join(pkg, "dist", "dp2.js")] });
    expect(fingerprint(renamed)).not.toBe(at(pkg));
  });

  it("throws ComponentSourceError with the path when a source is missing", () => {
    const missing = join(tempDir(), "gone.js");
    const component = defineComponent({ family: "beats", name: "dp", sources: [missing] });
    expect(() => fingerprint(component)).toThrow(ComponentSourceError);
    expect(() => fingerprint(component)).toThrow(missing);
  });
});

describe("defineComponent", () => {
  it("rejects names that cannot sit in a key, unknown families and empty sources", () => {
    expect(() => defineComponent({ family: "beats", name: "a:b", sources: ["x.js"] })).toThrow(/':'/);
    expect(() => defineComponent({ family: "beats", name: "", sources: ["x.js"] })).toThrow(/non-empty/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => defineComponent({ family: "tempo" as any, name: "a", sources: ["x.js"] })).toThrow(
      /unknown cache family/,
    );
    expect(() => defineComponent({ family: "beats", name: "a", sources: [] })).toThrow(/no source/);
  });
});

describe("ComponentRegistry", () => {
  const a = defineComponent({ family: "beats", name: "dp", sources: ["dp.js"] });
  const b = defineComponent({ family: "signals", name: "hcdf", sources: ["hcdf.js"] });
  const o = defineComponent({ family: "onsets", name: "onsets", sources: ["onset.js"] });

  it("lists and looks up components, ignoring re-adding the same one", () => {
    const registry = new ComponentRegistry([a, b, o, a]);
    expect(registry.size).toBe(3);
    expect(registry.get("beats", "dp")).toBe(a);
    expect(registry.get("beats", "hcdf")).toBeUndefined();
    expect(registry.list("signals")).toEqual([b]);
    expect(registry.onsets()).toBe(o);
    expect([...registry]).toEqual([a, b, o]);
  });

  it("refuses two components with one id, and a second onsets component", () => {
    const a2 = defineComponent({ family: "beats", name: "dp", sources: ["other.js"] });
    expect(() => new ComponentRegistry([a, a2])).toThrow(/registered twice/);
    const o2 = defineComponent({ family: "onsets", name: "other", sources: ["onset.js"] });
    expect(() => new ComponentRegistry([o, o2])).toThrow(/only one onsets/);
  });
});

describe("hashFile", () => {
  it("hashes a data file's content (for `extra`) and names a missing file", () => {
    const path = join(tempDir(), "weights.bin");
    writeFileSync(path, Buffer.from([1, 2, 3, 4]));
    expect(hashFile(path)).toBe(hashBytes(new Uint8Array([1, 2, 3, 4])));
    expect(() => hashFile(`${path}.missing`)).toThrow(ComponentSourceError);
    expect(() => hashFile(`${path}.missing`)).toThrow(`${path}.missing`);
  });
});
