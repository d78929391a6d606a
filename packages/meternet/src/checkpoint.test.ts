import { mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FEATURE_LENGTH, LAYOUT_ID } from "@tactus/features";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend.js";
import { checkpointHash, checkpointHashSync, loadCheckpoint, META_FILE, MODEL_FILE, STANDARDISATION_FILE, saveCheckpoint, WEIGHTS_FILE } from "./checkpoint.js";
import { CheckpointCorruptError, CheckpointMismatchError, CheckpointNotFoundError } from "./errors.js";
import { inputLayout } from "./inputs.js";
import { createModel, disposeModel, type Model, predict, setStandardisation } from "./models.js";
import { createRng } from "./rng.js";

let root: string;
beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(path.join(tmpdir(), "meternet-ckpt-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const provenance = { command: "tactus train --hidden 16", dataset: "synthetic test rows", codeRevision: "test" };

function randomRows(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * d }, () => rng.next() * 4 - 2);
}

function smallMeterNet(seed = 1): Model {
  const model = createModel("meternet", { hidden: 16 }, seed);
  const rng = createRng(seed + 100);
  setStandardisation(model, {
    mean: Float32Array.from({ length: FEATURE_LENGTH }, () => rng.next() - 0.5),
    std: Float32Array.from({ length: FEATURE_LENGTH }, (_, i) => (i % 97 === 0 ? 0 : 0.5 + rng.next())),
  });
  return model;
}

async function saved(name: string, model = smallMeterNet()): Promise<string> {
  const dir = path.join(root, name);
  await saveCheckpoint(dir, model, { provenance, validationMetrics: { balancedAccuracy: 0.5 }, hyperParameters: { learningRate: 8e-4 } });
  disposeModel(model);
  return dir;
}

async function editJson(file: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = JSON.parse(await readFile(file, "utf8"));
  edit(json);
  await writeFile(file, JSON.stringify(json));
}

