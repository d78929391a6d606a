const hannCache = new Map<number, Float64Array>();

/**
 * Periodic ("DFT-even") Hann window, scipy `get_window("hann", n, fftbins=True)`:
 * w[i] = 0.5 − 0.5·cos(2πi/n). Memoised per length; treat the result as read-only.
 */
export function hannWindow(length: number): Float64Array {
  let w = hannCache.get(length);
  if (w === undefined) {
    if (!Number.isInteger(length) || length < 1) throw new RangeError(`invalid window length ${length}`);
    w = new Float64Array(length);
    if (length === 1) w[0] = 1;
    else for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
    hannCache.set(length, w);
  }
  return w;
}
