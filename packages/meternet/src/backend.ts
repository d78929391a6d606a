/**
 * TensorFlow.js backend selection (ARCHITECTURE.md decision 7): tfjs-node when its native
 * addon loads, otherwise the wasm backend (SIMD when the runtime has it), otherwise plain cpu.
 *
 * Every module of this package computes through the single `@tensorflow/tfjs-core` instance
 * imported below. tfjs-node re-exports that same tfjs-core (and tfjs-core keeps its engine in a
 * global), so registering its "tensorflow" backend is all it takes for the models to run on it.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";

export type BackendName = "node" | "wasm" | "cpu";

/** Preference order: a preferred backend is tried first, then the ones after it. */
export const BACKEND_ORDER: readonly BackendName[] = ["node", "wasm", "cpu"];

/** Environment variable that forces a backend when `initBackend` gets no `prefer`. */
export const BACKEND_ENV_VAR = "TACTUS_TF_BACKEND";

export interface BackendOptions {
  /** Start with this backend instead of tfjs-node (default: $TACTUS_TF_BACKEND, else "node"). */
  prefer?: BackendName;
}

export interface Backend {
  /** The backend the models run on. */
  readonly name: BackendName;
  /** The tfjs-core namespace every model of this package uses. */
  readonly tf: typeof tf;
  /** tfjs' own name for it ("tensorflow", "wasm", "cpu"). */
  readonly tfjsName: string;
  /** wasm only: whether the SIMD build is in use. */
  readonly simd: boolean;
  /** wasm only: XNNPACK threads (1 in Node: tfjs' threaded build needs browser workers). */
  readonly threads: number;
  /** Why backends earlier in the order were skipped, e.g. "node: native addon not built". */
  readonly skipped: readonly string[];
}

const TFJS_NAME: Record<BackendName, string> = { node: "tensorflow", wasm: "wasm", cpu: "cpu" };

let active: Backend | undefined;
let current: { prefer: BackendName; backend: Promise<Backend> } | undefined;

/** Reads $TACTUS_TF_BACKEND; an unknown value is an error rather than a silent default. */
function envPreference(): BackendName | undefined {
  const raw = process.env[BACKEND_ENV_VAR]?.trim().toLowerCase();
  if (!raw) return undefined;
  if ((BACKEND_ORDER as readonly string[]).includes(raw)) return raw as BackendName;
  throw new Error(`${BACKEND_ENV_VAR}=${raw}: unknown backend (expected one of ${BACKEND_ORDER.join(", ")})`);
}

/**
 * Selects and initialises a backend. Memoised: a repeated call with the same preference returns
 * the same promise; a call with another preference switches the active backend.
 */
export function initBackend(options: BackendOptions = {}): Promise<Backend> {
  const prefer = options.prefer ?? envPreference() ?? "node";
  if (current?.prefer !== prefer) {
    const backend = activate(prefer);
    current = { prefer, backend };
    backend.catch(() => {
      if (current?.backend === backend) current = undefined;
    });
  }
  return current.backend;
}

/** The active backend's name, or undefined before {@link initBackend} finished. */
export function backendName(): BackendName | undefined {
  return active?.name;
}

/** The active backend; throws when {@link initBackend} has not run. */
export function activeBackend(): Backend {
  if (!active) throw new Error("no TensorFlow.js backend initialised: await initBackend() first");
  return active;
}

async function activate(prefer: BackendName): Promise<Backend> {
  const skipped: string[] = [];
  for (const name of BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(prefer))) {
    try {
      const details = await LOADERS[name]();
      if (!(await tf.setBackend(TFJS_NAME[name]))) throw new Error("backend initialisation failed");
      await tf.ready();
      active = { name, tf, tfjsName: TFJS_NAME[name], skipped, ...details };
      return active;
    } catch (error) {
      skipped.push(`${name}: ${firstLine(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (${skipped.join("; ")})`);
}

type Loader = () => Promise<{ simd: boolean; threads: number }>;

const LOADERS: Record<BackendName, Loader> = {
  node: async () => {
    // Optional dependency: its install needs internet for libtensorflow, so the import may fail.
    const specifier = "@tensorflow/tfjs-node";
    await import(specifier);
    return { simd: false, threads: 0 };
  },
  wasm: async () => {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    if (isNode()) {
      // Local files from node_modules; nothing is fetched.
      const require = createRequire(import.meta.url);
      const wasmFile = require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm");
      wasm.setWasmPaths(path.dirname(wasmFile) + path.sep);
    }
    const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    // tfjs reports false in Node: its threaded build spawns blob: workers Node cannot load.
    const threaded = Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"));
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    if (threaded && cores) wasm.setThreadsCount(cores);
    return { simd, threads: threaded ? wasm.getThreadsCount() : 1 };
  },
  cpu: async () => {
    await import("@tensorflow/tfjs-backend-cpu");
    if (!(await tf.setBackend("cpu"))) throw new Error("cpu backend initialisation failed");
    // Silences the cpu backend's one-time "install tfjs-node" banner: we already tried it.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return { simd: false, threads: 1 };
  },
};

function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.trim();
}
