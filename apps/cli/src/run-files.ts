import { type Pool, PoolClosedError, type TaskRequest } from "./pool.js";

export type FileOutcome<R> =
  | { path: string; ok: true; result: R }
  | { path: string; ok: false; error: Error };

export interface RunFilesResult<R> {
  /** Finished files (successes and failures), in completion order. */
  outcomes: FileOutcome<R>[];
  /** Files not finished because the run was interrupted (queued, or abandoned mid-file). */
  notRun: string[];
  /** Of `notRun`, those abandoned mid-file (their worker was stopped). */
  abandoned: string[];
  /** SIGINT or SIGTERM arrived. */
  interrupted: boolean;
}

export interface RunFilesOptions<R> {
  /** Called as each file finishes. */
  onOutcome?: (outcome: FileOutcome<R>) => void;
  /** How long running files may take to finish after an interrupt (default 5 s). */
  graceMs?: number;
}

/**
 * Runs every request through `pool` and closes it. On SIGINT/SIGTERM: stop dispatching, let
 * running files finish for `graceMs`, kill the workers, and return what finished (a second
 * signal exits at once). Finished work is safe: the engine commits each file's entries when
 * that file finishes.
 */
export async function runFiles<R>(
  pool: Pool,
  requests: readonly TaskRequest[],
  { onOutcome, graceMs = 5000 }: RunFilesOptions<R> = {},
): Promise<RunFilesResult<R>> {
  const outcomes: FileOutcome<R>[] = [];
  const notRun: string[] = [];
  const abandoned: string[] = [];
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: finishing ${pool.inFlight} running file(s), then stopping (again to quit now)\n`);
    void pool.close(graceMs);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await Promise.all(
      requests.map((request) =>
        pool.run<R>(request).then(
          (result) => {
            const outcome: FileOutcome<R> = { path: request.path, ok: true, result };
            outcomes.push(outcome);
            onOutcome?.(outcome);
          },
          (error: Error) => {
            if (error instanceof PoolClosedError) {
              notRun.push(request.path);
              if (error.started) abandoned.push(request.path);
              return;
            }
            const outcome: FileOutcome<R> = { path: request.path, ok: false, error };
            outcomes.push(outcome);
            onOutcome?.(outcome);
          },
        ),
      ),
    );
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await pool.close(0);
  }
  return { outcomes, notRun, abandoned, interrupted };
}
