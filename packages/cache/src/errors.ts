/**
 * Every error this package throws carries the file (or store) it concerns and a plain reason,
 * so callers can print `Name: path: reason` without digging.
 */
export class CacheError extends Error {
  override name = "CacheError";
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`${path}: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }
}

/** The store cannot be opened or created (read-only or missing directory, not an LMDB file, …). */
export class CacheUnavailableError extends CacheError {
  override name = "CacheUnavailableError";
}

/** A key is malformed, or a stored value does not decode as its family says it must. */
export class CacheValueError extends CacheError {
  override name = "CacheValueError";
  readonly key: string;

  constructor(path: string, key: string, reason: string, options?: ErrorOptions) {
    super(path, `${key}: ${reason}`, options);
    this.key = key;
  }
}

/** A component's source file cannot be read, so its fingerprint cannot be computed. */
export class ComponentSourceError extends CacheError {
  override name = "ComponentSourceError";
}

/** An audio file cannot be read for hashing. */
export class AudioHashError extends CacheError {
  override name = "AudioHashError";
}

/** Short reason from a Node/LMDB error: its code if it has one, and its message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
