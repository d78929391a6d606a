import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CORPUS_MANIFEST } from "@tactus/datasets";
import { afterAll, describe, expect, it } from "vitest";
import { datasetSources, describeSources } from "./extract.js";

const dir = mkdtempSync(join(tmpdir(), "tactus-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("datasetSources (checkpoint provenance)", () => {
  it("reads a generated corpus's seed and size from corpus.json above its audio folder", () => {
    const corpus = join(dir, "corpus-a");
    mkdirSync(join(corpus, "audio"), { recursive: true });
    const manifest = { format: "tactus-synthetic-corpus", options: { generatorVersion: 1, seed: 2026, perClass: 2, durationSec: 20 }, clips: [{}, {}, {}] };
    writeFileSync(join(corpus, CORPUS_MANIFEST), JSON.stringify(manifest));
    const other = join(dir, "plain", "x");
    const rows = [
      { dataset: "corpus-a", file: join(corpus, "audio", "a.wav") },
      { dataset: "corpus-a", file: join(corpus, "audio", "b.wav") },
      { dataset: "plain", file: join(other, "c.wav") },
      { dataset: "plain", file: join(dir, "plain", "d.wav") },
    ];
    const sources = datasetSources(rows);
    expect(sources["corpus-a"]).toEqual({
      root: corpus,
      rows: 2,
      corpus: { format: "tactus-synthetic-corpus", seed: 2026, perClass: 2, durationSec: 20, clips: 3, generatorVersion: 1 },
    });
    expect(sources.plain).toEqual({ root: join(dir, "plain"), rows: 2 });
    expect(describeSources(sources)).toBe(
      `corpus-a: 2 rows from ${corpus}, tactus-synthetic-corpus seed 2026, 2/class × 20 s, 3 clips; plain: 2 rows from ${join(dir, "plain")}`,
    );
  });

  it("ignores a manifest without a numeric seed and size", () => {
    const corpus = join(dir, "corpus-b");
    mkdirSync(join(corpus, "audio"), { recursive: true });
    writeFileSync(join(corpus, CORPUS_MANIFEST), JSON.stringify({ format: "x", options: { seed: "1" } }));
    expect(datasetSources([{ dataset: "b", file: join(corpus, "audio", "a.wav") }]).b).toEqual({ root: join(corpus, "audio"), rows: 1 });
  });
});
