/** Atomic file and directory replacement: a reader sees the old or the new version, never a half-written one. */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

function tmpSibling(target: string, what: string): string {
  return join(dirname(target), `.${basename(target)}.${what}-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** Writes `data` to a temporary sibling, then renames it over `target`. */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = tmpSibling(target, "tmp");
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Puts the finished directory `ready` at `target`, keeping the previous `target` as `prev`
 * (the older `prev` is dropped). Both steps are renames; `ready` must be on the same filesystem.
 */
export function swapDirectory(ready: string, target: string, prev: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const hadTarget = existsSync(target);
  if (hadTarget) {
    const oldPrev = existsSync(prev) ? tmpSibling(prev, "old") : null;
    if (oldPrev) renameSync(prev, oldPrev);
    renameSync(target, prev);
    renameSync(ready, target);
    if (oldPrev) rmSync(oldPrev, { recursive: true, force: true });
  } else {
    renameSync(ready, target);
  }
}

/** A temporary sibling directory name of `target` (same filesystem, so it can be renamed into place). */
export function tmpDirFor(target: string): string {
  return tmpSibling(target, "tmp");
}
