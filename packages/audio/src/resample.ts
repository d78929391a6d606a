import LibSampleRate from "@alexanderolsen/libsamplerate-js";
import { withDefaults } from "./options.js";

/** libsamplerate's sinc converters; "medium" is the default (see README for the measured trade-off). */
export type ResampleQuality = "best" | "medium" | "fastest";

export interface ResampleOptions {
  quality?: ResampleQuality;
}

const DEFAULTS: Required<ResampleOptions> = { quality: "medium" };

const CONVERTER = {
  best: LibSampleRate.ConverterType.SRC_SINC_BEST_QUALITY,
  medium: LibSampleRate.ConverterType.SRC_SINC_MEDIUM_QUALITY,
  fastest: LibSampleRate.ConverterType.SRC_SINC_FASTEST,
} satisfies Record<ResampleQuality, unknown>;

// libsamplerate accepts conversion ratios in [1/256, 256].
const MAX_RATIO = 256;
// The wrapper's WASM transfer buffers hold 1 008 000 floats; input and output of one call must fit.
const WASM_BUFFER_SAMPLES = 1_000_000;
const FLUSH_BLOCK_SAMPLES = 4096;
/** Index step of SRC_SINC_FASTEST's coefficient table per input sample (libsamplerate's `fastest_coeffs.increment`). */
const FASTEST_INCREMENT = 128;

/**
 * Band-limited resampling of a mono signal with libsamplerate (WASM). Returns the input itself
 * when the rates are equal. The output has ceil(n · toRate / fromRate) samples and is time-aligned
 * with the input (libsamplerate has no group delay at its output); the filter tail is flushed
 * with zeros rather than dropped.
 */
