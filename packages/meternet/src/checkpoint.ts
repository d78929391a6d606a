/**
 * Checkpoint directories (ARCHITECTURE.md decision 8):
 *
 *   model.json            TF.js model JSON: modelTopology (our architecture) + weightsManifest
 *   weights.bin           float32 little-endian weights, in manifest order
 *   standardisation.bin   float32 little-endian: mean[inputLength], then std[inputLength]
 *   meta.json             format, model kind, classes, feature layout id and length,
 *                         hyper-parameters, validation metrics, provenance
 *
 * Written into a temporary sibling directory and renamed into place. Loading parses JSON only
 * and checks every field by hand; nothing from a checkpoint is executed.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { METER_CLASSES } from "@tactus/signals";
import * as tf from "@tensorflow/tfjs-core";
import xxhash from "xxhash-wasm";
import { CheckpointCorruptError, CheckpointMismatchError, CheckpointNotFoundError } from "./errors.js";
import { inputLayout, isModelKind, type ModelKind } from "./inputs.js";
import {
  type Architecture,
  DEFAULT_HYPER_PARAMETERS,
  type HyperParameters,
  type Layer,
  type Model,
  modelFromWeights,
  weightSpecs,
  weightValues,
} from "./models.js";

export const CHECKPOINT_FORMAT = "tactus-meternet/1";
/** `format` of model.json (a TF.js ModelJSON whose topology is our layer list, not a Keras graph). */
export const MODEL_JSON_FORMAT = "tactus-mlp";

export const MODEL_FILE = "model.json";
export const WEIGHTS_FILE = "weights.bin";
export const STANDARDISATION_FILE = "standardisation.bin";
export const META_FILE = "meta.json";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Provenance {
  /** The command line that produced the checkpoint. */
  command: string;
  /** Dataset description (path, split, layout id …). */
  dataset: string;
  /** Git revision (with a dirty marker when relevant). */
  codeRevision: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  model: ModelKind;
  classes: number[];
  featureLayoutId: string;
  inputLength: number;
  standardisation: { file: string; dtype: "float32"; length: number };
  hyperParameters: Record<string, number | string | boolean>;
  validationMetrics: Record<string, JsonValue>;
  provenance: Provenance;
}

export interface SaveCheckpointInfo {
  /** Training hyper-parameters to record next to the architecture's own. */
  hyperParameters?: Record<string, number | string | boolean>;
  validationMetrics?: Record<string, JsonValue>;
  provenance: Omit<Provenance, "createdAt"> & { createdAt?: string };
}

export interface LoadedCheckpoint {
  readonly dir: string;
  readonly model: Model;
  readonly meta: CheckpointMeta;
  /** {@link checkpointHash} of the directory. */
  readonly hash: string;
}

// ---------------------------------------------------------------------------------------------
// Save

/** Writes `model` as a checkpoint directory at `dir`, replacing any previous one atomically. */
export async function saveCheckpoint(dir: string, model: Model, info: SaveCheckpointInfo): Promise<CheckpointMeta> {
  const { architecture } = model;
  const values = weightValues(model);
  const specs = weightSpecs(architecture);
  const weightData = concatFloat32(specs.map((s) => values.get(s.name)!));
  const standardisation = concatFloat32([model.standardisation.mean, model.standardisation.std]);
  const layout = inputLayout(model.kind);
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    model: model.kind,
    classes: [...METER_CLASSES],
    featureLayoutId: layout.id,
    inputLength: architecture.inputLength,
    standardisation: { file: STANDARDISATION_FILE, dtype: "float32", length: architecture.inputLength },
    hyperParameters: { ...model.hyperParameters, ...info.hyperParameters },
    validationMetrics: info.validationMetrics ?? {},
    provenance: { ...info.provenance, createdAt: info.provenance.createdAt ?? new Date().toISOString() },
  };
  validateMeta(meta, META_FILE);

  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmp = path.join(parent, `.${path.basename(target)}.tmp-${tag}`);
  await mkdir(tmp, { recursive: true });
  try {
    // The TF.js IO route: a save handler receives the model artifacts and writes files with fs.
    const handler = tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      };
      await writeFile(path.join(tmp, MODEL_FILE), JSON.stringify(modelJson, null, 1));
      await writeFile(path.join(tmp, WEIGHTS_FILE), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    });
    await handler.save!({
      format: MODEL_JSON_FORMAT,
      generatedBy: "@tactus/meternet",
      modelTopology: architecture as unknown as tf.io.ModelArtifacts["modelTopology"],
      weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: "float32" as const })),
      weightData: weightData.buffer as ArrayBuffer,
    });
    await writeFile(path.join(tmp, STANDARDISATION_FILE), new Uint8Array(standardisation.buffer));
    await writeFile(path.join(tmp, META_FILE), JSON.stringify(meta, null, 2) + "\n");
    await replaceDirectory(tmp, target, tag);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  return meta;
}

