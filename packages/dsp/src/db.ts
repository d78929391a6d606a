import type { Matrix } from "./matrix.js";

export interface PowerToDbOptions {
  /** Reference power (0 dB), or "max" for the matrix maximum. Default 1. */
  ref?: number | "max";
  /** Floor applied before the logarithm. Default 1e-10. */
  amin?: number;
  /** Clamp every value to at least (global max − topDb); null disables. Default 80. */
  topDb?: number | null;
}

export const POWER_TO_DB_DEFAULTS = { ref: 1, amin: 1e-10, topDb: 80 } as const satisfies PowerToDbOptions;

/**
 * librosa.power_to_db: 10·log10(max(amin, S)) − 10·log10(max(amin, ref)), then floored at
 * (global max − topDb). Returns a new matrix.
 */
export function powerToDb(s: Matrix, options: PowerToDbOptions = {}): Matrix {
  const amin = options.amin ?? POWER_TO_DB_DEFAULTS.amin;
  const topDb = options.topDb === undefined ? POWER_TO_DB_DEFAULTS.topDb : options.topDb;
  if (!(amin > 0)) throw new RangeError(`amin must be strictly positive, got ${amin}`);
  if (topDb !== null && topDb < 0) throw new RangeError(`topDb must be non-negative, got ${topDb}`);
  const src = s.data;
  const ref = options.ref ?? POWER_TO_DB_DEFAULTS.ref;
  let refValue: number;
  if (ref === "max") {
    refValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < src.length; i++) refValue = Math.max(refValue, Math.abs(src[i]));
  } else refValue = Math.abs(ref);
  const offset = 10 * Math.log10(Math.max(amin, refValue));
  const out = new Float32Array(src.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < src.length; i++) {
    const v = 10 * Math.log10(Math.max(amin, Math.abs(src[i]))) - offset;
    out[i] = v;
    if (out[i] > max) max = out[i];
  }
  if (topDb !== null) {
    const floor = max - topDb;
    for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
  }
  return { data: out, nRows: s.nRows, nCols: s.nCols };
}

/** librosa.amplitude_to_db: powerToDb(S²) with ref² and amin² (amin default 1e-5). */
export function amplitudeToDb(s: Matrix, options: PowerToDbOptions = {}): Matrix {
  const squared = new Float32Array(s.data.length);
  for (let i = 0; i < squared.length; i++) squared[i] = s.data[i] * s.data[i];
  let ref = options.ref ?? POWER_TO_DB_DEFAULTS.ref;
  if (ref === "max") {
    let m = 0;
    for (let i = 0; i < s.data.length; i++) m = Math.max(m, Math.abs(s.data[i]));
    ref = m;
  }
  const amin = options.amin ?? 1e-5;
  return powerToDb(
    { data: squared, nRows: s.nRows, nCols: s.nCols },
    { ref: ref * ref, amin: amin * amin, topDb: options.topDb },
  );
}
