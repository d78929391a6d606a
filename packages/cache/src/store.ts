import { accessSync, closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { join, resolve } from "node:path";
import { open, type RootDatabase } from "lmdb";
import {
  decodeFloat32,
  decodeJson,
  decodeUtf8,
  encodeFloat32,
  encodeJson,
  isFloat32Family,
} from "./codec.js";
import {
  type Component,
  ComponentRegistry,
  FAMILIES,
  type Family,
  fingerprint,
} from "./components.js";
import { CacheError, CacheUnavailableError, CacheValueError, describeError } from "./errors.js";
import { audioHash, type FileHashMemo } from "./hash.js";
import { keyFor, type ParsedKey, parseKey } from "./keys.js";

export const STORE_NAME = "analysis.lmdb";
/**
 * Per-file memos beside the store (its own LMDB environment, never read by `stats`/`removeStale`):
 * audio hashes by absolute path and stat signature, and derived values by name and audio hash.
 */
export const MEMO_NAME = "memo.lmdb";

export interface OpenCacheOptions {
  /** Directory holding `analysis.lmdb/`. Default: `$TACTUS_CACHE_DIR`, else `.cache` (against cwd). */
  dir?: string;
  /** Every component the caller works with; drives stale removal, `loadAllForAudio` and `stats`. */
  components?: Iterable<Component>;
  /** Delete entries with stale fingerprints when opening. Default true. */
  removeStale?: boolean;
  /** Also delete entries of components not in `components` (default false; see `removeStale`). */
  removeUnknown?: boolean;
  /** Initial LMDB map size. Default: let lmdb-js grow the map as needed. */
  mapSizeBytes?: number;
  /**
   * Keep `<dir>/memo.lmdb`: audio hashes across processes, keyed by absolute path and stat signature
   * (see `audioHash`), and `putDerived` values. Default true; `TACTUS_MEMO=0` turns the default off
   * (then every process hashes every file it reads, and `getDerived` finds nothing).
   */
  memo?: boolean;
}

/** The cache directory `openCache` uses: `dir`, else `$TACTUS_CACHE_DIR`, else `.cache`, against the cwd. */
export function cacheDirectory(dir?: string): string {
  return resolve(dir ?? (process.env.TACTUS_CACHE_DIR || ".cache"));
}

export interface AudioEntries {
  /** Tracker name → stored JSON. */
  beats: Record<string, unknown>;
  /** Stored onsets JSON, or `undefined` when not cached. */
  onsets: unknown;
  /** Signal name → stored JSON. */
  signals: Record<string, unknown>;
  /** Feature group → float32 values. */
  features: Record<string, Float32Array>;
  /** Ids (`family:name`) of the requested components with no current entry. */
  missing: string[];
}

export interface FamilyStats {
  /** Entries of this family in the store, whatever their fingerprint. */
  entries: number;
  /** Value bytes of those entries. */
  bytes: number;
  /** Entries of registered components with the current fingerprint. */
  current: number;
  /** Entries of registered components with another fingerprint. */
  stale: number;
  /** Entries of components that are not registered. */
  unknown: number;
  /**
   * Given audio hashes complete for this family: every registered component of the family has a
   * current entry (a family with no registered component: any entry at all).
   */
  hits: number;
  /** Number of distinct audio hashes given. */
  total: number;
}

export interface ComponentStats {
  fingerprint: string;
  /** Entries with the current fingerprint. */
  entries: number;
  bytes: number;
  /** Given audio hashes with a current entry. */
  hits: number;
}

export interface CacheStats {
  path: string;
  entries: number;
  bytes: number;
  /** Keys that parse as no family (removed by `removeStale`). */
  unparsed: number;
  families: Record<Family, FamilyStats>;
  /** By component id (`family:name`). */
  components: Record<string, ComponentStats>;
}

export interface CacheEntry {
  key: string;
  /** `null` for keys that parse as no family. */
  parsed: ParsedKey | null;
  /** Decoded value: JSON, a Float32Array for features, raw bytes for unparsed keys. */
  value: unknown;
}

export interface PutEntry {
  key: string;
  /** A Float32Array for `features:` keys, any JSON value otherwise. */
  value: unknown;
}

/**
 * Opens (creating if needed) `<dir>/analysis.lmdb`. Throws `CacheUnavailableError` when the
 * directory cannot be created or written or the store cannot be opened, so a caller can run
 * uncached instead of failing later.
 */
export function openCache(options: OpenCacheOptions = {}): AnalysisCache {
  const registry =
    options.components instanceof ComponentRegistry
      ? options.components
      : new ComponentRegistry(options.components ?? []);
  // Computed before touching the disk: a missing source file is a build problem, not a cache one.
  for (const component of registry) fingerprint(component);

  const dir = cacheDirectory(options.dir);
  const path = join(dir, STORE_NAME);
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new CacheUnavailableError(path, `cannot create cache directory: ${describeError(error)}`, {
      cause: error,
    });
  }
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new CacheUnavailableError(path, `cache directory is not writable: ${describeError(error)}`, {
      cause: error,
    });
  }
  const badFile = checkDataFile(join(path, "data.mdb"));
  if (badFile) throw new CacheUnavailableError(path, badFile);
  let db: RootDatabase<Buffer, Buffer>;
  try {
    db = open<Buffer, Buffer>({
      path,
      noSubdir: false, // `analysis.lmdb/{data,lock}.mdb`, the layout py-lmdb opens by default
      encoding: "binary",
      keyEncoding: "binary",
      ...(options.mapSizeBytes ? { mapSize: options.mapSizeBytes } : {}),
    });
  } catch (error) {
    throw new CacheUnavailableError(path, `cannot open LMDB store: ${describeError(error)}`, {
      cause: error,
    });
  }

  const envMemo = process.env.TACTUS_MEMO;
  let memo: FileMemo | null = null;
  if (options.memo ?? !(envMemo === "0" || envMemo === "off" || envMemo === "false")) {
    try {
      memo = openMemo(join(dir, MEMO_NAME));
    } catch {
      // The memo only saves work: without it every file is hashed and every vector recomputed.
      memo = null;
    }
  }
  const cache = new AnalysisCache(db, path, registry, options.removeUnknown ?? false, memo);
  if (options.removeStale ?? true) {
    try {
      cache.removeStale();
    } catch (error) {
      void cache.close();
      throw new CacheUnavailableError(path, `stale-entry removal failed: ${describeError(error)}`, {
        cause: error,
      });
    }
  }
  return cache;
}