async function replaceDirectory(tmp: string, target: string, tag: string): Promise<void> {
  const old = path.join(path.dirname(target), `.${path.basename(target)}.old-${tag}`);
  let moved = false;
  try {
    await rename(target, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await rename(tmp, target);
  if (moved) await rm(old, { recursive: true, force: true });
}

function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Load

/**
 * Loads and validates a checkpoint directory. Throws {@link CheckpointNotFoundError} when there
 * is none, {@link CheckpointMismatchError} when it was made for other classes or another feature
 * layout, {@link CheckpointCorruptError} for anything unreadable, truncated or malformed.
 * `expectedKind` additionally requires a model kind.
 */
export async function loadCheckpoint(dir: string, expectedKind?: ModelKind): Promise<LoadedCheckpoint> {
  const files = readCheckpointFiles(dir);
  const { meta, architecture, metaFile } = files;
  if (expectedKind !== undefined && meta.model !== expectedKind) {
    throw new CheckpointMismatchError(metaFile, "model", meta.model, expectedKind);
  }
  const standardisation = {
    mean: files.standardisation.subarray(0, meta.inputLength),
    std: files.standardisation.subarray(meta.inputLength),
  };
  const hyperParameters = { ...DEFAULT_HYPER_PARAMETERS[meta.model] };
  for (const key of Object.keys(hyperParameters) as (keyof HyperParameters)[]) {
    const value = meta.hyperParameters[key];
    if (typeof value === "number") hyperParameters[key] = value;
  }
  const model = modelFromWeights(architecture, hyperParameters, files.weights, standardisation);
  return { dir: path.resolve(dir), model, meta, hash: hashFiles(files.hashed) };
}

/**
 * Content hash (xxhash64, hex) of everything that decides a checkpoint's predictions: model.json,
 * the weight files, the standardisation, and meta's kind, classes, layout id and length (not its
 * metrics or provenance). For cache keys of model-dependent entries (decision 2). The same code
 * as {@link checkpointHashSync} (and `LoadedCheckpoint.hash`); rejects with the same errors.
 */
export async function checkpointHash(dir: string): Promise<string> {
  return checkpointHashSync(dir);
}

/**
 * {@link checkpointHash}, synchronously: for callers that build cache components synchronously
 * (the engine's `signals:onset_mlp` key). The checkpoint is read and validated exactly as
 * `loadCheckpoint` does: throws {@link CheckpointNotFoundError} without meta.json,
 * {@link CheckpointMismatchError} / {@link CheckpointCorruptError} as loading would.
 */
export function checkpointHashSync(dir: string): string {
  return hashFiles(readCheckpointFiles(dir).hashed);
}

interface CheckpointFiles {
  metaFile: string;
  meta: CheckpointMeta;
  architecture: Architecture;
  weights: Map<string, Float32Array>;
  standardisation: Float32Array;
  hashed: { name: string; bytes: Uint8Array }[];
}

/** Reads and validates a checkpoint directory (synchronous: a few small files, and one code path for every caller). */
function readCheckpointFiles(dir: string): CheckpointFiles {
  const root = path.resolve(dir);
  const metaFile = path.join(root, META_FILE);
  const metaBytes = readRequired(metaFile, MAX_JSON_BYTES, () => new CheckpointNotFoundError(metaFile));
  const meta = validateMeta(parseJson(metaBytes, metaFile), metaFile);

  const modelFile = path.join(root, MODEL_FILE);
  const modelBytes = readRequired(modelFile, MAX_JSON_BYTES);
  const modelJson = parseJson(modelBytes, modelFile);
  const { architecture, manifest } = validateModelJson(modelJson, modelFile);
  if (architecture.kind !== meta.model) {
    throw new CheckpointCorruptError(modelFile, `architecture is a ${architecture.kind} but ${META_FILE} says ${meta.model}`);
  }
  if (architecture.inputLength !== meta.inputLength) {
    throw new CheckpointCorruptError(modelFile, `input length ${architecture.inputLength} but ${META_FILE} says ${meta.inputLength}`);
  }

  const hashed: { name: string; bytes: Uint8Array }[] = [{ name: MODEL_FILE, bytes: modelBytes }];
  const weights = new Map<string, Float32Array>();
  for (const group of manifest) {
    const chunks: Uint8Array[] = [];
    const groupBytes = group.weights.reduce((n, w) => n + 4 * w.size, 0);
    for (const name of group.paths) {
      const bytes = readRequired(path.join(root, name), groupBytes);
      chunks.push(bytes);
      hashed.push({ name, bytes });
    }
    const groupFile = path.join(root, group.paths.join("+"));
    const data = concatBytes(chunks);
    const expectedBytes = group.weights.reduce((n, w) => n + 4 * w.size, 0);
    if (data.byteLength !== expectedBytes) {
      throw new CheckpointCorruptError(groupFile, `${data.byteLength} bytes of weights, the manifest needs ${expectedBytes} (truncated or wrong file)`);
    }
    let offset = 0;
    for (const w of group.weights) {
      const values = new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + 4 * w.size));
      offset += 4 * w.size;
      if (!values.every(Number.isFinite)) throw new CheckpointCorruptError(groupFile, `weight ${w.name} has non-finite values`);
      weights.set(w.name, values);
    }
  }

  const standardisationFile = path.join(root, meta.standardisation.file);
  const expectedBytes = 2 * 4 * meta.standardisation.length;
  const standardisationBytes = readRequired(standardisationFile, expectedBytes);
  if (standardisationBytes.byteLength !== expectedBytes) {
    throw new CheckpointCorruptError(
      standardisationFile,
      `${standardisationBytes.byteLength} bytes, expected ${expectedBytes} (mean and std of ${meta.standardisation.length} columns)`,
    );
  }
  const standardisation = new Float32Array(
    standardisationBytes.buffer.slice(standardisationBytes.byteOffset, standardisationBytes.byteOffset + expectedBytes),
  );
  if (!standardisation.every(Number.isFinite)) throw new CheckpointCorruptError(standardisationFile, "non-finite mean or std");
  hashed.push({ name: meta.standardisation.file, bytes: standardisationBytes });
  const predictive = { model: meta.model, classes: meta.classes, featureLayoutId: meta.featureLayoutId, inputLength: meta.inputLength };
  hashed.push({ name: META_FILE, bytes: new TextEncoder().encode(JSON.stringify(predictive)) });
  return { metaFile, meta, architecture, weights, standardisation, hashed };
}

