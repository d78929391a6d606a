/**
 * Crash-safe promotion of a checkpoint directory to a model folder (`data/meter_net/` …). A kill
 * at any moment leaves the old model or the new one at `<model>`, never neither and never a mix:
 *
 *   1. copy the winner to `<model>.next.partial`, fsync every file and the folder
 *   2. rename `.next.partial` → `<model>.next`        (from here on `.next` is complete)
 *   3. rename `<model>.prev` → `<model>.prev.old`     (the older backup, dropped at the end)
 *   4. rename `<model>` → `<model>.prev`
 *   5. rename `<model>.next` → `<model>`
 *   6. delete `<model>.prev.old`
 *
 * with the parent folder fsynced after every rename, all under `<model>.promote.lock` (the pid of
 * the promoting process). {@link recoverModelDir} finishes or rolls back an interrupted run; the
 * engine calls it before it loads a model folder, the trainer's grid and eval before they touch one.
 * Here, next to the checkpoint format, so that the engine (which cannot depend on the trainer) can
 * recover; `@tactus/trainer` re-exports all of it.
 */
import { closeSync, cpSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { checkpointHashSync } from "./checkpoint.js";
import { CheckpointMismatchError } from "./errors.js";

/** The sibling paths a promotion of `target` uses. */
export interface PromotionPaths {
  target: string;
  /** Being copied; never complete by name. */
  staging: string;
  /** Complete and fsynced; renamed to `target` next. */
  next: string;
  prev: string;
  /** The backup `prev` held before this promotion, deleted once `target` holds the new model. */
  prevOld: string;
  lock: string;
}

export function promotionPaths(target: string, prev = `${resolve(target)}.prev`): PromotionPaths {
  const t = resolve(target);
  const p = resolve(prev);
  return { target: t, staging: `${t}.next.partial`, next: `${t}.next`, prev: p, prevOld: `${p}.old`, lock: `${t}.promote.lock` };
}

/** What {@link recoverModelDir} found and did. */
export interface RecoveryReport {
  target: string;
  /** "none": nothing interrupted; "busy": another live process is promoting, left alone. */
  action: "none" | "busy" | "rolled-forward" | "rolled-back" | "cleaned";
  notes: string[];
}

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync every file below `dir`, then the folders bottom-up, so the copy is on disk before it is named complete. */
function fsyncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(full);
    else if (entry.isFile()) fsyncPath(full);
  }
  fsyncPath(dir);
}

function renameDurably(from: string, to: string): void {
  renameSync(from, to);
  fsyncPath(dirname(to));
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** True when `dir` reads as a whole checkpoint (a checkpoint for another layout is still whole). */
function isWholeCheckpoint(dir: string): boolean {
  try {
    checkpointHashSync(dir);
    return true;
  } catch (error) {
    return error instanceof CheckpointMismatchError;
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the promotion lock of `paths`; null when a live process holds it. A dead holder's lock is taken over. */
function acquireLock(paths: PromotionPaths): (() => void) | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(paths.lock, "wx");
      writeSync(fd, `${process.pid}\n`);
      fsyncSync(fd);
      closeSync(fd);
      return () => rmSync(paths.lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(paths.lock, "utf8").trim());
      } catch {
        // vanished or unreadable: treated as stale
      }
      if (holder === process.pid || pidAlive(holder)) return null;
      try {
        unlinkSync(paths.lock);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
  }
  return null;
}

/** Recovery under a lock already held. */
function recoverLocked(paths: PromotionPaths): RecoveryReport {
  const notes: string[] = [];
  let action: RecoveryReport["action"] = "none";
  if (existsSync(paths.staging)) {
    rmSync(paths.staging, { recursive: true, force: true });
    notes.push(`deleted the incomplete copy ${basename(paths.staging)}`);
    action = "cleaned";
  }
  if (existsSync(paths.next)) {
    if (!isDir(paths.next) || !isWholeCheckpoint(paths.next)) {
      rmSync(paths.next, { recursive: true, force: true });
      notes.push(`deleted ${basename(paths.next)}: not a complete checkpoint`);
      action = "cleaned";
    } else if (!existsSync(paths.target)) {
      renameDurably(paths.next, paths.target);
      notes.push(`finished the interrupted promotion: ${basename(paths.next)} → ${basename(paths.target)}`);
      action = "rolled-forward";
    } else {
      // Killed before the current model moved: keep it; the promotion is redone by its command.
      rmSync(paths.next, { recursive: true, force: true });
      notes.push(`rolled back the interrupted promotion: kept ${basename(paths.target)}, deleted ${basename(paths.next)}`);
      action = "rolled-back";
    }
  }
  if (existsSync(paths.prevOld)) {
    if (existsSync(paths.prev)) rmSync(paths.prevOld, { recursive: true, force: true });
    else renameDurably(paths.prevOld, paths.prev);
    notes.push(`tidied ${basename(paths.prevOld)}`);
    if (action === "none") action = "cleaned";
  }
  return { target: paths.target, action, notes };
}

/**
 * Finishes or rolls back an interrupted promotion of the model folder `target`: an incomplete
 * `.next` (or `.next.partial`) is deleted; a complete `.next` is renamed in when `target` is
 * missing, and dropped when `target` is still there. Leaves everything alone while a live process
 * holds the promotion lock.
 */
export function recoverModelDir(target: string, prev?: string): RecoveryReport {
  const paths = promotionPaths(target, prev);
  const interrupted = [paths.staging, paths.next, paths.prevOld, paths.lock].some((p) => existsSync(p));
  if (!interrupted) return { target: paths.target, action: "none", notes: [] };
  const release = acquireLock(paths);
  if (!release) return { target: paths.target, action: "busy", notes: [`${basename(paths.lock)}: another process is promoting`] };
  try {
    return recoverLocked(paths);
  } finally {
    release();
  }
}

export class PromotionBusyError extends Error {
  override name = "PromotionBusyError";
}

/**
 * Copies the checkpoint folder `checkpoint` to `target` by the crash-safe sequence above, keeping
 * the model it replaces at `prev`; false when `target` already holds the same weights.
 * `afterStep` (tests) is called after each numbered step.
 */
export function promoteCheckpoint(checkpoint: string, target: string, prev?: string, afterStep?: (step: number) => void): boolean {
  const paths = promotionPaths(target, prev);
  const release = acquireLock(paths);
  if (!release) throw new PromotionBusyError(`${paths.target}: another process is promoting (${paths.lock})`);
  try {
    recoverLocked(paths);
    if (existsSync(paths.target)) {
      try {
        if (checkpointHashSync(paths.target) === checkpointHashSync(checkpoint)) return false;
      } catch {
        // an unreadable current model is replaced
      }
    }
    cpSync(checkpoint, paths.staging, { recursive: true });
    fsyncTree(paths.staging);
    afterStep?.(1);
    renameDurably(paths.staging, paths.next);
    afterStep?.(2);
    if (existsSync(paths.prev)) renameDurably(paths.prev, paths.prevOld);
    afterStep?.(3);
    if (existsSync(paths.target)) renameDurably(paths.target, paths.prev);
    afterStep?.(4);
    renameDurably(paths.next, paths.target);
    afterStep?.(5);
    rmSync(paths.prevOld, { recursive: true, force: true });
    afterStep?.(6);
    return true;
  } finally {
    release();
  }
}
