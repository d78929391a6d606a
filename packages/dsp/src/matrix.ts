/**
 * The one matrix type of Tactus: a row-major Float32Array with explicit dimensions.
 *
 * Time-frequency matrices follow librosa's orientation: rows are features (frequency bins, mel
 * bands, chroma classes, lags), columns are frames, so element (row, frame) lives at
 * `data[row * nCols + frame]` and one feature's time series is a contiguous slice.
 */
export interface Matrix {
  readonly data: Float32Array;
  readonly nRows: number;
  readonly nCols: number;
}

/** A zero-filled matrix. */
export function createMatrix(nRows: number, nCols: number): Matrix {
  if (!Number.isInteger(nRows) || nRows < 0 || !Number.isInteger(nCols) || nCols < 0) {
    throw new RangeError(`invalid matrix dimensions ${nRows}×${nCols}`);
  }
  return { data: new Float32Array(nRows * nCols), nRows, nCols };
}

/** Wrap existing data (no copy); its length must be nRows·nCols. */
export function matrixFrom(data: Float32Array, nRows: number, nCols: number): Matrix {
  if (data.length !== nRows * nCols) {
    throw new RangeError(`matrix data has ${data.length} values, expected ${nRows}×${nCols}`);
  }
  return { data, nRows, nCols };
}

/** Element (row, col). Convenient in tests and cold code; hot loops index `data` directly. */
export function matrixGet(m: Matrix, row: number, col: number): number {
  return m.data[row * m.nCols + col];
}

/** A view (no copy) of one row, e.g. one band's time series. */
export function matrixRow(m: Matrix, row: number): Float32Array {
  return m.data.subarray(row * m.nCols, (row + 1) * m.nCols);
}

/** A copy of one column, e.g. one frame's spectrum. */
export function matrixColumn(m: Matrix, col: number): Float32Array {
  const out = new Float32Array(m.nRows);
  for (let r = 0; r < m.nRows; r++) out[r] = m.data[r * m.nCols + col];
  return out;
}

/** Mean of each row over all columns (e.g. a time-averaged tempogram); length nRows. */
export function meanOverColumns(m: Matrix): Float32Array {
  const out = new Float32Array(m.nRows);
  if (m.nCols === 0) return out;
  for (let r = 0; r < m.nRows; r++) {
    let sum = 0;
    const base = r * m.nCols;
    for (let c = 0; c < m.nCols; c++) sum += m.data[base + c];
    out[r] = sum / m.nCols;
  }
  return out;
}
