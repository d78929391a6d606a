import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BACKEND_ENV_VAR, backendName, initBackend } from "./backend.js";

/** Whether tfjs-node's native addon was built on this machine (it is not here: no internet). */
function tfjsNodeBuilt(): boolean {
  try {
    const pkg = createRequire(import.meta.url).resolve("@tensorflow/tfjs-node/package.json");
    return ["napi-v8", "napi-v9"].some((v) => existsSync(path.join(path.dirname(pkg), "lib", v, "tfjs_binding.node")));
  } catch {
    return false;
  }
}

describe("initBackend", () => {
  const saved = process.env[BACKEND_ENV_VAR];
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = saved;
  });

  it("falls back from tfjs-node to wasm, says why, and is memoised", async () => {
    delete process.env[BACKEND_ENV_VAR];
    const backend = await initBackend();
    if (tfjsNodeBuilt()) {
      expect(backend.name).toBe("node");
      return;
    }
    expect(backend.name).toBe("wasm");
    expect(backend.tfjsName).toBe("wasm");
    expect(backend.tf.getBackend()).toBe("wasm");
    expect(backend.skipped[0]).toMatch(/^node: /);
    expect(backend.threads).toBe(1);
    expect(backendName()).toBe("wasm");
    expect(await initBackend()).toBe(backend);
  });

  it("can be forced to cpu by option or environment, and computes there", async () => {
    const cpu = await initBackend({ prefer: "cpu" });
    expect(cpu.name).toBe("cpu");
    expect(cpu.tf.getBackend()).toBe("cpu");
    expect(Array.from(cpu.tf.add(cpu.tf.tensor1d([1, 2]), 1).dataSync())).toEqual([2, 3]);

    process.env[BACKEND_ENV_VAR] = "wasm";
    expect((await initBackend()).name).toBe("wasm");
    process.env[BACKEND_ENV_VAR] = "cpu";
    expect((await initBackend()).name).toBe("cpu");
    expect(backendName()).toBe("cpu");
  });

  it("rejects an unknown backend name in the environment", () => {
    process.env[BACKEND_ENV_VAR] = "gpu";
    expect(() => initBackend()).toThrow(/TACTUS_TF_BACKEND=gpu: unknown backend/);
  });
});