describe("checkpoint round trip", () => {
  it("save → load gives identical predictions, metadata and a stable content hash", async () => {
    const model = smallMeterNet();
    const rows = randomRows(5, FEATURE_LENGTH, 3);
    const before = predict(model, rows, 5);
    const dir = path.join(root, "roundtrip");
    const meta = await saveCheckpoint(dir, model, { provenance, validationMetrics: { balancedAccuracy: 0.75 } });
    expect(meta.featureLayoutId).toBe(LAYOUT_ID);
    expect((await readdir(dir)).sort()).toEqual([META_FILE, MODEL_FILE, STANDARDISATION_FILE, WEIGHTS_FILE].sort());

    const loaded = await loadCheckpoint(dir, "meternet");
    expect(Array.from(predict(loaded.model, rows, 5))).toEqual(Array.from(before));
    expect(loaded.meta).toMatchObject({
      format: "tactus-meternet/1",
      model: "meternet",
      classes: [3, 4, 5, 7, 9, 11],
      inputLength: FEATURE_LENGTH,
      hyperParameters: { hidden: 16, nBlocks: 1, dropoutScale: 1, bottleneck: 0 },
      validationMetrics: { balancedAccuracy: 0.75 },
      provenance,
    });
    expect(loaded.model.standardisation.std[0]).toBe(1); // std 0 stored floored
    expect(loaded.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(await checkpointHash(dir)).toBe(loaded.hash);
    expect(checkpointHashSync(dir)).toBe(loaded.hash); // one code path, sync and async

    // Overwriting is atomic (no temp directories left) and changes the hash with the weights.
    await saveCheckpoint(dir, loaded.model, { provenance, validationMetrics: { balancedAccuracy: 0.9 } });
    expect(await checkpointHash(dir)).toBe(loaded.hash); // metrics are not part of the hash
    const other = smallMeterNet(2);
    await saveCheckpoint(dir, other, { provenance });
    expect(await checkpointHash(dir)).not.toBe(loaded.hash);
    expect((await readdir(root)).filter((n) => n.startsWith("."))).toEqual([]);
    disposeModel(model);
    disposeModel(loaded.model);
    disposeModel(other);
  });

  it("round-trips the Arbiter and the onset-MLP", async () => {
    for (const kind of ["arbiter", "onset-mlp"] as const) {
      const model = createModel(kind, { hidden: 8 }, 5);
      const { length } = inputLayout(kind);
      const rows = randomRows(3, length, 4);
      const before = predict(model, rows, 3);
      const dir = await saved(`rt-${kind}`, model);
      const loaded = await loadCheckpoint(dir);
      expect(loaded.meta.model).toBe(kind);
      expect(loaded.meta.inputLength).toBe(length);
      expect(Array.from(predict(loaded.model, rows, 3))).toEqual(Array.from(before));
      await expect(loadCheckpoint(dir, "meternet")).rejects.toThrow(/model is "\S+" but this build expects "meternet"/);
      disposeModel(loaded.model);
    }
  });
});

describe("checkpoint validation", () => {
  it("a missing checkpoint is CheckpointNotFoundError", async () => {
    await expect(loadCheckpoint(path.join(root, "nothing-here"))).rejects.toBeInstanceOf(CheckpointNotFoundError);
    await expect(checkpointHash(path.join(root, "nothing-here"))).rejects.toBeInstanceOf(CheckpointNotFoundError);
    expect(() => checkpointHashSync(path.join(root, "nothing-here"))).toThrow(CheckpointNotFoundError);
  });

  it("a different feature layout id is a mismatch naming the file and both ids", async () => {
    const dir = await saved("layout");
    await editJson(path.join(dir, META_FILE), (m) => {
      m.featureLayoutId = "tactus-mn-deadbeef";
    });
    const error = await loadCheckpoint(dir).catch((e) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect(error.message).toContain(path.join(dir, META_FILE));
    expect(error.message).toContain('"tactus-mn-deadbeef"');
    expect(error.message).toContain(`"${LAYOUT_ID}"`);
  });

  it("other classes or another input length are mismatches with both values", async () => {
    const dir = await saved("classes");
    await editJson(path.join(dir, META_FILE), (m) => {
      m.classes = [3, 4, 5, 7];
    });
    await expect(loadCheckpoint(dir)).rejects.toThrow(/classes is \[3,4,5,7\] but this build expects \[3,4,5,7,9,11\]/);

    const dir2 = await saved("length");
    await editJson(path.join(dir2, META_FILE), (m) => {
      m.inputLength = 1626;
    });
    const error = await loadCheckpoint(dir2).catch((e) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect(error.message).toMatch(new RegExp(`meta\\.json: inputLength is 1626 but this build expects ${FEATURE_LENGTH}`));
  });

  it("truncated weights or standardisation are CheckpointCorruptError naming the file and sizes", async () => {
    const dir = await saved("truncated");
    const weights = path.join(dir, WEIGHTS_FILE);
    const full = (await readFile(weights)).byteLength;
    await truncate(weights, full - 10);
    const error = await loadCheckpoint(dir).catch((e) => e);
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect(error.message).toContain(weights);
    expect(error.message).toContain(`${full - 10} bytes of weights, the manifest needs ${full}`);
    await expect(checkpointHash(dir)).rejects.toBeInstanceOf(CheckpointCorruptError);
    expect(() => checkpointHashSync(dir)).toThrow(CheckpointCorruptError);

    const dir2 = await saved("truncated-std");
    await truncate(path.join(dir2, STANDARDISATION_FILE), 100);
    await expect(loadCheckpoint(dir2)).rejects.toThrow(/standardisation\.bin: 100 bytes, expected 13040/);
  });

  it("malformed JSON, unknown layers, foreign paths and wrong shapes are corrupt, never executed", async () => {
    const dir = await saved("malformed");
    await writeFile(path.join(dir, META_FILE), "{ not json");
    await expect(loadCheckpoint(dir)).rejects.toThrow(/CheckpointCorruptError: .*meta\.json: not valid JSON/);

    const cases: [string, (m: Record<string, unknown>) => void, RegExp][] = [
      ["layer", (m) => ((m.modelTopology as { layers: unknown[] }).layers[0] = { type: "lambda", code: "process.exit(1)" }), /type must be one of/],
      ["path", (m) => ((m.weightsManifest as { paths: string[] }[])[0]!.paths = ["../../etc/passwd"]), /paths must be a list of file names/],
      [
        "shape",
        (m) => ((m.weightsManifest as { weights: { shape: number[] }[] }[])[0]!.weights[0]!.shape = [1630, 17]),
        /weight input_proj\/dense\/kernel has shape \[1630,17\], the architecture needs \[1630,16\]/,
      ],
    ];
    for (const [name, edit, message] of cases) {
      const d = await saved(`bad-${name}`);
      await editJson(path.join(d, MODEL_FILE), edit);
      const error = await loadCheckpoint(d).catch((e) => e);
      expect(error).toBeInstanceOf(CheckpointCorruptError);
      expect(error.message).toContain(path.join(d, MODEL_FILE));
      expect(error.message).toMatch(message);
    }
  });

  it("meta.json with wrong types, missing fields or absurd values is corrupt, naming the file and the field", async () => {
    const cases: [string, (m: Record<string, unknown>) => void, RegExp][] = [
      ["no-model", (m) => delete m.model, /model must be one of meternet, arbiter, onset-mlp, got nothing/],
      ["classes-string", (m) => (m.classes = "3,4,5,7,9,11"), /classes must be an array of numbers/],
      ["negative-length", (m) => (m.inputLength = -1630), /inputLength must be a positive integer, got -1630/],
      ["fractional-length", (m) => (m.inputLength = 1630.5), /inputLength must be a positive integer/],
      ["std-path", (m) => ((m.standardisation as { file: string }).file = "../weights.bin"), /file must be a file name, got "\.\.\/weights\.bin"/],
      ["std-huge", (m) => ((m.standardisation as { length: number }).length = 1e9), /standardisation\.length 1000000000 differs from inputLength/],
      ["hyper-object", (m) => (m.hyperParameters = { hidden: { $exec: "rm -rf /" } }), /hyperParameters must be an object of numbers, strings and booleans/],
      ["no-provenance", (m) => delete m.provenance, /provenance must be an object/],
    ];
    for (const [name, edit, message] of cases) {
      const d = await saved(`meta-${name}`);
      await editJson(path.join(d, META_FILE), edit);
      const error = await loadCheckpoint(d).catch((e) => e);
      expect(error, name).toBeInstanceOf(CheckpointCorruptError);
      expect(error.message).toContain(path.join(d, META_FILE));
      expect(error.message).toMatch(message);
    }
  });

  it("refuses oversized JSON, endless layer lists and files that are not regular files before reading them", async () => {
    const big = await saved("meta-oversized");
    const meta = await readFile(path.join(big, META_FILE), "utf8");
    await writeFile(path.join(big, META_FILE), meta.replace("{", `{${" ".repeat(5 << 20)}`));
    await expect(loadCheckpoint(big)).rejects.toThrow(/meta\.json: \d+ bytes, more than the 4194304 it may hold/);

    const deep = await saved("many-layers");
    await editJson(path.join(deep, MODEL_FILE), (m) => {
      const topology = m.modelTopology as { layers: unknown[] };
      topology.layers = [...topology.layers, ...Array.from({ length: 300 }, () => ({ type: "relu" }))];
    });
    await expect(loadCheckpoint(deep)).rejects.toThrow(/model\.json: layers must be a non-empty array of at most 256 layers/);

    // A symlink to a device would read forever (/dev/zero) or block (a FIFO).
    const device = await saved("device");
    await rm(path.join(device, WEIGHTS_FILE));
    await symlink("/dev/zero", path.join(device, WEIGHTS_FILE));
    const error = await loadCheckpoint(device).catch((e) => e);
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect(error.message).toBe(`CheckpointCorruptError: ${path.join(device, WEIGHTS_FILE)}: not a regular file`);

    // A weights file longer than the manifest says is refused by size, before it is read.
    const long = await saved("long-weights");
    const weights = path.join(long, WEIGHTS_FILE);
    const size = (await readFile(weights)).byteLength;
    await truncate(weights, size + 4096);
    await expect(loadCheckpoint(long)).rejects.toThrow(`${weights}: ${size + 4096} bytes, more than the ${size} it may hold`);
  });
});