/** meta.json and model.json: far above what a checkpoint holds (a few KB), far below trouble. */
const MAX_JSON_BYTES = 4 << 20;

/**
 * Reads one checkpoint file: a regular file (a symlink to one is fine; a device, FIFO or folder is
 * refused before reading, so `weights.bin → /dev/zero` cannot hang or exhaust memory) of at most
 * `maxBytes` (more cannot be what the manifest or meta.json describes).
 */
function readRequired(file: string, maxBytes: number, missing: () => Error = () => new CheckpointCorruptError(file, "missing")): Buffer {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new CheckpointCorruptError(file, "not a regular file");
    if (stat.size > maxBytes) throw new CheckpointCorruptError(file, `${stat.size} bytes, more than the ${maxBytes} it may hold`);
    return readFileSync(file);
  } catch (error) {
    if (error instanceof CheckpointCorruptError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw missing();
    throw new CheckpointCorruptError(file, `unreadable: ${(error as Error).message}`);
  }
}

function parseJson(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CheckpointCorruptError(file, `not valid JSON (${(error as Error).message})`);
  }
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

// Instantiated once at module load (top-level await), so hashing is synchronous.
const hasher = await xxhash();

function hashFiles(parts: readonly { name: string; bytes: Uint8Array }[]): string {
  const h = hasher.create64();
  h.update(CHECKPOINT_FORMAT);
  for (const part of parts) {
    h.update(`\0${part.name}\0${part.bytes.byteLength}\0`);
    h.update(part.bytes);
  }
  return h.digest().toString(16).padStart(16, "0");
}