export async function resample(
  samples: Float32Array,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Promise<Float32Array> {
  const { quality } = withDefaults(DEFAULTS, options);
  for (const [name, rate] of [["fromRate", fromRate], ["toRate", toRate]] as const) {
    if (!Number.isInteger(rate) || rate <= 0) throw new RangeError(`${name} must be a positive integer, got ${rate}`);
  }
  if (!Object.hasOwn(CONVERTER, quality)) throw new RangeError(`unknown resample quality "${quality}"`);
  if (fromRate === toRate) return samples;
  const ratio = toRate / fromRate;
  if (ratio > MAX_RATIO || ratio < 1 / MAX_RATIO)
    throw new RangeError(`cannot resample ${fromRate} Hz to ${toRate} Hz: ratio outside [1/${MAX_RATIO}, ${MAX_RATIO}]`);
  const outputLength = Math.ceil(samples.length * ratio);
  if (outputLength === 0) return new Float32Array(0);
  if (quality === "fastest" && Number.isInteger(ratio) && FASTEST_INCREMENT % ratio === 0) {
    return upsampleExact(samples, ratio, await fastestTaps(fromRate, ratio));
  }
  return libsamplerate(samples, fromRate, toRate, quality, outputLength);
}

/**
 * The whole conversion through libsamplerate's `full` API, flushed with zeros (exported for the
 * tests, which hold the exact path against it; not part of the package's API).
 */
export async function libsamplerate(
  samples: Float32Array,
  fromRate: number,
  toRate: number,
  quality: ResampleQuality,
  outputLength: number,
): Promise<Float32Array> {
  const ratio = toRate / fromRate;
  const output = new Float32Array(outputLength);
  const src = await LibSampleRate.create(1, fromRate, toRate, { converterType: CONVERTER[quality] });
  try {
    // Feed the full API block by block (the wrapper's own chunking never flushes the filter tail).
    const blockSamples = Math.floor(WASM_BUFFER_SAMPLES / Math.max(1, ratio) / 2);
    const flush = new Float32Array(FLUSH_BLOCK_SAMPLES);
    let written = 0;
    const append = (block: Float32Array) => {
      const take = Math.min(block.length, outputLength - written);
      output.set(take === block.length ? block : block.subarray(0, take), written);
      written += take;
    };
    for (let start = 0; start < samples.length; start += blockSamples) {
      append(src.full(samples.subarray(start, Math.min(samples.length, start + blockSamples))));
    }
    // Zeros push the last input samples through the filter; the bound only guards against a stall.
    for (let guard = 0; written < outputLength && guard < 1000; guard++) append(src.full(flush));
    if (written < outputLength) throw new Error(`libsamplerate produced ${written} of ${outputLength} samples`);
  } finally {
    src.destroy();
  }
  return output;
}

const tapsMemo = new Map<number, Promise<Float32Array>>();

/**
 * SRC_SINC_FASTEST's taps at an integer up-ratio L dividing its table increment: h[k] is the
 * filter at k/L input samples from the output instant, read off libsamplerate's own impulse
 * response (its output is the float coefficient itself, times 1). At such ratios every output
 * sample reads the table at whole indices, so libsamplerate's linear interpolation between
 * entries adds exactly zero and the taps are all there is to the filter.
 */
function fastestTaps(fromRate: number, ratio: number): Promise<Float32Array> {
  let taps = tapsMemo.get(ratio);
  if (taps === undefined) {
    taps = (async () => {
      const centre = 256;
      const impulse = new Float32Array(2 * centre);
      impulse[centre] = 1;
      const response = await libsamplerate(impulse, fromRate, fromRate * ratio, "fastest", impulse.length * ratio);
      const mid = centre * ratio;
      let last = 0;
      for (let k = 1; k < mid; k++) {
        if (response[mid + k] !== response[mid - k]) throw new Error(`libsamplerate's fastest ×${ratio} impulse response is not symmetric`);
        if (response[mid + k] !== 0) last = k;
      }
      if (last >= mid - ratio) throw new Error(`libsamplerate's fastest ×${ratio} filter is longer than the probe impulse`);
      return response.slice(mid, mid + last + 1);
    })();
    tapsMemo.set(ratio, taps);
  }
  return taps;
}

/**
 * libsamplerate's sinc converter at an integer up-ratio L, computed directly: output m sits at
 * input position m/L, and sums x[n]·h[|m − L·n|] in libsamplerate's order (the left half from the
 * farthest input sample towards m/L, then the right half likewise, each in double, then
 * left + right rounded to float), so the result is bit-identical to the library's. Inputs outside
 * the signal are zeros, as libsamplerate's zero lead-in and our zero flush.
 */
function upsampleExact(samples: Float32Array, ratio: number, taps: Float32Array): Float32Array {
  const n = samples.length;
  const output = new Float32Array(Math.ceil(n * ratio));
  const last = taps.length - 1;
  // Per phase p (output m = L·c + p): left taps for x[c − d … c] (farthest first) and right taps
  // for x[c + 1 + d … c + 1] (farthest first).
  const leftTaps: Float64Array[] = [];
  const rightTaps: Float64Array[] = [];
  let reach = 0;
  for (let p = 0; p < ratio; p++) {
    const left = new Float64Array(Math.floor((last - p) / ratio) + 1);
    for (let j = 0; j < left.length; j++) left[j] = taps[p + ratio * (left.length - 1 - j)]!;
    const first = ratio - p;
    const right = new Float64Array(first <= last ? Math.floor((last - first) / ratio) + 1 : 0);
    for (let j = 0; j < right.length; j++) right[j] = taps[first + ratio * (right.length - 1 - j)]!;
    leftTaps.push(left);
    rightTaps.push(right);
    reach = Math.max(reach, left.length, right.length);
  }
  // Outputs whose taps all lie inside the signal take the straight loop; the rest check bounds.
  const interiorStart = reach;
  const interiorEnd = Math.max(interiorStart, n - reach - 1);
  for (let m = 0; m < Math.min(output.length, interiorStart * ratio); m++) output[m] = exactSample(samples, ratio, taps, m);
  for (let c = interiorStart; c < interiorEnd; c++) {
    for (let p = 0; p < ratio; p++) {
      const tl = leftTaps[p]!;
      const tr = rightTaps[p]!;
      const l0 = c - tl.length + 1;
      const r0 = c + tr.length;
      const common = Math.min(tl.length, tr.length);
      let left = 0;
      let right = 0;
      // Two independent sums, each in libsamplerate's order.
      let j = 0;
      for (; j < common; j++) {
        left += tl[j]! * samples[l0 + j]!;
        right += tr[j]! * samples[r0 - j]!;
      }
      for (let k = j; k < tl.length; k++) left += tl[k]! * samples[l0 + k]!;
      for (let k = j; k < tr.length; k++) right += tr[k]! * samples[r0 - k]!;
      output[c * ratio + p] = left + right;
    }
  }
  for (let m = interiorEnd * ratio; m < output.length; m++) output[m] = exactSample(samples, ratio, taps, m);
  return output;
}

/** One output sample of {@link upsampleExact}, with inputs outside the signal read as zeros. */
function exactSample(samples: Float32Array, ratio: number, taps: Float32Array, m: number): number {
  const n = samples.length;
  const last = taps.length - 1;
  const current = Math.floor(m / ratio);
  const phase = m - current * ratio;
  let left = 0;
  for (let d = Math.floor((last - phase) / ratio); d >= 0; d--) {
    const i = current - d;
    if (i >= 0 && i < n) left += taps[phase + ratio * d]! * samples[i]!;
  }
  let right = 0;
  for (let d = Math.floor((last - ratio + phase) / ratio); d >= 0; d--) {
    const i = current + 1 + d;
    if (i < n) right += taps[ratio - phase + ratio * d]! * samples[i]!;
  }
  return left + right;
}
