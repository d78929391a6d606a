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
