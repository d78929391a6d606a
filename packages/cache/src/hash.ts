import { type FileHandle, open as openFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import xxhash from "xxhash-wasm";
import { AudioHashError, describeError } from "./errors.js";

// Instantiated once at import so every hashing function below can stay synchronous.
const xx = await xxhash();

/** Streaming xxh64 (seed 0); `digest()` gives the 16-hex-char form used in keys. */
export interface Hasher {
  update(input: string | Uint8Array): Hasher;
  digest(): string;
}

export function createHasher(): Hasher {
  const state = xx.create64();
  const hasher: Hasher = {
    update(input) {
      state.update(input);
      return hasher;
    },
    digest: () => toHex64(state.digest()),
  };
  return hasher;
}

/** xxh64 (seed 0) of the bytes, as 16 lowercase hex chars. */
export function hashBytes(bytes: Uint8Array): string {
  return toHex64(xx.h64Raw(bytes));
}

function toHex64(value: bigint): string {
  return value.toString(16).padStart(16, "0");
}

const AUDIO_MEMO_LIMIT = 8192;
const READ_CHUNK_BYTES = 1 << 20;
/**
 * A file changed less than this long before it was hashed is not remembered persistently: a
 * rewrite within the file system's timestamp granularity could leave every stat field equal
 * (git's "racily clean" case).
 */
export const RACY_MARGIN_NS = 2_000_000_000n;
// Keyed by (resolved path, stat signature); the promise is stored so concurrent calls share one read.
const audioMemo = new Map<string, Promise<string>>();

/**
 * Where `audioHash` remembers hashes across processes (the cache's `memo.lmdb`). An entry
 * is used only when the file's stat signature is the one it was hashed with.
 */
export interface FileHashMemo {
  /** The hash remembered for `absolute` with exactly this signature, else `undefined`. */
  get(absolute: string, signature: string): string | undefined;
  /** Remember a hash; may write later (a failed write only costs a re-hash). */
  set(absolute: string, signature: string, hash: string): void;
}

export interface AudioHashOptions {
  /** Persistent memo consulted before reading the file and filled after (see `FileHashMemo`). */
  memo?: FileHashMemo | null;
  /** Remember in `memo` only files unchanged for this long before hashing (default `RACY_MARGIN_NS`; tests). */
  racyMarginNs?: bigint;
}

interface FileStat {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
  isFile(): boolean;
}

/**
 * What identifies an unchanged file, as git's index does: size, mtime and ctime in nanoseconds,
 * inode and device. Any write, rename onto the path, `touch` or `chmod` changes it.
 */
export function statSignature(info: FileStat): string {
  return `${info.size}:${info.mtimeNs}:${info.ctimeNs}:${info.ino}:${info.dev}`;
}

/**
 * Content hash of an audio file: xxh64 over its bytes (streamed, never loaded whole), 16 hex chars.
 * Two files with the same name and size but different content get different hashes.
 * Memoised per process, and in `options.memo` across processes, by (path, stat signature): a file
 * whose size, mtime, ctime, inode or device changed is read again (the trust model of git and make).
 */
export async function audioHash(path: string, options: AudioHashOptions = {}): Promise<string> {
  const absolute = resolve(path);
  let before: FileStat;
  try {
    before = await stat(absolute, { bigint: true });
  } catch (error) {
    throw new AudioHashError(absolute, `cannot open: ${describeError(error)}`, { cause: error });
  }
  if (!before.isFile()) throw new AudioHashError(absolute, "not a regular file");
  const signature = statSignature(before);
  const memoKey = `${absolute}\0${signature}`;
  const memoised = audioMemo.get(memoKey);
  if (memoised) return memoised;
  const remembered = options.memo?.get(absolute, signature);
  if (remembered !== undefined) {
    rememberInProcess(memoKey, Promise.resolve(remembered));
    return remembered;
  }

  const pending = hashFile(absolute, before, signature, options.memo ?? null, options.racyMarginNs ?? RACY_MARGIN_NS).then(({ hash, unchanged }) => {
    // Replaced between the stat and the read: the hash belongs to the new file, not to `signature`.
    if (!unchanged) audioMemo.delete(memoKey);
    return hash;
  });
  rememberInProcess(memoKey, pending);
  // A failed read must not be remembered.
  pending.catch(() => audioMemo.delete(memoKey));
  return pending;
}

function rememberInProcess(memoKey: string, hash: Promise<string>): void {
  audioMemo.set(memoKey, hash);
  if (audioMemo.size > AUDIO_MEMO_LIMIT) audioMemo.delete(audioMemo.keys().next().value as string);
}

/**
 * Hash the file; remember it in `memo` only when the file did not change while it was read (same
 * signature before and after, through the same handle) and had settled before (`RACY_MARGIN_NS`).
 */
async function hashFile(
  absolute: string,
  before: FileStat,
  signature: string,
  memo: FileHashMemo | null,
  racyMarginNs: bigint,
): Promise<{ hash: string; unchanged: boolean }> {
  const startedNs = BigInt(Date.now()) * 1_000_000n;
  let handle: FileHandle;
  try {
    handle = await openFile(absolute, "r");
  } catch (error) {
    throw new AudioHashError(absolute, `cannot open: ${describeError(error)}`, { cause: error });
  }
  let after: FileStat;
  let hash: string;
  try {
    hash = await hashOpenFile(handle, absolute);
    after = await handle.stat({ bigint: true });
  } catch (error) {
    if (error instanceof AudioHashError) throw error;
    throw new AudioHashError(absolute, `cannot stat: ${describeError(error)}`, { cause: error });
  } finally {
    await handle.close();
  }
  const unchanged = statSignature(after) === signature;
  let lastChangeNs = before.mtimeNs; // bigints: no Math.max
  if (before.ctimeNs > lastChangeNs) lastChangeNs = before.ctimeNs;
  const settled = startedNs - lastChangeNs > racyMarginNs;
  if (memo && settled && unchanged) memo.set(absolute, signature, hash);
  return { hash, unchanged };
}

async function hashOpenFile(handle: FileHandle, absolute: string): Promise<string> {
  const hasher = xx.create64();
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hasher.update(buffer.subarray(0, bytesRead));
    }
  } catch (error) {
    throw new AudioHashError(absolute, `read failed: ${describeError(error)}`, { cause: error });
  }
  return toHex64(hasher.digest());
}

/** Forget memoised audio hashes (tests, long-running watchers). */
export function clearAudioHashMemo(): void {
  audioMemo.clear();
}
