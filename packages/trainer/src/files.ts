/** Atomic file replacement: a reader sees the old or the new version, never a half-written one (folders: promotion.ts). */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative } from "node:path";

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

/** `path` relative to the working directory when it lies inside it (portable provenance), else as given. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}
