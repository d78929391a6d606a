/** An error whose message is meant for the user as it is (no stack trace). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Print an error the way every command does and set a non-zero exit code. */
export function reportError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tactus: ${message}\n`);
  if (process.env.TACTUS_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = 1;
}

/**
 * One line for a file that failed: the error class and its message, which names the file
 * (`NotAudioError: song.xyz: not an audio file`); the path is prefixed when the message lacks it.
 */
export function describeFailure(path: string, error: Error): string {
  const name = (error as { originalName?: string }).originalName ?? error.name;
  const message = error.message.includes(path) ? error.message : `${path}: ${error.message}`;
  return name && name !== "Error" && name !== "TaskError" ? `${name}: ${message}` : message;
}
