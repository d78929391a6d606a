import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { open } from "lmdb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Component, clearFingerprintMemo, defineComponent, fingerprint } from "./components.js";
import { CacheError, CacheUnavailableError, CacheValueError } from "./errors.js";
import { clearAudioHashMemo, hashBytes, RACY_MARGIN_NS, statSignature } from "./hash.js";
import { beatsKey, featuresKey, keyFor, onsetsKey, signalsKey } from "./keys.js";
import { type AnalysisCache, MEMO_NAME, type OpenCacheOptions, openCache, STORE_NAME } from "./store.js";
import { useTempDirs } from "./test-utils/tmp.js";

const tempDir = useTempDirs();
const opened: AnalysisCache[] = [];
beforeEach(() => clearFingerprintMemo());
afterEach(async () => {
  for (const cache of opened.splice(0)) await cache.close();
});

function openTracked(options: OpenCacheOptions): AnalysisCache {
  const cache = openCache(options);
  opened.push(cache);
  return cache;
}

/** Raw access to the LMDB file, as another (e.g. Python) reader would see it. */
function rawStore(cacheDir: string) {
  return open<Buffer, Buffer>({
    path: join(cacheDir, STORE_NAME),
    noSubdir: false,
    encoding: "binary",
    keyEncoding: "binary",
  });
}

function components(dir: string) {
  const source = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, `export const ${name.replace(".js", "")} = 1;\n`);
    return path;
  };
  const onsets = defineComponent({ family: "onsets", name: "onsets", sources: [source("onset.js")] });
  const dp = defineComponent({ family: "beats", name: "dp", sources: [source("dp.js")], dependsOn: [onsets] });
  const dbn = defineComponent({ family: "beats", name: "dbn_4", sources: [source("dbn.js")], dependsOn: [onsets] });
  const spacing = defineComponent({
    family: "signals",
    name: "spacing",
    sources: [source("spacing.js")],
    dependsOn: [dp],
  });
  const audio = defineComponent({ family: "features", name: "audio", sources: [source("audio.js")] });
  const ssm = defineComponent({ family: "features", name: "ssm", sources: [source("ssm.js")], dependsOn: [dp] });
  return { onsets, dp, dbn, spacing, audio, ssm, all: [onsets, dp, dbn, spacing, audio, ssm] };
}

/** Float32 values covering the awkward bit patterns: NaN payloads, ±0, ±Inf, subnormals. */
function awkwardFloats(n: number): Float32Array {
  const bits = new Uint32Array(n);
  const special = [0x7fc00000, 0x7fa12345, 0xffc00001, 0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x807fffff];
  let state = 12345;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bits[i] = i < special.length ? special[i]! : state;
  }
  return new Float32Array(bits.buffer);
}

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

