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

/**
 * Band-limited resampling of a mono signal, bit-identical to libsamplerate's sinc converter of the
 * chosen quality (computed here from the library's own coefficient table, see {@link exactResample}).
 * Returns the input itself when the rates are equal. The output has ceil(n · toRate / fromRate)
 * samples and is time-aligned with the input (libsamplerate has no group delay at its output);
 * the filter tail is flushed with zeros rather than dropped.
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
  const table = await sincTable(quality);
  // Without the table (a library build laid out otherwise) the library itself converts: same output, slower.
  return table ? exactResample(samples, ratio, outputLength, table) : libsamplerate(samples, fromRate, toRate, quality, outputLength);
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

/**
 * The exact path with the cyclic shortcut off or on (exported for the tests, which hold the
 * shortcut against the general walk sample for sample; not part of the package's API).
 */
export async function exactResampleVariant(
  samples: Float32Array,
  fromRate: number,
  toRate: number,
  quality: ResampleQuality,
  allowCycle: boolean,
): Promise<Float32Array> {
  const table = await sincTable(quality);
  if (table === null) throw new Error(`resample.ts: no verified libsamplerate filter table for quality "${quality}"`);
  const ratio = toRate / fromRate;
  return exactResample(samples, ratio, Math.ceil(samples.length * ratio), table, allowCycle);
}

/** libsamplerate's fixed-point filter positions: 12 fraction bits (src_sinc.c's SHIFT_BITS). */
const FP_ONE = 4096;
/** src_sinc.c's SINC_MAGIC_MARKER, MAKE_MAGIC (' ', 's', 'i', 'n', 'c', ' '): first field of its SINC_FILTER. */
const SINC_MAGIC = 32 + (115 << 4) + (105 << 8) + (110 << 12) + (99 << 16) + (32 << 20);
/** Cached per-phase taps stop growing past this many (for ratios with many distinct phases). */
const MAX_CACHED_TAPS = 4_000_000;
/** Phases remembered outside the map (the up-ratios ×2 and ×4 cycle through 2 and 4). */
const RECENT_PHASES = 4;

/** A sinc converter's half filter as libsamplerate holds it. */
interface SincTable {
  /** `coeffs`: float table, coeff_half_len + 2 entries. */
  coeffs: Float32Array;
  /** `coeff_half_len`: the largest whole table index a tap may sit at. */
  halfLength: number;
  /** `index_inc`: table entries per input sample at ratios ≥ 1. */
  indexIncrement: number;
}

const tableMemo = new Map<ResampleQuality, Promise<SincTable | null>>();

/**
 * The coefficient table of libsamplerate's converter of this quality, copied from the library's
 * own memory: its SINC_FILTER struct (wasm32 layout: magic, 4 counters, coeff_half_len, index_inc,
 * 2 doubles, then the `coeffs` pointer) is found by its magic marker and the table it points to is
 * checked against the library's impulse response at ratio 1/2, whose taps sit on whole table
 * indices k · index_inc (output = table value × 1/2, exactly). Null when no table is found or
 * the one found does not reproduce the library (another build): then the library converts.
 */
function sincTable(quality: ResampleQuality): Promise<SincTable | null> {
  let table = tableMemo.get(quality);
  if (table === undefined) {
    table = readSincTable(quality);
    tableMemo.set(quality, table);
  }
  return table;
}

/** Whether `resample` computes this quality itself (the fast path) rather than through the library (exported for the tests). */
export async function hasExactPath(quality: ResampleQuality): Promise<boolean> {
  return (await sincTable(quality)) !== null;
}