// ---------------------------------------------------------------------------------------------
// Hand-written schema checks

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field<T>(obj: Obj, key: string, file: string, check: (v: unknown) => v is T, what: string): T {
  const value = obj[key];
  if (!check(value)) throw new CheckpointCorruptError(file, `${key} must be ${what}, got ${JSON.stringify(value) ?? "nothing"}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const isNonNegativeInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
/** A plain file name inside the checkpoint directory (no paths, no parent references). */
const isFileName = (v: unknown): v is string => typeof v === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v);
const isLayerName = (v: unknown): v is string => typeof v === "string" && /^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/.test(v);

function validateMeta(value: unknown, file: string): CheckpointMeta {
  if (!isObject(value)) throw new CheckpointCorruptError(file, "not a JSON object");
  const format = field(value, "format", file, isString, "a string");
  if (format !== CHECKPOINT_FORMAT) throw new CheckpointMismatchError(file, "format", format, CHECKPOINT_FORMAT);
  const model = field(value, "model", file, isModelKind, "one of meternet, arbiter, onset-mlp");
  const classes = field(value, "classes", file, (v): v is number[] => Array.isArray(v) && v.every(isFiniteNumber), "an array of numbers");
  if (classes.length !== METER_CLASSES.length || classes.some((c, i) => c !== METER_CLASSES[i])) {
    throw new CheckpointMismatchError(file, "classes", classes, METER_CLASSES);
  }
  const layout = inputLayout(model);
  const featureLayoutId = field(value, "featureLayoutId", file, isString, "a string");
  if (featureLayoutId !== layout.id) throw new CheckpointMismatchError(file, "featureLayoutId", featureLayoutId, layout.id);
  const inputLength = field(value, "inputLength", file, isPositiveInt, "a positive integer");
  if (inputLength !== layout.length) throw new CheckpointMismatchError(file, "inputLength", inputLength, layout.length);

  const st = field(value, "standardisation", file, isObject, "an object");
  const standardisation = {
    file: field(st, "file", file, isFileName, "a file name"),
    dtype: field(st, "dtype", file, (v): v is "float32" => v === "float32", '"float32"'),
    length: field(st, "length", file, isPositiveInt, "a positive integer"),
  };
  if (standardisation.length !== inputLength) {
    throw new CheckpointCorruptError(file, `standardisation.length ${standardisation.length} differs from inputLength ${inputLength}`);
  }
  const hyperParameters = field(
    value,
    "hyperParameters",
    file,
    (v): v is Record<string, number | string | boolean> =>
      isObject(v) && Object.values(v).every((x) => isFiniteNumber(x) || typeof x === "string" || typeof x === "boolean"),
    "an object of numbers, strings and booleans",
  );
  const validationMetrics = field(value, "validationMetrics", file, (v): v is Record<string, JsonValue> => isObject(v), "an object");
  const p = field(value, "provenance", file, isObject, "an object");
  const provenance: Provenance = {
    command: field(p, "command", file, isString, "a string"),
    dataset: field(p, "dataset", file, isString, "a string"),
    codeRevision: field(p, "codeRevision", file, isString, "a string"),
    createdAt: field(p, "createdAt", file, isString, "a string"),
  };
  return { format: CHECKPOINT_FORMAT, model, classes, featureLayoutId, inputLength, standardisation, hyperParameters, validationMetrics, provenance };
}

interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; size: number }[];
}

function validateModelJson(value: unknown, file: string): { architecture: Architecture; manifest: ManifestGroup[] } {
  if (!isObject(value)) throw new CheckpointCorruptError(file, "not a JSON object");
  const format = field(value, "format", file, isString, "a string");
  if (format !== MODEL_JSON_FORMAT) throw new CheckpointMismatchError(file, "format", format, MODEL_JSON_FORMAT);
  const architecture = validateArchitecture(field(value, "modelTopology", file, isObject, "an object"), file);
  let specs: ReturnType<typeof weightSpecs>;
  try {
    specs = weightSpecs(architecture);
  } catch (error) {
    throw new CheckpointCorruptError(file, `inconsistent architecture: ${(error as Error).message}`);
  }
  const groups = field(value, "weightsManifest", file, (v): v is unknown[] => Array.isArray(v) && v.length > 0, "a non-empty array");
  const expected = new Map(specs.map((s) => [s.name, s.shape]));
  const seen = new Set<string>();
  const manifest = groups.map((g): ManifestGroup => {
    if (!isObject(g)) throw new CheckpointCorruptError(file, "weightsManifest entries must be objects");
    const paths = field(g, "paths", file, (v): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isFileName), "a list of file names");
    const weights = field(g, "weights", file, (v): v is unknown[] => Array.isArray(v), "an array").map((w) => {
      if (!isObject(w)) throw new CheckpointCorruptError(file, "weight specs must be objects");
      const name = field(w, "name", file, isString, "a string");
      const shape = field(w, "shape", file, (v): v is number[] => Array.isArray(v) && v.every(isNonNegativeInt), "an array of sizes");
      field(w, "dtype", file, (v): v is "float32" => v === "float32", '"float32"');
      const want = expected.get(name);
      if (!want) throw new CheckpointCorruptError(file, `unexpected weight ${name}`);
      if (seen.has(name)) throw new CheckpointCorruptError(file, `weight ${name} listed twice`);
      if (want.length !== shape.length || want.some((d, i) => d !== shape[i])) {
        throw new CheckpointCorruptError(file, `weight ${name} has shape [${shape}], the architecture needs [${want}]`);
      }
      seen.add(name);
      return { name, shape, size: shape.reduce((a, b) => a * b, 1) };
    });
    return { paths, weights };
  });
  const missing = specs.filter((s) => !seen.has(s.name)).map((s) => s.name);
  if (missing.length > 0) throw new CheckpointCorruptError(file, `missing weights: ${missing.join(", ")}`);
  return { architecture, manifest };
}

const LAYER_TYPES = ["dense", "batchNorm", "relu", "dropout", "residual", "splitDense"] as const;
/** Per list (top level, each residual block); the models here have about 20. */
const MAX_LAYERS = 256;

function validateArchitecture(value: Obj, file: string): Architecture {
  const kind = field(value, "kind", file, isModelKind, "a model kind");
  const inputLength = field(value, "inputLength", file, isPositiveInt, "a positive integer");
  const outputLength = field(value, "outputLength", file, isPositiveInt, "a positive integer");
  if (outputLength !== METER_CLASSES.length) throw new CheckpointMismatchError(file, "outputLength", outputLength, METER_CLASSES.length);
  const layer = (v: unknown, depth: number): Layer => {
    if (!isObject(v)) throw new CheckpointCorruptError(file, "layers must be objects");
    const type = field(v, "type", file, (t): t is (typeof LAYER_TYPES)[number] => (LAYER_TYPES as readonly unknown[]).includes(t), `one of ${LAYER_TYPES.join(", ")}`);
    switch (type) {
      case "dense":
        return { type, name: field(v, "name", file, isLayerName, "a layer name"), units: field(v, "units", file, isPositiveInt, "a positive integer") };
      case "splitDense":
        return {
          type,
          name: field(v, "name", file, isLayerName, "a layer name"),
          splitAt: field(v, "splitAt", file, isPositiveInt, "a positive integer"),
          units: field(v, "units", file, isPositiveInt, "a positive integer"),
        };
      case "batchNorm":
        return {
          type,
          name: field(v, "name", file, isLayerName, "a layer name"),
          epsilon: field(v, "epsilon", file, (e): e is number => isFiniteNumber(e) && e > 0, "a positive number"),
          momentum: field(v, "momentum", file, (m): m is number => isFiniteNumber(m) && m > 0 && m <= 1, "a number in (0, 1]"),
        };
      case "relu":
        return { type };
      case "dropout":
        return { type, rate: field(v, "rate", file, (r): r is number => isFiniteNumber(r) && r >= 0 && r < 1, "a number in [0, 1)") };
      case "residual": {
        if (depth > 0) throw new CheckpointCorruptError(file, "nested residual blocks");
        const inner = field(v, "layers", file, (l): l is unknown[] => Array.isArray(l) && l.length <= MAX_LAYERS, `an array of at most ${MAX_LAYERS} layers`);
        return { type, layers: inner.map((l) => layer(l, depth + 1)) };
      }
    }
  };
  const layers = field(
    value,
    "layers",
    file,
    (l): l is unknown[] => Array.isArray(l) && l.length > 0 && l.length <= MAX_LAYERS,
    `a non-empty array of at most ${MAX_LAYERS} layers`,
  ).map((l) => layer(l, 0));
  return { kind, inputLength, outputLength, layers };
}
