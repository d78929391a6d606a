/**
 * The batch commands' failure report (warm, extract, eval): every file that could not be used is
 * listed at the end with its reason, written to `<cache dir>/<command>-failures.tsv` (or
 * `--failures FILE`), and `--strict` turns any failure into exit code 1. The other files always
 * carry on.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { describeSkipped, type SkippedRow } from "./dataset-select.js";

export interface BatchFailure {
  path: string;
  reason: string;
}

export interface FailureFlags {
  strict?: boolean;
  failures?: string;
}

/** Default name of a command's failure list, inside the cache directory. */
export function failuresFileName(command: string): string {
  return `${command}-failures.tsv`;
}

/** Adds `--strict` and `--failures FILE` to a batch command. */
export function failureOptions(command: Command, name: string): Command {
  return command
    .option("--strict", "exit 1 when any file failed (missing audio and unknown labels included)")
    .option("--failures <file>", `where to write the failure list (default: <cache dir>/${failuresFileName(name)})`);
}

/** Label rows without a usable entry (missing audio, unknown label) as failures. */
export function skippedFailures(skipped: readonly SkippedRow[]): BatchFailure[] {
  return skipped.map((s) => ({ path: s.file, reason: describeSkipped(s) }));
}

/**
 * Write the failure list (always, so an empty file says "none failed"), print it to stderr, and set
 * exit code 1 under `--strict` when anything failed. Returns the list's path.
 */
export function reportFailures(name: string, failures: readonly BatchFailure[], flags: FailureFlags, cacheDir: string): string {
  const file = resolve(flags.failures ?? join(cacheDir, failuresFileName(name)));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `file\terror\n${failures.map((f) => `${f.path}\t${f.reason.replace(/[\t\n]/g, " ")}\n`).join("")}`);
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.length} file(s) failed (written to ${file}):\n${failures.map((f) => `  ${f.reason}\n`).join("")}`);
    if (flags.strict) process.exitCode = 1;
  }
  return file;
}
