import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointHash, createModel, initBackend, promoteCheckpoint, promotionPaths, recoverModelDir, saveCheckpoint, WEIGHTS_FILE } from "@tactus/meternet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataPaths } from "./paths.js";
import { recoverPromotion } from "./promotion.js";

let root: string;
let hashA: string;
let hashB: string;
const A = () => join(root, "ckpt-a");
const B = () => join(root, "ckpt-b");
const P = () => join(root, "ckpt-p");

/** A pid that is certainly not running: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

class Killed extends Error {}

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), "promotion-"));
  const save = (dir: string, seed: number) =>
    saveCheckpoint(dir, createModel("arbiter", { hidden: 8 }, seed), { provenance: { command: "test", dataset: "none", codeRevision: "test" } });
  await save(A(), 1);
  await save(B(), 2);
  await save(P(), 3);
  hashA = await checkpointHash(A());
  hashB = await checkpointHash(B());
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A fresh data root whose model folder holds A (and P as the previous one). */
function freshRoot(name: string): { target: string; prev: string } {
  const { model, modelPrev } = dataPaths(join(root, name));
  mkdirSync(join(root, name), { recursive: true });
  promoteCheckpoint(P(), model, modelPrev);
  promoteCheckpoint(A(), model, modelPrev);
  return { target: model, prev: modelPrev };
}

/** Runs a promotion of B that is killed right after `step` (the lock stays behind, held by a dead pid). */
function killedAfter(step: number, target: string, prev: string): void {
  expect(() =>
    promoteCheckpoint(B(), target, prev, (s) => {
      if (s === step) throw new Killed(`killed after step ${s}`);
    }),
  ).toThrow(Killed);
  writeFileSync(promotionPaths(target, prev).lock, `${deadPid()}\n`);
}

const hashOf = (dir: string) => checkpointHash(dir);

describe("crash-safe promotion", () => {
  it("promotes, keeps the previous model, and cleans up after itself", async () => {
    const { target, prev } = freshRoot("plain");
    expect(await hashOf(target)).toBe(hashA);
    expect(promoteCheckpoint(B(), target, prev)).toBe(true);
    expect(await hashOf(target)).toBe(hashB);
    expect(await hashOf(prev)).toBe(hashA);
    expect(promoteCheckpoint(B(), target, prev)).toBe(false);
    expect(readdirSync(join(root, "plain")).sort()).toEqual(["meter_net", "meter_net.prev"]);
  });

  // After each step a kill leaves the old model (A) or the new one (B) once recovered, never neither.
  const expected: Record<number, { model: "A" | "B"; action: string }> = {
    1: { model: "A", action: "cleaned" }, // copy incomplete: .next.partial deleted
    2: { model: "A", action: "rolled-back" }, // .next complete, current untouched
    3: { model: "A", action: "rolled-back" }, // old backup moved aside
    4: { model: "B", action: "rolled-forward" }, // current moved to .prev: .next renamed in
    5: { model: "B", action: "cleaned" }, // only the old backup is left to delete
  };
  for (const [step, want] of Object.entries(expected)) {
    it(`recovers a promotion killed after step ${step}: ${want.model}`, async () => {
      const name = `killed-${step}`;
      const { target, prev } = freshRoot(name);
      killedAfter(Number(step), target, prev);
      if (Number(step) === 4) expect(existsSync(target)).toBe(false); // the moment the old code lost the model
      const reports = recoverPromotion(join(root, name));
      expect(reports.find((r) => r.target === target)!.action).toBe(want.action);
      expect(await hashOf(target)).toBe(want.model === "A" ? hashA : hashB);
      // The backup is a whole model too: the one replaced (B promoted) or the one from before (A kept).
      expect(await hashOf(prev)).toBe(want.model === "A" ? await hashOf(P()) : hashA);
      expect(readdirSync(join(root, name)).sort()).toEqual(["meter_net", "meter_net.prev"]);
      expect(recoverModelDir(target, prev).action).toBe("none");
      // The promotion is redone cleanly afterwards.
      expect(promoteCheckpoint(B(), target, prev)).toBe(want.model === "A");
      expect(await hashOf(target)).toBe(hashB);
    });
  }

  it("deletes an incomplete .next instead of renaming it in", async () => {
    const { target, prev } = freshRoot("incomplete-next");
    const paths = promotionPaths(target, prev);
    // Current missing and a .next with truncated weights: not whole, so it is never renamed in.
    rmSync(target, { recursive: true });
    cpSync(B(), paths.next, { recursive: true });
    truncateSync(join(paths.next, WEIGHTS_FILE), 8);
    const report = recoverModelDir(target, prev);
    expect(report.action).toBe("cleaned");
    expect(report.notes.join(" ")).toContain("not a complete checkpoint");
    expect(existsSync(paths.next)).toBe(false);
    expect(await hashOf(prev)).toBe(await hashOf(P()));
  });

  it("renames a complete .next in when the model folder is missing (first promotion killed)", async () => {
    const dir = join(root, "first");
    mkdirSync(dir);
    const { model, modelPrev } = dataPaths(dir);
    killedAfter(2, model, modelPrev);
    expect(existsSync(model)).toBe(false);
    expect(recoverModelDir(model, modelPrev).action).toBe("rolled-forward");
    expect(await hashOf(model)).toBe(hashB);
    expect(existsSync(modelPrev)).toBe(false);
  });

  it("leaves a promotion alone while its process is alive", async () => {
    const { target, prev } = freshRoot("busy");
    const paths = promotionPaths(target, prev);
    mkdirSync(paths.staging);
    writeFileSync(paths.lock, `${process.ppid}\n`);
    expect(recoverModelDir(target, prev).action).toBe("busy");
    expect(existsSync(paths.staging)).toBe(true);
    expect(() => promoteCheckpoint(B(), target, prev)).toThrow(/another process is promoting/);
    rmSync(paths.lock);
    expect(recoverModelDir(target, prev).action).toBe("cleaned");
    expect(await hashOf(target)).toBe(hashA);
  });
});