/**
 * The memo environment. Keys: `hash:<absolute path>` → `<hash> <stat signature>`;
 * `derived:<name>:<audio hash>` → `<stamp>\n<bytes>`. New entries are committed synchronously (as
 * `putMany`) in one transaction per event-loop turn (or per 512), so a process that never closes
 * the cache keeps them too; a failed write only costs a later recomputation.
 */
class FileMemo implements FileHashMemo {
  static readonly BATCH = 512;
  readonly #db: RootDatabase<Buffer, Buffer>;
  readonly #pending = new Map<string, Buffer>();
  constructor(db: RootDatabase<Buffer, Buffer>) {
    this.#db = db;
  }
  #read(key: string): Buffer | undefined {
    return this.#pending.get(key) ?? this.#db.get(Buffer.from(key, "utf8"));
  }
  #scheduled: NodeJS.Immediate | null = null;
  #write(key: string, value: Buffer): void {
    this.#pending.set(key, value);
    if (this.#pending.size >= FileMemo.BATCH) this.flush();
    // Committed soon after, in one transaction with whatever else this turn wrote: processes that
    // never close the cache (worker processes) keep what they remembered.
    else this.#scheduled ??= setImmediate(() => this.flush());
  }
  get(absolute: string, signature: string): string | undefined {
    const value = this.#read(`hash:${absolute}`)?.toString("utf8");
    if (value === undefined) return undefined;
    const space = value.indexOf(" ");
    return value.slice(space + 1) === signature ? value.slice(0, space) : undefined;
  }
  set(absolute: string, signature: string, hash: string): void {
    this.#write(`hash:${absolute}`, Buffer.from(`${hash} ${signature}`, "utf8"));
  }
  getDerived(key: string, stamp: string): Uint8Array | undefined {
    const value = this.#read(key);
    const head = Buffer.from(`${stamp}\n`, "utf8");
    return value !== undefined && value.length >= head.length && head.equals(value.subarray(0, head.length))
      ? value.subarray(head.length)
      : undefined;
  }
  putDerived(key: string, stamp: string, bytes: Uint8Array): void {
    this.#write(key, Buffer.concat([Buffer.from(`${stamp}\n`, "utf8"), bytes]));
  }
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    if (this.#pending.size === 0) return;
    const entries = [...this.#pending];
    this.#pending.clear();
    try {
      this.#db.transactionSync(() => {
        for (const [key, value] of entries) this.#db.putSync(Buffer.from(key, "utf8"), value);
      });
    } catch {
      // Not remembered: recomputed next time.
    }
  }
  close(): Promise<void> {
    this.flush();
    return this.#db.close();
  }
}

