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
  const output = new Float32Array(outputLength);
  if (outputLength === 0) return output;
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