async function readSincTable(quality: ResampleQuality): Promise<SincTable | null> {
  const src = await LibSampleRate.create(1, 2, 1, { converterType: CONVERTER[quality] });
  let table: SincTable | undefined;
  try {
    const memory = src.sourceArray.buffer;
    const words = new Int32Array(memory);
    const floats = new Float32Array(memory);
    for (let p = 12; p < words.length && table === undefined; p++) {
      if (words[p - 12] !== SINC_MAGIC) continue;
      const halfLength = words[p - 7]!;
      const indexIncrement = words[p - 6]!;
      const address = words[p]!;
      const first = address >> 2;
      if (halfLength <= 0 || indexIncrement <= 0 || address <= 0 || address % 4 !== 0) continue;
      if (first + halfLength + 2 > floats.length) continue;
      table = { coeffs: floats.slice(first, first + halfLength + 2), halfLength, indexIncrement };
    }
  } finally {
    src.destroy();
  }
  if (table === undefined) return null;
  const reach = Math.floor(table.halfLength / table.indexIncrement);
  const centre = reach + 8;
  const impulse = new Float32Array(4 * centre);
  impulse[2 * centre] = 1;
  const response = await libsamplerate(impulse, 2, 1, quality, 2 * centre);
  for (let k = 0; k <= reach; k++) {
    const expected = table.coeffs[k * table.indexIncrement]! / 2;
    if (response[centre + k] !== expected || response[centre - k] !== expected) return null;
  }
  return table;
}

/** C's lrint in the default rounding mode: nearest, ties to even. */
function lrint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** common.h's fmod_one: x − lrint(x), moved into [0, 1). */
function fmodOne(x: number): number {
  const rem = x - lrint(x);
  return rem < 0 ? rem + 1 : rem;
}

/**
 * The taps of one output sample: `left[j]` multiplies input `current + leftFirst + j` (farthest
 * first, towards the output instant), `right[j]` multiplies input `current + rightFirst − j`.
 */
interface SincPhase {
  left: Float64Array;
  leftFirst: number;
  right: Float64Array;
  rightFirst: number;
}

/**
 * src_sinc.c's calc_output_single, taps only: for the fixed-point start index of one output, the
 * interpolated coefficients coeffs[i] + fraction · (coeffs[i + 1] − coeffs[i]) (difference in
 * float, the rest in double) at every filter position of the left and right halves.
 */
function sincPhase(table: SincTable, increment: number, start: number): SincPhase {
  const { coeffs } = table;
  const maxIndex = table.halfLength * FP_ONE;
  const coefficient = (position: number) => {
    const i = position >> 12;
    return coeffs[i]! + (position & (FP_ONE - 1)) * (1 / FP_ONE) * Math.fround(coeffs[i + 1]! - coeffs[i]!);
  };
  const leftCount = Math.trunc((maxIndex - start) / increment);
  const left: number[] = [];
  for (let position = start + leftCount * increment; position >= 0; position -= increment) left.push(coefficient(position));
  const rightStart = increment - start;
  const rightCount = Math.trunc((maxIndex - rightStart) / increment);
  const right: number[] = [];
  let position = rightStart + rightCount * increment;
  do {
    right.push(coefficient(position));
    position -= increment;
  } while (position > 0);
  return { left: Float64Array.from(left), leftFirst: -leftCount, right: Float64Array.from(right), rightFirst: 1 + rightCount };
}

/**
 * One output of libsamplerate's sinc converter: the left half of `phase` summed from the farthest
 * input towards the output instant, then the right half likewise, both in double, then
 * (left + right) scaled and rounded to float. Inputs outside the signal are zeros, as
 * libsamplerate's zero lead-in and our zero flush (they are skipped, not multiplied).
 */
function sincOutput(samples: Float32Array, phase: SincPhase, current: number, scale: number): number {
  const n = samples.length;
  const tl = phase.left;
  const tr = phase.right;
  const l0 = current + phase.leftFirst;
  const r0 = current + phase.rightFirst;
  let left = 0;
  let right = 0;
  if (l0 >= 0 && r0 < n) {
    // Two independent sums, each in libsamplerate's order.
    const common = Math.min(tl.length, tr.length);
    let j = 0;
    for (; j < common; j++) {
      left += tl[j]! * samples[l0 + j]!;
      right += tr[j]! * samples[r0 - j]!;
    }
    for (let k = j; k < tl.length; k++) left += tl[k]! * samples[l0 + k]!;
    for (let k = j; k < tr.length; k++) right += tr[k]! * samples[r0 - k]!;
  } else {
    for (let j = Math.max(0, -l0); j < tl.length && l0 + j < n; j++) left += tl[j]! * samples[l0 + j]!;
    for (let j = Math.max(0, r0 - n + 1); j < tr.length && r0 - j >= 0; j++) right += tr[j]! * samples[r0 - j]!;
  }
  return scale * (left + right);
}

