import { randomBytes } from "node:crypto";
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { AudioHashError } from "./errors.js";
import { audioHash, clearAudioHashMemo, createHasher, type FileHashMemo, hashBytes, RACY_MARGIN_NS, statSignature } from "./hash.js";
import { useTempDirs } from "./test-utils/tmp.js";

const tempDir = useTempDirs();
beforeEach(() => clearAudioHashMemo());

describe("hashBytes", () => {
  it("is xxh64 with seed 0, as 16 lowercase hex chars", () => {
    // Reference vectors of XXH64 (seed 0).
    expect(hashBytes(new Uint8Array())).toBe("ef46db3751d8e999");
    expect(hashBytes(new TextEncoder().encode("abc"))).toBe("44bc2cf5ad770999");
  });

  it("matches the streaming hasher fed in pieces", () => {
    const bytes = randomBytes(10_000);
    const streamed = createHasher().update(bytes.subarray(0, 3)).update(bytes.subarray(3)).digest();
    expect(streamed).toBe(hashBytes(bytes));
  });
});

describe("audioHash", () => {
  it("hashes the file's content, streamed across several chunks", async () => {
    const path = join(tempDir(), "song.wav");
    writeFileSync(path, randomBytes(3 * 1024 * 1024 + 17)); // > 3 read chunks of 1 MiB
    expect(await audioHash(path)).toBe(hashBytes(readFileSync(path)));
  });

  it("gives different hashes to files with the same name and size but different content", async () => {
    const a = join(tempDir(), "take.wav");
    const b = join(tempDir(), "take.wav");
    writeFileSync(a, Buffer.alloc(4096, 1));
    writeFileSync(b, Buffer.alloc(4096, 2));
    expect(await audioHash(a)).not.toBe(await audioHash(b));
  });

  it("re-hashes a file rewritten in place (memo keyed by size and mtime)", async () => {
    const path = join(tempDir(), "song.wav");
    writeFileSync(path, Buffer.alloc(1000, 1));
    utimesSync(path, 1_000_000, 1_000_000);
    const before = await audioHash(path);
    expect(await audioHash(path)).toBe(before);
    writeFileSync(path, Buffer.alloc(1000, 2));
    utimesSync(path, 2_000_000, 2_000_000);
    const after = await audioHash(path);
    expect(after).not.toBe(before);
    expect(after).toBe(hashBytes(Buffer.alloc(1000, 2)));
  });

  it("rejects with the path when the file cannot be read", async () => {
    const path = join(tempDir(), "missing.wav");
    const error = await audioHash(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioHashError);
    expect((error as AudioHashError).path).toBe(path);
    expect((error as AudioHashError).message).toContain("ENOENT");
  });

  it("rejects a directory", async () => {
    const dir = tempDir();
    await expect(audioHash(dir)).rejects.toThrow(/not a regular file/);
  });
});

describe("audioHash with a persistent memo", () => {
  /** A FileHashMemo in memory that records what it was asked. */
  function memoMap() {
    const entries = new Map<string, { signature: string; hash: string }>();
    const memo: FileHashMemo = {
      get: (path, signature) => (entries.get(path)?.signature === signature ? entries.get(path)!.hash : undefined),
      set: (path, signature, hash) => void entries.set(path, { signature, hash }),
    };
    return { memo, entries };
  }
  const old = (path: string) => utimesSync(path, 1_000_000, 1_000_000);
  // utimes sets ctime to now, so these tests accept a file changed just before hashing.
  const settled = { racyMarginNs: -(10n ** 12n) };

  it("uses a remembered hash without reading the file while its stat signature is unchanged", async () => {
    const path = join(tempDir(), "song.wav");
    writeFileSync(path, Buffer.alloc(1000, 1));
    old(path);
    const { memo, entries } = memoMap();
    const real = await audioHash(path, { memo, ...settled });
    expect(entries.get(path)).toEqual({ signature: statSignature(statSync(path, { bigint: true })), hash: real });
    // Another process: no in-process memo; a planted hash proves the file is not read again.
    clearAudioHashMemo();
    entries.get(path)!.hash = "0123456789abcdef";
    expect(await audioHash(path, { memo, ...settled })).toBe("0123456789abcdef");
  });

  it("re-hashes when the size or the mtime changes", async () => {
    const path = join(tempDir(), "song.wav");
    writeFileSync(path, Buffer.alloc(1000, 1));
    old(path);
    const { memo, entries } = memoMap();
    await audioHash(path, { memo, ...settled });
    entries.get(path)!.hash = "planted-not-used";
    clearAudioHashMemo();
    writeFileSync(path, Buffer.alloc(1001, 1)); // size
    old(path);
    expect(await audioHash(path, { memo, ...settled })).toBe(hashBytes(Buffer.alloc(1001, 1)));

    entries.get(path)!.hash = "planted-not-used";
    clearAudioHashMemo();
    writeFileSync(path, Buffer.alloc(1001, 2)); // same size, other mtime
    utimesSync(path, 2_000_000, 2_000_000);
    expect(await audioHash(path, { memo, ...settled })).toBe(hashBytes(Buffer.alloc(1001, 2)));
    expect(entries.get(path)!.hash).toBe(hashBytes(Buffer.alloc(1001, 2)));
  });

  it("does not remember a file changed within RACY_MARGIN_NS of hashing (racily clean)", async () => {
    const path = join(tempDir(), "fresh.wav");
    writeFileSync(path, Buffer.alloc(1000, 3)); // mtime and ctime: now
    const { memo, entries } = memoMap();
    expect(await audioHash(path, { memo })).toBe(hashBytes(Buffer.alloc(1000, 3)));
    expect(entries.size).toBe(0);
    expect(RACY_MARGIN_NS).toBeGreaterThan(0n);
  });
});
