import { createMatrix, type Matrix } from "./matrix.js";

export interface MfccOptions {
  /** Number of cepstral coefficients kept. Default 13 (librosa default is 20; Tactus uses 13). */
  nMfcc?: number;
  /** Cepstral liftering coefficient; 0 disables (librosa default). */
  lifter?: number;
}

export const MFCC_DEFAULTS = { nMfcc: 13, lifter: 0 } as const satisfies MfccOptions;

const dctCache = new Map<string, Float64Array>();

/**
 * Orthonormal DCT-II basis (scipy.fft.dct type 2, norm="ortho"), nOut × nIn row-major:
 * D[k, n] = s_k · cos(π·k·(2n + 1) / (2·nIn)), s_0 = √(1/nIn), s_k = √(2/nIn). Memoised.
 */
export function dctBasis(nOut: number, nIn: number): Float64Array {
  const key = `${nOut}|${nIn}`;
  let d = dctCache.get(key);
  if (d === undefined) {
    d = new Float64Array(nOut * nIn);
    for (let k = 0; k < nOut; k++) {
      const s = Math.sqrt((k === 0 ? 1 : 2) / nIn);
      for (let n = 0; n < nIn; n++) d[k * nIn + n] = s * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
    }
    dctCache.set(key, d);
  }
  return d;
}

/**
 * librosa.feature.mfcc from a dB mel spectrogram (nMels × nFrames, e.g. powerToDb(melSpectrogram(...))):
 * orthonormal DCT-II along the mel axis, first nMfcc rows, optional liftering. nMfcc × nFrames.
 */
export function mfcc(melDb: Matrix, options: MfccOptions = {}): Matrix {
  const nMfcc = options.nMfcc ?? MFCC_DEFAULTS.nMfcc;
  const lifter = options.lifter ?? MFCC_DEFAULTS.lifter;
  const nMels = melDb.nRows;
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > nMels) {
    throw new RangeError(`nMfcc must be an integer in [1, ${nMels}], got ${nMfcc}`);
  }
  if (lifter < 0) throw new RangeError(`lifter must be non-negative, got ${lifter}`);
  const nFrames = melDb.nCols;
  const basis = dctBasis(nMfcc, nMels);
  const out = createMatrix(nMfcc, nFrames);
  const acc = new Float64Array(nFrames);
  for (let k = 0; k < nMfcc; k++) {
    acc.fill(0);
    for (let n = 0; n < nMels; n++) {
      const d = basis[k * nMels + n];
      const row = n * nFrames;
      for (let t = 0; t < nFrames; t++) acc[t] += d * melDb.data[row + t];
    }
    const gain = lifter > 0 ? 1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter) : 1;
    const base = k * nFrames;
    for (let t = 0; t < nFrames; t++) out.data[base + t] = acc[t] * gain;
  }
  return out;
}
