import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { clearFingerprintMemo, defineComponent } from "./components.js";
import { hashBytes } from "./hash.js";
import { keyFor } from "./keys.js";
import { openCache } from "./store.js";
import { useTempDirs } from "./test-utils/tmp.js";

// Helpers import the package compiled by src/test-utils/global-setup.ts.
const helper = (name: string) => fileURLToPath(new URL(`./test-utils/${name}`, import.meta.url));
const tempDir = useTempDirs();

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function spawnNode(script: string, args: string[]): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}

function componentSource(): string {
  const source = join(tempDir(), "component.js");
  writeFileSync(source, "export const component = 1;\n");
  clearFingerprintMemo();
  return source;
}

describe("several processes", () => {
  it("two writers of 1000 entries each, running at once, lose nothing", async () => {
    const dir = tempDir();
    const source = componentSource();
    const startAt = String(Date.now() + 400);
    const writers = ["a", "bb"].map((id) =>
      spawnNode(helper("writer.mjs"), [dir, source, id, "1000", startAt]),
    );
    for (const { exited } of writers) {
      const exit = await exited;
      expect(exit.stderr).toBe("");
      expect(exit.code).toBe(0);
    }

    const signal = defineComponent({ family: "signals", name: "conc", sources: [source] });
    const feature = defineComponent({ family: "features", name: "conc", sources: [source] });
    const cache = openCache({ dir, components: [signal, feature] });
    try {
      expect(cache.stats().entries).toBe(2000);
      for (const id of ["a", "bb"]) {
        for (let i = 0; i < 1000; i++) {
          const ah = hashBytes(new TextEncoder().encode(`${id}-${i}`));
          if (i % 2 === 0) {
            expect(cache.getJson(keyFor(signal, ah))).toEqual({ writer: id, i });
          } else {
            expect(Array.from(cache.getFloat32(keyFor(feature, ah)) ?? [])).toEqual([i, i + 0.5, -i, id.length]);
          }
        }
      }
    } finally {
      await cache.close();
    }
  });

  it("a writer killed with SIGKILL mid-run leaves a store whose every value decodes", async () => {
    const dir = tempDir();
    const source = componentSource();
    const { child, exited } = spawnNode(helper("kill-writer.mjs"), [dir, source]);
    let committed = -1;
    await new Promise<void>((resolve, reject) => {
      let pending = "";
      child.stdout!.setEncoding("utf8").on("data", (text: string) => {
        pending += text;
        const lines = pending.split("\n");
        pending = lines.pop()!;
        for (const line of lines) committed = Math.max(committed, Number(line));
        if (committed >= 150 && !child.killed) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      exited.then((exit) => reject(new Error(`writer exited early: ${exit.code} ${exit.stderr}`)));
    });
    const exit = await exited;
    expect(exit.signal).toBe("SIGKILL");

    const signal = defineComponent({ family: "signals", name: "kill", sources: [source] });
    const feature = defineComponent({ family: "features", name: "kill", sources: [source] });
    const cache = openCache({ dir, components: [signal, feature] });
    try {
      const signalIndices = new Set<number>();
      const featureIndices = new Set<number>();
      for (const { key, parsed, value } of cache.entries()) {
        expect(parsed, key).not.toBeNull();
        if (parsed!.family === "signals") {
          const { i, scores } = value as { i: number; scores: Record<string, number> };
          expect(parsed!.ah).toBe(hashBytes(new TextEncoder().encode(`kill-${i}`)));
          expect(scores).toEqual({ "3/4": i / 7, "4/4": 1 - i / 7 });
          signalIndices.add(i);
        } else {
          const values = value as Float32Array;
          expect(values.length).toBe(1449);
          const i = values[0]!;
          expect(parsed!.ah).toBe(hashBytes(new TextEncoder().encode(`kill-${i}`)));
          expect(values[1448]).toBe(Math.fround(i + 1448 / 1449));
          featureIndices.add(i);
        }
      }
      // Every batch reported committed survived, and batches are all-or-nothing.
      for (let i = 0; i <= committed; i++) expect(signalIndices.has(i), `batch ${i}`).toBe(true);
      expect([...featureIndices].sort((a, b) => a - b)).toEqual([...signalIndices].sort((a, b) => a - b));

      // The dead writer's lock is recovered: this process can still write.
      const key = keyFor(signal, "after-kill");
      await cache.putJson(key, { ok: true });
      expect(cache.getJson(key)).toEqual({ ok: true });
    } finally {
      await cache.close();
    }
  });
});
