/**
 * Typed errors for audio that cannot be read. Every error carries the file path (or the name given
 * to `decodeAudio`) and a human-readable reason; the message is always `"<path>: <reason>"`.
 */
export class AudioError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, options);
    this.name = new.target.name;
    this.path = path;
    this.reason = reason;
  }
}

/** The path does not exist. */
export class AudioFileNotFoundError extends AudioError {}

/** The path is a directory, not a file. */
export class AudioIsDirectoryError extends AudioError {}

/** The file exists but could not be read (permissions, I/O error). */
export class AudioReadError extends AudioError {}

/** The file has zero bytes. */
export class EmptyAudioFileError extends AudioError {}

/** The bytes do not start with the signature of any audio container we know. */
export class NotAudioError extends AudioError {}

/** The container is recognised but its data is truncated or corrupt beyond use. */
export class CorruptAudioError extends AudioError {}

/** The file is well-formed but holds zero samples. */
export class NoSamplesError extends AudioError {}

/** The container or codec is recognised but this package cannot decode it (e.g. AAC in M4A). */
export class UnsupportedCodecError extends AudioError {}