describe("openCache", () => {
  it("creates <dir>/analysis.lmdb as an LMDB directory", () => {
    const dir = join(tempDir(), "nested", "cache");
    const cache = openTracked({ dir });
    expect(cache.path).toBe(join(dir, STORE_NAME));
    expect(existsSync(join(dir, STORE_NAME, "data.mdb"))).toBe(true);
  });

  it("defaults to $TACTUS_CACHE_DIR", () => {
    const dir = tempDir();
    const saved = process.env.TACTUS_CACHE_DIR;
    process.env.TACTUS_CACHE_DIR = dir;
    try {
      expect(openTracked({}).path).toBe(join(dir, STORE_NAME));
    } finally {
      if (saved === undefined) delete process.env.TACTUS_CACHE_DIR;
      else process.env.TACTUS_CACHE_DIR = saved;
    }
  });

  it("throws CacheUnavailableError with path and reason when the directory cannot be created", () => {
    const file = join(tempDir(), "not-a-dir");
    writeFileSync(file, "x");
    const dir = join(file, "cache");
    let error: unknown;
    try {
      openTracked({ dir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheUnavailableError);
    expect((error as CacheUnavailableError).path).toBe(join(dir, STORE_NAME));
    expect((error as CacheUnavailableError).reason).toMatch(/cannot create cache directory.*ENOTDIR/);
  });

  // LMDB itself would crash the process (SIGSEGV) on these files.
  it.each([
    ["garbage", Buffer.alloc(64 * 1024, 0x5a), /not an LMDB data file/],
    ["zeros", Buffer.alloc(64 * 1024), /not an LMDB data file/],
    ["a truncated file", Buffer.from([1, 2, 3]), /not an LMDB data file \(3 bytes/],
  ])("throws CacheUnavailableError when data.mdb is %s", async (_what, bytes, reason) => {
    const dir = tempDir();
    await openCache({ dir }).close();
    writeFileSync(join(dir, STORE_NAME, "data.mdb"), bytes);
    expect(() => openTracked({ dir })).toThrow(CacheUnavailableError);
    expect(() => openTracked({ dir })).toThrow(reason);
  });

  // Root ignores permission bits, so this case can only be checked as another user.
  it.skipIf(process.getuid?.() === 0)("throws CacheUnavailableError for a read-only directory", () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    try {
      expect(() => openTracked({ dir })).toThrow(CacheUnavailableError);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

describe("failed writes", () => {
  // A full disk as root (permission bits do not stop root): the writer runs under a file-size
  // limit (RLIMIT_FSIZE, `ulimit -f`) at the store's current size, so data.mdb cannot grow.
  it("a commit that cannot grow data.mdb rejects with a CacheError naming the cause; the process goes on", async () => {
    const dir = tempDir();
    await openCache({ dir }).close();
    const limitKiB = Math.ceil(statSync(join(dir, STORE_NAME, "data.mdb")).size / 1024) + 4;
    // The package as compiled by src/test-utils/global-setup.ts.
    const dist = fileURLToPath(new URL("../node_modules/.test-dist/index.js", import.meta.url));
    const script = `
      const { openCache, featuresKey } = await import(${JSON.stringify(dist)});
      process.on("unhandledRejection", (reason) => { console.log("unhandled: " + reason); process.exitCode = 3; });
      const cache = openCache({ dir: ${JSON.stringify(dir)} });
      for (let i = 0; i < 3; i++) {
        const key = featuresKey("audio", "f".repeat(16), String(i).repeat(16));
        try { await cache.putFloat32(key, new Float32Array(40000)); console.log("stored " + i); }
        catch (error) { console.log(error.name + ": " + error.message + " | has " + cache.has(key)); }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      await cache.close();
      console.log("done");`;
    const child = spawnSync("bash", ["-c", `ulimit -f ${limitKiB} && exec "$0" --input-type=module -e "$1"`, process.execPath, script], {
      encoding: "utf8",
    });
    expect(child.status, child.stderr).toBe(0);
    const lines = child.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(0, 3)) {
      expect(line).toMatch(/^CacheError: .*analysis\.lmdb: write of 1 entries failed: .*\| has false$/);
    }
    expect(lines[3]).toBe("done");
    expect(child.stderr).toBe("");
  });
});

describe("values", () => {
  it("round-trips float32 bit-exactly and stores raw little-endian bytes", async () => {
    const dir = tempDir();
    const cache = openTracked({ dir });
    const values = awkwardFloats(1449);
    const key = featuresKey("audio", "f".repeat(16), "a".repeat(16));
    await cache.putFloat32(key, values);
    const back = cache.getFloat32(key)!;
    expect(back).toBeInstanceOf(Float32Array);
    expect(back.length).toBe(1449);
    expect(Array.from(bitsOf(back))).toEqual(Array.from(bitsOf(values)));
    // Sub-array views are stored from their own offset, not from the start of the buffer.
    const view = values.subarray(3, 10);
    await cache.putFloat32(key, view);
    expect(Array.from(bitsOf(cache.getFloat32(key)!))).toEqual(Array.from(bitsOf(view)));

    const raw = rawStore(dir);
    const bytes = raw.get(Buffer.from(key))!;
    expect(bytes.length).toBe(7 * 4);
    for (let i = 0; i < 7; i++) expect(bytes.readUInt32LE(i * 4)).toBe(bitsOf(view)[i]);
    await raw.close();
  });

  it("stores JSON as UTF-8 JSON text", async () => {
    const dir = tempDir();
    const cache = openTracked({ dir });
    const key = beatsKey("dp", "f".repeat(16), "a".repeat(16));
    const beats = [{ time: 0.5, is_downbeat: true, strength: 0.25 }, { time: 1.0, is_downbeat: false, strength: 1 }];
    await cache.putJson(key, beats);
    expect(cache.getJson(key)).toEqual(beats);
    expect(cache.has(key)).toBe(true);
    const raw = rawStore(dir);
    expect(JSON.parse(raw.get(Buffer.from(key))!.toString("utf8"))).toEqual(beats);
    await raw.close();
  });

  it("returns undefined for absent keys and refuses the wrong accessor for a family", async () => {
    const cache = openTracked({ dir: tempDir() });
    const json = signalsKey("x", "f".repeat(16), "a".repeat(16));
    const floats = featuresKey("g", "f".repeat(16), "a".repeat(16));
    expect(cache.getJson(json)).toBeUndefined();
    expect(cache.getFloat32(floats)).toBeUndefined();
    expect(cache.has(json)).toBe(false);
    expect(() => cache.getFloat32(json)).toThrow(CacheValueError);
    expect(() => cache.getJson(floats)).toThrow(/features values are float32, not json/);
    await expect(cache.putJson(floats, [1, 2])).rejects.toThrow(CacheValueError);
    await expect(cache.putFloat32(json, new Float32Array(2))).rejects.toThrow(CacheValueError);
    await expect(cache.putJson("nonsense", 1)).rejects.toThrow(/not a cache key/);
    await expect(cache.putJson(json, undefined)).rejects.toThrow(/not JSON-serialisable/);
  });

  it("putMany writes all entries or none", async () => {
    const cache = openTracked({ dir: tempDir() });
    const a = signalsKey("a", "f".repeat(16), "1".repeat(16));
    const b = featuresKey("b", "f".repeat(16), "1".repeat(16));
    await cache.putMany([
      { key: a, value: { "3/4": 0.5 } },
      { key: b, value: new Float32Array([1, 2]) },
    ]);
    expect(cache.getJson(a)).toEqual({ "3/4": 0.5 });
    expect(Array.from(cache.getFloat32(b)!)).toEqual([1, 2]);

    const c = signalsKey("c", "f".repeat(16), "1".repeat(16));
    await expect(
      cache.putMany([
        { key: c, value: 1 },
        { key: b, value: [1, 2] }, // not a Float32Array
      ]),
    ).rejects.toThrow(CacheValueError);
    expect(cache.has(c)).toBe(false);
  });

  it("reports a stored value that does not decode, naming the key", async () => {
    const dir = tempDir();
    const key = featuresKey("g", "f".repeat(16), "a".repeat(16));
    const raw = rawStore(dir);
    await raw.put(Buffer.from(key), Buffer.from([1, 2, 3])); // 3 bytes: not float32
    await raw.close();
    const cache = openTracked({ dir, removeStale: false });
    expect(() => cache.getFloat32(key)).toThrow(`${key}: stored value does not decode`);
  });

  it("is unusable after close", async () => {
    const cache = openCache({ dir: tempDir() });
    await cache.close();
    await cache.close();
    expect(() => cache.has("beats:a:b:c")).toThrow(CacheError);
  });
});

describe("loadAllForAudio", () => {
  it("returns every registered component's entry for one audio hash, and lists the missing", async () => {
    const c = components(tempDir());
    const cache = openTracked({ dir: tempDir(), components: c.all });
    const ah = "1111111111111111";
    const other = "2222222222222222";
    const audio = awkwardFloats(1449);
    await cache.putMany([
      { key: keyFor(c.onsets, ah), value: { onset_times: [0.1] } },
      { key: keyFor(c.dp, ah), value: [{ time: 0.5 }] },
      { key: keyFor(c.spacing, ah), value: { "3/4": 0.2, "4/4": 0.8 } },
      { key: keyFor(c.audio, ah), value: audio },
      // Another file, and a stale fingerprint of the same file: neither may show up.
      { key: keyFor(c.dbn, other), value: [{ time: 9 }] },
      { key: keyFor(c.ssm, other), value: new Float32Array([9]) },
      { key: beatsKey("dbn_4", "0000000000000000", ah), value: [{ time: 7 }] },
    ]);
    const all = cache.loadAllForAudio(ah);
    expect(all.onsets).toEqual({ onset_times: [0.1] });
    expect(all.beats).toEqual({ dp: [{ time: 0.5 }] });
    expect(all.signals).toEqual({ spacing: { "3/4": 0.2, "4/4": 0.8 } });
    expect(Object.keys(all.features)).toEqual(["audio"]);
    expect(Array.from(bitsOf(all.features.audio!))).toEqual(Array.from(bitsOf(audio)));
    expect(all.missing.sort()).toEqual(["beats:dbn_4", "features:ssm"]);

    const some = cache.loadAllForAudio(other, [c.dbn, c.onsets]);
    expect(some.beats).toEqual({ dbn_4: [{ time: 9 }] });
    expect(some.onsets).toBeUndefined();
    expect(some.missing).toEqual(["onsets:onsets"]);
  });
});

describe("stats", () => {
  it("is all zeros on an empty store", () => {
    const c = components(tempDir());
    const stats = openTracked({ dir: tempDir(), components: c.all }).stats(["1111111111111111"]);
    expect(stats.entries).toBe(0);
    expect(stats.bytes).toBe(0);
    expect(stats.unparsed).toBe(0);
    for (const family of Object.values(stats.families)) {
      expect(family).toEqual({ entries: 0, bytes: 0, current: 0, stale: 0, unknown: 0, hits: 0, total: 1 });
    }
    expect(stats.components["beats:dp"]).toEqual({ fingerprint: fingerprint(c.dp), entries: 0, bytes: 0, hits: 0 });
  });

  it("counts entries, bytes, stale/unknown entries and hits per family and component", async () => {
    const c = components(tempDir());
    const dir = tempDir();
    const cache = openTracked({ dir, components: c.all });
    const [h1, h2, h3] = ["1111111111111111", "2222222222222222", "3333333333333333"];
    const writes = [
      ...[h1, h2].flatMap((ah) => [
        { key: keyFor(c.dp, ah), value: [1] },
        { key: keyFor(c.dbn, ah), value: [2] },
        { key: keyFor(c.audio, ah), value: new Float32Array(10) },
      ]),
      { key: keyFor(c.dp, h3), value: [3] }, // h3: dp only, so beats incomplete
      { key: keyFor(c.ssm, h1), value: new Float32Array(5) },
      { key: beatsKey("dp", "0000000000000000", h3), value: [0] }, // stale
      { key: signalsKey("not_registered", "0000000000000000", h1), value: {} }, // unknown
    ];
    await cache.putMany(writes);
    const raw = rawStore(dir);
    await raw.put(Buffer.from("garbage"), Buffer.from("x"));
    await raw.close();

    const stats = cache.stats([h1, h2, h3, h1]);
    expect(stats.entries).toBe(writes.length + 1);
    expect(stats.unparsed).toBe(1);
    expect(stats.families.beats).toMatchObject({ entries: 6, current: 5, stale: 1, unknown: 0, hits: 2, total: 3 });
    expect(stats.families.beats.bytes).toBe(6 * 3);
    expect(stats.families.features).toMatchObject({ entries: 3, bytes: 2 * 40 + 20, current: 3, hits: 1, total: 3 });
    // No registered onsets entry for anyone; signals: only an unregistered one, so spacing is missing.
    expect(stats.families.onsets).toMatchObject({ entries: 0, hits: 0 });
    expect(stats.families.signals).toMatchObject({ entries: 1, unknown: 1, current: 0, hits: 0 });
    expect(stats.components["beats:dp"]).toMatchObject({ entries: 3, hits: 3 });
    expect(stats.components["features:ssm"]).toMatchObject({ entries: 1, bytes: 20, hits: 1 });
    expect(stats.bytes).toBe(6 * 3 + 100 + 2 + 1);
  });
});

describe("removeStale", () => {
  async function seed(dir: string, c: ReturnType<typeof components>) {
    const cache = openCache({ dir, components: c.all });
    const ah = "1111111111111111";
    await cache.putMany([
      ...c.all.map((component: Component) => ({
        key: keyFor(component, ah),
        value: component.family === "features" ? new Float32Array([1]) : [1],
      })),
      { key: beatsKey("dp", "0000000000000000", ah), value: [0] },
      { key: onsetsKey("0000000000000000", ah), value: [0] },
      { key: featuresKey("audio", "0000000000000000", ah), value: new Float32Array(1) },
      { key: signalsKey("someone_elses", "0000000000000000", ah), value: {} },
      { key: beatsKey("other_tracker", "0000000000000000", ah), value: [] },
    ]);
    await cache.close();
    const raw = rawStore(dir);
    for (const key of ["garbage", "beats:too:few", "tempo:x:y:z", "onsets::x"]) {
      await raw.put(Buffer.from(key), Buffer.from("1"));
    }
    await raw.put(Buffer.from([0x62, 0x65, 0xff, 0x3a]), Buffer.from("1")); // not UTF-8
    await raw.close();
    return ah;
  }

  function keysIn(dir: string): string[] {
    const raw = rawStore(dir);
    const keys = [...raw.getKeys()].map((k) => k.toString("latin1"));
    void raw.close();
    return keys.sort();
  }

  it("at open deletes stale fingerprints of registered components and unparseable keys, keeps unknown components", async () => {
    const dir = tempDir();
    const c = components(tempDir());
    const ah = await seed(dir, c);
    const cache = openTracked({ dir, components: c.all });
    const current = c.all.map((component) => keyFor(component, ah));
    const unknown = [signalsKey("someone_elses", "0000000000000000", ah), beatsKey("other_tracker", "0000000000000000", ah)];
    expect(keysIn(dir)).toEqual([...current, ...unknown].sort());
    expect(cache.removeStale()).toBe(0);
    expect(cache.removeStale({ removeUnknown: true })).toBe(2);
    expect(keysIn(dir)).toEqual([...current].sort());
  });

  it("removes nothing when disabled, and counts what it removes", async () => {
    const dir = tempDir();
    const c = components(tempDir());
    await seed(dir, c);
    const cache = openTracked({ dir, components: c.all, removeStale: false });
    expect(keysIn(dir).length).toBe(6 + 5 + 5);
    expect(cache.removeStale()).toBe(3 + 5);
  });

  it("with a partial component list leaves the other components' entries alone", async () => {
    const dir = tempDir();
    const c = components(tempDir());
    const ah = await seed(dir, c);
    const before = keysIn(dir).length;
    openTracked({ dir, components: [c.audio] });
    // Only features:audio's stale entry and the 5 unparseable keys go.
    expect(keysIn(dir).length).toBe(before - 1 - 5);
    expect(keysIn(dir)).toContain(beatsKey("dp", "0000000000000000", ah));
    expect(keysIn(dir)).not.toContain(featuresKey("audio", "0000000000000000", ah));
  });

  it("after a source edit removes the edited component and its dependants' entries only", async () => {
    const dir = tempDir();
    const srcDir = tempDir();
    const c = components(srcDir);
    const ah = "1111111111111111";
    const cache = openCache({ dir, components: c.all });
    await cache.putMany(
      c.all.map((component) => ({
        key: keyFor(component, ah),
        value: component.family === "features" ? new Float32Array([1]) : [1],
      })),
    );
    await cache.close();
    const before = new Map(c.all.map((component) => [component.id, keyFor(component, ah)]));

    writeFileSync(join(srcDir, "dp.js"), "export const dp = 2;\n");
    clearFingerprintMemo();
    const reopened = openTracked({ dir, components: c.all });
    const survivors = keysIn(dir);
    // dp changed; spacing and ssm depend on dp; onsets, dbn and audio do not.
    expect(survivors).toEqual(
      [before.get("onsets:onsets"), before.get("beats:dbn_4"), before.get("features:audio")].sort(),
    );
    expect(reopened.loadAllForAudio(ah).missing.sort()).toEqual(["beats:dp", "features:ssm", "signals:spacing"]);
  });
});

describe("memo.lmdb", () => {
  it("remembers audio hashes across opens and re-hashes a changed file", async () => {
    const dir = tempDir();
    const audio = join(dir, "song.wav");
    writeFileSync(audio, Buffer.alloc(5000, 1));
    utimesSync(audio, 1_000_000, 1_000_000);
    // ctime is now: wait out the racy margin so the hash is remembered.
    await new Promise((resolve) => setTimeout(resolve, Number(RACY_MARGIN_NS / 1_000_000n) + 100));
    const first = openCache({ dir });
    expect(await first.audioHash(audio)).toBe(hashBytes(Buffer.alloc(5000, 1)));
    await first.close();
    expect(existsSync(join(dir, MEMO_NAME, "data.mdb"))).toBe(true);

    // The remembered entry is what a new process finds (planted to prove the file is not read).
    const raw = open<Buffer, Buffer>({ path: join(dir, MEMO_NAME), noSubdir: false, encoding: "binary", keyEncoding: "binary" });
    const key = Buffer.from(`hash:${audio}`, "utf8");
    const [, signature] = raw.get(key)!.toString("utf8").split(" ");
    expect(signature).toBe(statSignature(statSync(audio, { bigint: true })));
    raw.putSync(key, Buffer.from(`0123456789abcdef ${signature}`, "utf8"));
    await raw.close();
    clearAudioHashMemo();
    const second = openTracked({ dir });
    expect(await second.audioHash(audio)).toBe("0123456789abcdef");

    clearAudioHashMemo();
    writeFileSync(audio, Buffer.alloc(5001, 1));
    expect(await second.audioHash(audio)).toBe(hashBytes(Buffer.alloc(5001, 1)));
  }, 10_000);

  it("returns a derived value only for its stamp, keeps it out of the analysis store, and can be turned off", async () => {
    const dir = tempDir();
    const cache = openCache({ dir });
    const ah = "a".repeat(16);
    cache.putDerived("vec", ah, "stamp1", new Uint8Array([1, 2, 3]));
    expect([...cache.getDerived("vec", ah, "stamp1")!]).toEqual([1, 2, 3]); // before the batch is written
    await cache.close();
    const again = openTracked({ dir });
    expect([...again.getDerived("vec", ah, "stamp1")!]).toEqual([1, 2, 3]);
    expect(again.getDerived("vec", ah, "stamp2")).toBeUndefined();
    expect(again.getDerived("other", ah, "stamp1")).toBeUndefined();
    expect(again.stats().entries).toBe(0);

    const off = openTracked({ dir: tempDir(), memo: false });
    off.putDerived("vec", ah, "stamp1", new Uint8Array([1]));
    expect(off.getDerived("vec", ah, "stamp1")).toBeUndefined();
  });

  it("commits remembered values without a close (worker processes never close their cache)", async () => {
    const dir = tempDir();
    const writer = openTracked({ dir });
    writer.putDerived("vec", "d".repeat(16), "s1", new Uint8Array([7, 8]));
    await new Promise((resolve) => setImmediate(resolve));
    const reader = openTracked({ dir });
    expect([...reader.getDerived("vec", "d".repeat(16), "s1")!]).toEqual([7, 8]);
  });

  it("opens the cache without a memo when memo.lmdb is unusable", async () => {
    const dir = tempDir();
    const audio = join(dir, "song.wav");
    writeFileSync(audio, Buffer.alloc(3000, 2));
    writeFileSync(join(dir, MEMO_NAME), "not a directory");
    const cache = openTracked({ dir });
    expect(await cache.audioHash(audio)).toBe(hashBytes(Buffer.alloc(3000, 2)));
    cache.putDerived("vec", "b".repeat(16), "s", new Uint8Array([1]));
    expect(cache.getDerived("vec", "b".repeat(16), "s")).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });
});