/** The memo store at `path`; throws when it cannot be used (the caller then runs without it). */
function openMemo(path: string): FileMemo {
  mkdirSync(path, { recursive: true });
  const badFile = checkDataFile(join(path, "data.mdb"));
  if (badFile) throw new Error(badFile);
  return new FileMemo(open<Buffer, Buffer>({ path, noSubdir: false, encoding: "binary", keyEncoding: "binary" }));
}

const LMDB_MAGIC = 0xbeefc0de;
// lmdb-js 3 writes LMDB data format 2: 24-byte page header, then the meta's magic and version.
// LMDB 0.9 (py-lmdb, data format 1) has a 16-byte header.
const META_OFFSET = 24;
const LEGACY_META_OFFSET = 16;

/**
 * LMDB trusts its data file and crashes the process (SIGSEGV) on a foreign one, so check the
 * meta page before opening. A header still all zeros may be another process creating the store:
 * re-read a few times before calling it broken. Returns a reason, or null when the file looks fine.
 */
function checkDataFile(dataFile: string): string | null {
  for (let attempt = 0; ; attempt++) {
    let header: Buffer;
    let size: number;
    let fd: number;
    try {
      fd = openSync(dataFile, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      return `cannot read data.mdb: ${describeError(error)}`;
    }
    try {
      size = fstatSync(fd).size;
      header = Buffer.alloc(META_OFFSET + 8);
      readSync(fd, header, 0, header.length, 0);
    } catch (error) {
      return `cannot read data.mdb: ${describeError(error)}`;
    } finally {
      closeSync(fd);
    }
    if (size === 0) return null; // LMDB initialises an empty file
    if (size >= header.length && header.readUInt32LE(META_OFFSET) === LMDB_MAGIC) return null;
    if (size >= header.length && header.readUInt32LE(LEGACY_META_OFFSET) === LMDB_MAGIC) {
      return `data.mdb is in LMDB data format ${header.readUInt32LE(LEGACY_META_OFFSET + 4)} (LMDB 0.9), which lmdb-js 3 cannot open`;
    }
    if (attempt >= 5 || header.some((byte) => byte !== 0)) {
      return `data.mdb is not an LMDB data file (${size} bytes, no LMDB meta page)`;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

const derivedKey = (name: string, audioHash: string) => `derived:${name}:${audioHash}`;

/** The LMDB analysis cache. Obtain one with `openCache`. */
export class AnalysisCache {
  readonly path: string;
  readonly components: ComponentRegistry;
  readonly #db: RootDatabase<Buffer, Buffer>;
  readonly #removeUnknown: boolean;
  readonly #memo: FileMemo | null;
  #closed = false;

  /** @internal Use `openCache`. */
  constructor(
    db: RootDatabase<Buffer, Buffer>,
    path: string,
    components: ComponentRegistry,
    removeUnknown: boolean,
    memo: FileMemo | null = null,
  ) {
    this.#db = db;
    this.path = path;
    this.components = components;
    this.#removeUnknown = removeUnknown;
    this.#memo = memo;
  }

  /**
   * `audioHash(path)` through this cache's memo (`memo.lmdb`, unless opened with `memo: false`):
   * a file whose absolute path and stat signature are remembered is not read again.
   */
  audioHash(path: string): Promise<string> {
    this.#assertOpen();
    return audioHash(path, { memo: this.#memo });
  }

  /**
   * A value derived from a file's entries (e.g. the engine's feature vector), remembered by `name`
   * and audio hash, when it was stored with this very `stamp` — which must identify everything the
   * value depends on (code and inputs' fingerprints). `undefined` otherwise, or without a memo.
   */
  getDerived(name: string, audioHash: string, stamp: string): Uint8Array | undefined {
    this.#assertOpen();
    return this.#memo?.getDerived(derivedKey(name, audioHash), stamp);
  }

  /** Remember a derived value (replacing the one of any other stamp); written in batches, at the latest by `close`. */
  putDerived(name: string, audioHash: string, stamp: string, bytes: Uint8Array): void {
    this.#assertOpen();
    this.#memo?.putDerived(derivedKey(name, audioHash), stamp, bytes);
  }

  /** Key of `component`'s entry for `audioHash`, with its current fingerprint. */
  keyFor(component: Component, audioHash: string): string {
    return keyFor(component, audioHash);
  }

  /**
   * Read the latest committed state from now on. Reads otherwise see a snapshot that lmdb-js renews
   * only now and then; call this before checking what another process has just written.
   */
  refresh(): void {
    this.#assertOpen();
    this.#db.resetReadTxn();
  }

  has(key: string): boolean {
    this.#assertOpen();
    return this.#db.doesExist(Buffer.from(key, "utf8"));
  }

  /** Stored JSON for a beats/onsets/signals key, or `undefined`. The type is the caller's claim. */
  getJson<T = unknown>(key: string): T | undefined {
    this.#expectFamily(key, "json");
    const bytes = this.#get(key);
    return bytes === undefined ? undefined : (this.#decode(key, "json", bytes) as T);
  }

  /** Stored float32 values for a features key, or `undefined`. */
  getFloat32(key: string): Float32Array | undefined {
    this.#expectFamily(key, "float32");
    const bytes = this.#get(key);
    return bytes === undefined ? undefined : (this.#decode(key, "float32", bytes) as Float32Array);
  }

  /** Resolves once the write is committed. */
  putJson(key: string, value: unknown): Promise<void> {
    return this.putMany([{ key, value }]);
  }

  /** Resolves once the write is committed. The array is copied before this returns. */
  putFloat32(key: string, values: Float32Array): Promise<void> {
    return this.putMany([{ key, value: values }]);
  }

  /** Writes all entries in one transaction: either all are stored or none. */
  async putMany(entries: Iterable<PutEntry>): Promise<void> {
    this.#assertOpen();
    // Encode everything first so a bad value throws before anything is queued.
    const encoded = [...entries].map(({ key, value }) => this.#encode(key, value));
    if (encoded.length === 0) return;
    const db = this.#db;
    try {
      // Committed synchronously, as `removeStale` does: a failed commit (disk full, a file-size
      // limit, EIO) throws its cause here. The asynchronous `transaction` rejects with a generic
      // "Commit failed" and leaves other promises rejected with nobody to handle them, which
      // crashes the process as unhandled rejections.
      db.transactionSync(() => {
        for (const [key, bytes] of encoded) db.putSync(key, bytes);
      });
    } catch (error) {
      throw new CacheError(this.path, `write of ${encoded.length} entries failed: ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Everything cached for one audio file, read in one read transaction (a consistent snapshot).
   * Looks up each requested component's current key directly — O(components) B-tree lookups —
   * instead of keeping a by-audio index that every write and every stale removal would have to
   * maintain. Defaults to all registered components.
   */
  loadAllForAudio(audioHash: string, components: Iterable<Component> = this.components): AudioEntries {
    this.#assertOpen();
    const result: AudioEntries = { beats: {}, onsets: undefined, signals: {}, features: {}, missing: [] };
    const wanted = [...components].map((component) => ({ component, key: keyFor(component, audioHash) }));
    const db = this.#db;
    const transaction = db.useReadTransaction();
    try {
      for (const { component, key } of wanted) {
        const bytes = db.get(Buffer.from(key, "utf8"), { transaction });
        if (bytes === undefined) {
          result.missing.push(component.id);
          continue;
        }
        switch (component.family) {
          case "beats":
            result.beats[component.name] = this.#decode(key, "json", bytes);
            break;
          case "onsets":
            result.onsets = this.#decode(key, "json", bytes);
            break;
          case "signals":
            result.signals[component.name] = this.#decode(key, "json", bytes);
            break;
          case "features":
            result.features[component.name] = this.#decode(key, "float32", bytes) as Float32Array;
            break;
        }
      }
    } finally {
      transaction.done();
    }
    return result;
  }

  /** Every entry (optionally those whose key starts with `prefix`), decoded. */
  *entries(prefix = ""): Generator<CacheEntry> {
    this.#assertOpen();
    const start = Buffer.from(prefix, "utf8");
    // 0xff never occurs in UTF-8, so it bounds every key that starts with the prefix.
    const range = prefix ? { start, end: Buffer.concat([start, Buffer.from([0xff])]) } : {};
    for (const { key: rawKey, value } of this.#db.getRange(range)) {
      const key = decodeUtf8(rawKey);
      const parsed = key === null ? null : parseKey(key);
      if (key === null || parsed === null) {
        yield { key: key ?? rawKey.toString("latin1"), parsed: null, value: new Uint8Array(value) };
        continue;
      }
      const kind = isFloat32Family(parsed.family) ? "float32" : "json";
      yield { key, parsed, value: this.#decode(key, kind, value) };
    }
  }

  /**
   * Counts per family and per registered component, in one read transaction (scans every key).
   * With `audioHashes`, also how many of them are cached (`hits` of `total`).
   */
  stats(audioHashes: Iterable<string> = []): CacheStats {
    this.#assertOpen();
    const hashes = new Set(audioHashes);
    const families = Object.fromEntries(
      FAMILIES.map((family) => [
        family,
        { entries: 0, bytes: 0, current: 0, stale: 0, unknown: 0, hits: 0, total: hashes.size },
      ]),
    ) as Record<Family, FamilyStats>;
    const components: Record<string, ComponentStats> = {};
    const currentByComponent = new Map<string, Set<string>>();
    for (const component of this.components) {
      components[component.id] = { fingerprint: fingerprint(component), entries: 0, bytes: 0, hits: 0 };
      currentByComponent.set(component.id, new Set());
    }
    const anyByFamily = new Map<Family, Set<string>>(FAMILIES.map((f) => [f, new Set<string>()]));
    const stats: CacheStats = { path: this.path, entries: 0, bytes: 0, unparsed: 0, families, components };

    const db = this.#db;
    const transaction = db.useReadTransaction();
    try {
      for (const { key: rawKey, value } of db.getRange({ transaction })) {
        stats.entries++;
        stats.bytes += value.length;
        const key = decodeUtf8(rawKey);
        const parsed = key === null ? null : parseKey(key);
        if (parsed === null) {
          stats.unparsed++;
          continue;
        }
        const family = families[parsed.family];
        family.entries++;
        family.bytes += value.length;
        if (hashes.has(parsed.ah)) anyByFamily.get(parsed.family)!.add(parsed.ah);
        const component = this.#registered(parsed);
        if (!component) {
          family.unknown++;
        } else if (parsed.fp !== fingerprint(component)) {
          family.stale++;
        } else {
          family.current++;
          const perComponent = components[component.id]!;
          perComponent.entries++;
          perComponent.bytes += value.length;
          if (hashes.has(parsed.ah)) currentByComponent.get(component.id)!.add(parsed.ah);
        }
      }
    } finally {
      transaction.done();
    }

    for (const component of this.components) {
      components[component.id]!.hits = currentByComponent.get(component.id)!.size;
    }
    for (const family of FAMILIES) {
      const registered = this.components.list(family);
      families[family].hits =
        registered.length === 0
          ? anyByFamily.get(family)!.size
          : [...hashes].filter((ah) => registered.every((c) => currentByComponent.get(c.id)!.has(ah)))
              .length;
    }
    return stats;
  }

  /**
   * Deletes, in one write transaction, and returns how many were deleted:
   * - keys that parse as no family (wrong shape, unknown family, not UTF-8);
   * - keys of a registered component whose fingerprint is not the current one;
   * - keys of components that are not registered, only with `removeUnknown` (default: the value
   *   given to `openCache`, itself default false) — a tool that opens the cache with a partial
   *   component list must not wipe other components' entries.
   * Another process running other code may delete this process's entries the same way: the
   * store is meant to be shared by processes running the same build.
   */
  removeStale(options: { removeUnknown?: boolean } = {}): number {
    this.#assertOpen();
    const removeUnknown = options.removeUnknown ?? this.#removeUnknown;
    const db = this.#db;
    return db.transactionSync(() => {
      const doomed: Buffer[] = [];
      for (const rawKey of db.getKeys()) {
        const key = decodeUtf8(rawKey);
        const parsed = key === null ? null : parseKey(key);
        if (parsed === null) {
          doomed.push(Buffer.from(rawKey));
          continue;
        }
        const component = this.#registered(parsed);
        if (component ? parsed.fp !== fingerprint(component) : removeUnknown) {
          doomed.push(Buffer.from(rawKey));
        }
      }
      for (const key of doomed) db.removeSync(key);
      return doomed.length;
    });
  }

  /** Waits for pending writes, then closes the store. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#db.close(), this.#memo?.close()]);
  }

  #registered(parsed: ParsedKey): Component | undefined {
    return parsed.name === undefined
      ? this.components.onsets()
      : this.components.get(parsed.family, parsed.name);
  }

  #get(key: string): Buffer | undefined {
    this.#assertOpen();
    return this.#db.get(Buffer.from(key, "utf8"));
  }

  #expectFamily(key: string, kind: "json" | "float32"): ParsedKey {
    const parsed = parseKey(key);
    if (!parsed) throw new CacheValueError(this.path, key, "not a cache key (beats|onsets|signals|features)");
    const actual = isFloat32Family(parsed.family) ? "float32" : "json";
    if (actual !== kind) {
      throw new CacheValueError(this.path, key, `${parsed.family} values are ${actual}, not ${kind}`);
    }
    return parsed;
  }

  #encode(key: string, value: unknown): [Buffer, Buffer] {
    const parsed = parseKey(key);
    if (!parsed) throw new CacheValueError(this.path, key, "not a cache key (beats|onsets|signals|features)");
    try {
      if (!isFloat32Family(parsed.family) && ArrayBuffer.isView(value)) {
        throw new Error(`typed arrays go under features keys; ${parsed.family} values are JSON`);
      }
      const bytes = isFloat32Family(parsed.family)
        ? encodeFloat32(value as Float32Array)
        : encodeJson(value);
      return [Buffer.from(key, "utf8"), bytes];
    } catch (error) {
      throw new CacheValueError(this.path, key, describeError(error), { cause: error });
    }
  }

  #decode(key: string, kind: "json" | "float32", bytes: Uint8Array): unknown {
    try {
      return kind === "float32" ? decodeFloat32(bytes) : decodeJson(bytes);
    } catch (error) {
      throw new CacheValueError(this.path, key, `stored value does not decode: ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new CacheError(this.path, "cache is closed");
  }
}
