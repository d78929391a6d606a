/** Typed checkpoint errors: each names the file and the reason (STYLE.md). */

/** The checkpoint directory (or its meta.json) does not exist. */
export class CheckpointNotFoundError extends Error {
  constructor(readonly file: string) {
    super(`CheckpointNotFoundError: ${file}: no checkpoint here`);
    this.name = "CheckpointNotFoundError";
  }
}

/** A well-formed checkpoint made for something else: other classes, feature layout or length. */
export class CheckpointMismatchError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly found: unknown,
    readonly expected: unknown,
  ) {
    super(
      `CheckpointMismatchError: ${file}: ${field} is ${JSON.stringify(found)} but this build expects ${JSON.stringify(expected)}`,
    );
    this.name = "CheckpointMismatchError";
  }
}

/** Unreadable, truncated or malformed checkpoint files. */
export class CheckpointCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`CheckpointCorruptError: ${file}: ${reason}`);
    this.name = "CheckpointCorruptError";
  }
}