/** Longest input walk searched for a cycle (×2 up has period 2, ×4 up 4, ½ and ¼ down 1). */
const MAX_WALK_PERIOD = 64;

/**
 * The input walk of {@link exactResample} as a cycle, when it has one: its state is the fractional
 * position `index` alone (`current` only accumulates), so once `index` comes back exactly to its
 * start value 0 after P outputs, every later output repeats the first P starts and advances. That
 * happens when 1/ratio is a short binary fraction (2, 4, ½, ¼, …), whose sums are exact in double.
 * Returns each output's fixed-point start index and the input advance after it, or null.
 */
function walkCycle(step: number, floatIncrement: number): { starts: number[]; advances: number[] } | null {
  const starts: number[] = [];
  const advances: number[] = [];
  let index = 0;
  for (let m = 0; m < MAX_WALK_PERIOD; m++) {
    starts.push(lrint(index * floatIncrement * FP_ONE));
    index += step;
    const rem = fmodOne(index);
    advances.push(lrint(index - rem));
    index = rem;
    if (index === 0) return { starts, advances };
  }
  return null;
}

/**
 * libsamplerate's sinc converter (sinc_mono_vari_process at a constant ratio), computed directly:
 * the same double-precision walk of the input position (input_index += 1/ratio, split with
 * fmod_one), the same fixed-point start index per output, the same interpolated coefficients
 * (cached per start index, see {@link sincPhase}), and each output summed as {@link sincOutput}
 * does — so every sample is bit-identical to the library's. When the walk is a cycle (see
 * {@link walkCycle}) and the samples are finite, {@link cyclicResample} computes the very same sums
 * two outputs at a time.
 */
function exactResample(
  samples: Float32Array,
  ratio: number,
  outputLength: number,
  table: SincTable,
  allowCycle = true,
): Float32Array {
  const output = new Float32Array(outputLength);
  const floatIncrement = table.indexIncrement * Math.min(ratio, 1);
  const increment = lrint(floatIncrement * FP_ONE);
  const scale = floatIncrement / table.indexIncrement;
  const step = 1 / ratio;
  const cycle = allowCycle && allFinite(samples) ? walkCycle(step, floatIncrement) : null;
  if (cycle !== null) {
    const phases = cycle.starts.map((start) => sincPhase(table, increment, start));
    cyclicResample(samples, phases, Int32Array.from(cycle.advances), scale, output);
    return output;
  }
  const phases = new Map<number, SincPhase>();
  let cachedTaps = 0;
  // The last few phases used, checked before the map: small up-ratios cycle through a handful.
  const recentStarts = new Int32Array(RECENT_PHASES).fill(-1);
  const recent: SincPhase[] = [];
  let current = 0;
  let index = 0;
  for (let m = 0; m < outputLength; m++) {
    const start = lrint(index * floatIncrement * FP_ONE);
    const slot = m % RECENT_PHASES;
    let phase: SincPhase | undefined;
    for (let r = 0; r < RECENT_PHASES; r++) {
      if (recentStarts[r] === start) {
        phase = recent[r]!;
        break;
      }
    }
    if (phase === undefined) {
      phase = phases.get(start);
      if (phase === undefined) {
        phase = sincPhase(table, increment, start);
        if (cachedTaps < MAX_CACHED_TAPS) {
          phases.set(start, phase);
          cachedTaps += phase.left.length + phase.right.length;
        }
      }
    }
    recentStarts[slot] = start;
    recent[slot] = phase;
    output[m] = sincOutput(samples, phase, current, scale);
    index += step;
    const rem = fmodOne(index);
    current += lrint(index - rem);
    index = rem;
  }
  return output;
}

/**
 * The taps of two consecutive outputs (phase `a` at input position c, phase `b` at c + shift)
 * interleaved over one shared window of inputs: `left[2i]` and `left[2i + 1]` multiply input
 * c + leftFirst + i for a and b, `right[2i]`, `right[2i + 1]` input c + rightFirst − i. Where a
 * phase has no tap the weight is 0 (only before its first or after its last tap).
 */
