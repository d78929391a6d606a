import { open as openFile } from "node:fs/promises";
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
// Keyed by (resolved path, size, mtimeMs); the promise is stored so concurrent calls share one read.
const audioMemo = new Map<string, Promise<string>>();

/**
 * Content hash of an audio file: xxh64 over its bytes (streamed, never loaded whole), 16 hex chars.
 * Two files with the same name and size but different content get different hashes.
 * Memoised per process by (path, size, mtimeMs), so a rewritten file is hashed again.
 */
export async function audioHash(path: string): Promise<string> {
  const absolute = resolve(path);
  let handle: Awaited<ReturnType<typeof openFile>>;
  try {
    handle = await openFile(absolute, "r");
  } catch (error) {
    throw new AudioHashError(absolute, `cannot open: ${describeError(error)}`, { cause: error });
  }
  let memoKey: string;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new AudioHashError(absolute, "not a regular file");
    memoKey = `${absolute}\0${info.size}\0${info.mtimeMs}`;
  } catch (error) {
    await handle.close();
    if (error instanceof AudioHashError) throw error;
    throw new AudioHashError(absolute, `cannot stat: ${describeError(error)}`, { cause: error });
  }

  const memoised = audioMemo.get(memoKey);
  if (memoised) {
    await handle.close();
    return memoised;
  }
  const pending = hashOpenFile(handle, absolute);
  audioMemo.set(memoKey, pending);
  if (audioMemo.size > AUDIO_MEMO_LIMIT) {
    audioMemo.delete(audioMemo.keys().next().value as string);
  }
  // A failed read must not be remembered.
  pending.catch(() => audioMemo.delete(memoKey));
  return pending;
}

async function hashOpenFile(
  handle: Awaited<ReturnType<typeof openFile>>,
  absolute: string,
): Promise<string> {
  const hasher = xx.create64();
  // The stream owns the handle and closes it when it ends or fails.
  const stream = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream) hasher.update(chunk as Buffer);
  } catch (error) {
    throw new AudioHashError(absolute, `read failed: ${describeError(error)}`, { cause: error });
  }
  return toHex64(hasher.digest());
}

/** Forget memoised audio hashes (tests, long-running watchers). */
export function clearAudioHashMemo(): void {
  audioMemo.clear();
}
