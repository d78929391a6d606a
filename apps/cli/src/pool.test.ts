import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ForkPool, InProcessPool, PoolClosedError, TaskError, WorkerCrashedError } from "./pool.js";
import { runFiles } from "./run-files.js";

const ENTRY = new URL("./test-utils/echo-worker.mjs", import.meta.url);

describe("ForkPool", () => {
  it("runs requests on N workers and passes typed arrays and errors across", async () => {
    const pool = new ForkPool({ size: 2, entry: ENTRY });
    try {
      const results = await Promise.all(
        ["a", "b", "c", "d"].map((p) => pool.run<{ path: string; pid: number; values: Float32Array }>({ task: "echo", path: p, options: {} })),
      );
      expect(results.map((r) => r.path)).toEqual(["a", "b", "c", "d"]);
      expect(results[0]!.values).toBeInstanceOf(Float32Array);
      expect(new Set(results.map((r) => r.pid)).size).toBeLessThanOrEqual(2);
      expect(await pool.info).toEqual({ backend: "test" });
      const failure = await pool.run({ task: "fail", path: "x.wav", options: {} }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TaskError);
      expect((failure as TaskError).originalName).toBe("NotAudioError");
      expect((failure as Error).message).toBe("x.wav: not an audio file");
    } finally {
      await pool.close();
    }
  });

  it("replaces a worker that dies, retrying its file once, then reporting it failed", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "tactus-pool-")), "crashed");
    const pool = new ForkPool({ size: 1, entry: ENTRY });
    try {
      const retried = await pool.run<{ path: string }>({ task: "crash-once", path: "flaky.wav", options: { marker } });
      expect(retried.path).toBe("flaky.wav");
      const crashed = await pool.run({ task: "crash", path: "bad.wav", options: {} }).catch((e: unknown) => e);
      expect(crashed).toBeInstanceOf(WorkerCrashedError);
      expect((crashed as Error).message).toMatch(/bad\.wav: worker process died .*SIGKILL/);
      // The pool carries on with a fresh worker.
      expect((await pool.run<{ path: string }>({ task: "echo", path: "after.wav", options: {} })).path).toBe("after.wav");
    } finally {
      await pool.close();
    }
  });

  it("on close, rejects queued requests and kills workers past the grace period", async () => {
    const pool = new ForkPool({ size: 1, entry: ENTRY });
    const slow = pool.run({ task: "slow", path: "long.wav", options: { ms: 60_000 } }).catch((e: unknown) => e);
    const queued = pool.run({ task: "echo", path: "queued.wav", options: {} }).catch((e: unknown) => e);
    await pool.info;
    await pool.close(100);
    expect(await queued).toBeInstanceOf(PoolClosedError);
    expect(await slow).toBeInstanceOf(PoolClosedError);
  });
});

describe("runFiles", () => {
  it("reports successes and failures in process, one at a time", async () => {
    const pool = new InProcessPool(async ({ path }) => {
      if (path === "bad") throw new Error("bad: broken");
      return path.toUpperCase();
    });
    const seen: string[] = [];
    const run = await runFiles<string>(
      pool,
      ["a", "bad", "b"].map((path) => ({ task: "t", path, options: {} })),
      { onOutcome: (o) => seen.push(o.path) },
    );
    expect(seen).toEqual(["a", "bad", "b"]);
    expect(run.interrupted).toBe(false);
    const failed = run.outcomes.filter((o) => !o.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.ok === false && failed[0]!.error.message).toBe("bad: broken");
  });
});
