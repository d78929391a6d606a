import { createRequire } from "node:module";
import type * as EssentiaCore from "essentia.js/dist/core_api.js";

// core_api.d.ts declares an ES default export inside a CommonJS package, so under NodeNext the
// class type sits at `.default.default`; at run time the UMD bundle's module.exports is the class.
type EssentiaClass = typeof EssentiaCore.default.default;

/** The essentia.js core API (one method per Essentia algorithm; results are objects of WASM vectors). */
export type Essentia = InstanceType<EssentiaClass>;

/** An Emscripten-bound C++ object (VectorFloat, VectorVectorFloat, …) that must be freed with delete(). */
export interface Deletable {
  delete(): void;
}

/** Emscripten std::vector<float>. */
export interface EssentiaVector extends Deletable {
  size(): number;
  get(index: number): number;
}

interface EmscriptenModule {
  calledRun?: boolean;
}

let instance: Essentia | undefined;

/**
 * The process-wide essentia.js instance, created on first use. Loading the WASM build (~2.5 MB of
 * JS with the binary inlined) takes ~0.2 s, so importing @tactus/dsp stays cheap until this is
 * called. Only the WASM backend and the core API are loaded (not the TF.js model add-ons).
 */
export function getEssentia(): Essentia {
  if (instance === undefined) {
    const require = createRequire(import.meta.url);
    const loaded = require("essentia.js/dist/essentia-wasm.umd.js") as EmscriptenModule & { EssentiaWASM?: EmscriptenModule };
    const wasm = loaded.EssentiaWASM ?? loaded;
    if (wasm.calledRun !== true) {
      throw new Error("essentia.js: the WASM runtime did not initialise synchronously; this Node build is unsupported");
    }
    const Core = require("essentia.js/dist/essentia.js-core.umd.js") as EssentiaClass;
    instance = new Core(wasm);
  }
  return instance;
}

/** Allocation scope for essentia calls: every vector created or tracked here is deleted at the end. */
export interface EssentiaScope {
  readonly essentia: Essentia;
  /** Copy values into a new VectorFloat owned by the scope. */
  vector(values: ArrayLike<number>): EssentiaVector;
  /** Hand a WASM object (e.g. an algorithm output) to the scope for deletion; returns it. */
  track<T extends Deletable>(value: T): T;
  /** Track every deletable field of an algorithm's result object; returns the object. */
  outputs<T extends object>(result: T): T;
  /** Copy a VectorFloat into a Float32Array (an empty vector gives an empty array). */
  toArray(vector: EssentiaVector): Float32Array;
}

function isDeletable(value: unknown): value is Deletable {
  return typeof value === "object" && value !== null && typeof (value as Deletable).delete === "function";
}

/**
 * Run `fn` with an {@link EssentiaScope}; all vectors it created or tracked are deleted afterwards,
 * even on error. Copy results out with `toArray` inside `fn`: WASM vectors are invalid afterwards.
 *
 * @example
 * const ticks = withEssentia(({ essentia, vector, outputs, toArray }) =>
 *   toArray(outputs(essentia.BeatTrackerMultiFeature(vector(samples44k))).ticks));
 */
export function withEssentia<T>(fn: (scope: EssentiaScope) => T): T {
  const essentia = getEssentia();
  const owned: Deletable[] = [];
  const track = <D extends Deletable>(value: D): D => {
    if (!owned.includes(value)) owned.push(value);
    return value;
  };
  const scope: EssentiaScope = {
    essentia,
    vector: (values) =>
      track(essentia.arrayToVector(values instanceof Float32Array ? values : Float32Array.from(values)) as EssentiaVector),
    track,
    outputs: (result) => {
      for (const value of Object.values(result)) if (isDeletable(value)) track(value);
      return result;
    },
    toArray: (vector) => {
      const n = vector.size();
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = vector.get(i);
      return out;
    },
  };
  try {
    return fn(scope);
  } finally {
    for (const value of owned) value.delete();
  }
}