interface PhasePair {
  left: Float64Array;
  leftFirst: number;
  right: Float64Array;
  rightFirst: number;
}

function phasePair(a: SincPhase, b: SincPhase, shift: number): PhasePair {
  const bLeftFirst = shift + b.leftFirst;
  const bRightFirst = shift + b.rightFirst;
  const leftFirst = Math.min(a.leftFirst, bLeftFirst);
  const leftLength = Math.max(a.leftFirst + a.left.length, bLeftFirst + b.left.length) - leftFirst;
  const left = new Float64Array(2 * leftLength);
  for (let i = 0; i < leftLength; i++) {
    left[2 * i] = a.left[leftFirst + i - a.leftFirst] ?? 0;
    left[2 * i + 1] = b.left[leftFirst + i - bLeftFirst] ?? 0;
  }
  const rightFirst = Math.max(a.rightFirst, bRightFirst);
  const rightLength = rightFirst - Math.min(a.rightFirst - a.right.length, bRightFirst - b.right.length);
  const right = new Float64Array(2 * rightLength);
  for (let i = 0; i < rightLength; i++) {
    right[2 * i] = a.right[i - (rightFirst - a.rightFirst)] ?? 0;
    right[2 * i + 1] = b.right[i - (rightFirst - bRightFirst)] ?? 0;
  }
  return { left, leftFirst, right, rightFirst };
}

/**
 * {@link exactResample} over a cyclic walk: output m uses phases[m mod P] at input position
 * current, then current += advances[m mod P]. Away from the edges two consecutive outputs are
 * summed together over one shared window of inputs (see {@link phasePair}): each input is read
 * once for both, and each of the four sums still adds its taps in libsamplerate's order. The
 * zero weights the shared window adds are bit-neutral: an accumulator starting at +0 is never −0
 * (round-to-nearest gives −0 only for −0 + −0), so adding 0 · x = ±0 leaves it unchanged for
 * every finite x — the caller takes this path only for finite samples.
 */
function cyclicResample(
  samples: Float32Array,
  phases: SincPhase[],
  advances: Int32Array,
  scale: number,
  output: Float32Array,
): void {
  const n = samples.length;
  const period = phases.length;
  const outputLength = output.length;
  // The pair starting at phase p (p, p + 1 mod P); with an odd P pairs start at every phase.
  const pairs = phases.map((a, p) => phasePair(a, phases[(p + 1) % period]!, advances[p]!));
  let current = 0;
  let p = 0;
  let m = 0;
  for (; m + 1 < outputLength; m += 2) {
    const q = p + 1 === period ? 0 : p + 1;
    const pair = pairs[p]!;
    const next = current + advances[p]!;
    const lw = pair.left;
    const rw = pair.right;
    const l0 = current + pair.leftFirst;
    const r0 = current + pair.rightFirst;
    const leftCount = lw.length >> 1;
    const rightCount = rw.length >> 1;
    if (l0 >= 0 && l0 + leftCount <= n && r0 < n && r0 - rightCount + 1 >= 0) {
      let leftA = 0;
      let leftB = 0;
      for (let i = 0; i < leftCount; i++) {
        const x = samples[l0 + i]!;
        leftA += lw[2 * i]! * x;
        leftB += lw[2 * i + 1]! * x;
      }
      let rightA = 0;
      let rightB = 0;
      for (let i = 0; i < rightCount; i++) {
        const x = samples[r0 - i]!;
        rightA += rw[2 * i]! * x;
        rightB += rw[2 * i + 1]! * x;
      }
      output[m] = scale * (leftA + rightA);
      output[m + 1] = scale * (leftB + rightB);
    } else {
      output[m] = sincOutput(samples, phases[p]!, current, scale);
      output[m + 1] = sincOutput(samples, phases[q]!, next, scale);
    }
    current = next + advances[q]!;
    p = q + 1 === period ? 0 : q + 1;
  }
  if (m < outputLength) output[m] = sincOutput(samples, phases[p]!, current, scale);
}

function allFinite(samples: Float32Array): boolean {
  for (let i = 0; i < samples.length; i++) if (!Number.isFinite(samples[i]!)) return false;
  return true;
}
