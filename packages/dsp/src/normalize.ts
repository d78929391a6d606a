import type { Matrix } from "./matrix.js";

/** Smallest positive normal float32, numpy `finfo(float32).tiny`: librosa's default normalisation threshold. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * librosa.util.normalize along the row axis (each column / frame separately), in place:
 * divide each column by its L^p norm (p = Infinity: max |value|). Columns whose norm is below
 * `threshold` are left unscaled (librosa's fill=None), so all-zero frames stay zero.
 */
export function normalizeColumnsInPlace(m: Matrix, norm: number, threshold = FLOAT32_TINY): Matrix {
  if (!(norm > 0)) throw new RangeError(`norm must be positive or Infinity, got ${norm}`);
  const { data, nRows, nCols } = m;
  for (let c = 0; c < nCols; c++) {
    let length = 0;
    if (norm === Number.POSITIVE_INFINITY) {
      for (let r = 0, i = c; r < nRows; r++, i += nCols) length = Math.max(length, Math.abs(data[i]));
    } else {
      for (let r = 0, i = c; r < nRows; r++, i += nCols) length += Math.abs(data[i]) ** norm;
      length **= 1 / norm;
    }
    if (length < threshold) continue;
    for (let r = 0, i = c; r < nRows; r++, i += nCols) data[i] /= length;
  }
  return m;
}
