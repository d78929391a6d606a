import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeWav } from "@tactus/audio";
import { clearAudioHashMemo } from "@tactus/cache";
import { synthesizeClip } from "@tactus/datasets";
import { afterAll, describe, expect, it } from "vitest";
import { featuresForFile, warmFile } from "./analyze.js";
import { engineComponents, openEngineCache } from "./components.js";
import { decodeVectorResult, encodeVectorResult, VECTOR_MEMO, vectorStamp } from "./vector.js";

const root = mkdtempSync(join(tmpdir(), "tactus-vector-memo-"));
// No onset-MLP checkpoint here: the vector path without its scores.
const onsetMlpDir = join(root, "no-onset-mlp");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("remembered feature vectors (memo.lmdb)", () => {
  it("warmFile remembers the vector; a new process reads exactly the vector computed cold", async () => {
    const file = join(root, "clip.wav");
    await writeWav(file, synthesizeClip({ numerator: 3, denominator: 4, bpm: 120, durationSec: 4, seed: 5 }).samples, 22050);
    const uncached = await featuresForFile(file, { onsetMlpDir });
    expect(uncached.ok).toBe(true);

    const dir = join(root, "cache");
    const warmCache = openEngineCache({ dir, onsetMlpDir });
    await warmFile(file, { cache: warmCache, onsetMlpDir });
    const ah = await warmCache.audioHash(file);
    const stamp = vectorStamp(warmCache.components, null);
    await warmCache.close();

    clearAudioHashMemo();
    const cache = openEngineCache({ dir, onsetMlpDir });
    try {
      const bytes = cache.getDerived(VECTOR_MEMO, ah, stamp);
      expect(bytes).toBeDefined();
      expect(decodeVectorResult(bytes!)).toEqual(uncached);
      expect(await featuresForFile(file, { cache, onsetMlpDir })).toEqual(uncached);

      // Bytes that do not decode are not trusted: the vector is computed from the records again.
      cache.putDerived(VECTOR_MEMO, ah, stamp, new Uint8Array([7, 0, 0, 0, 1]));
      expect(await featuresForFile(file, { cache, onsetMlpDir })).toEqual(uncached);
      expect(decodeVectorResult(cache.getDerived(VECTOR_MEMO, ah, stamp)!)).toEqual(uncached);
    } finally {
      await cache.close();
    }
  });

  it("the stamp changes with any input component's fingerprint and with the onset-MLP checkpoint", () => {
    const { all } = engineComponents();
    const base = vectorStamp(all, null);
    expect(vectorStamp(all, null)).toBe(base);
    expect(vectorStamp(all, "0123456789abcdef")).not.toBe(base);
    expect(vectorStamp(all.slice(1), null)).not.toBe(base);
  });

  it("round-trips a too-short result and an onset-MLP score record", () => {
    const short = { ok: false as const, reason: "too short" as const, durationSec: 1.25 };
    expect(decodeVectorResult(encodeVectorResult(short))).toEqual(short);
    const vector = Float32Array.from({ length: 1630 }, (_, i) => Math.sin(i) * 1e-3);
    const full = { ok: true as const, vector, durationSec: 441_001 / 22_050, onsetMlp: { "3/4": 0.1 + 0.2, "4/4": 1e-17 } };
    expect(decodeVectorResult(encodeVectorResult(full))).toEqual(full);
  });
});
