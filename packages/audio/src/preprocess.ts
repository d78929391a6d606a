/**
 * Preprocessing as in reference/signals.md §2.2: peak normalisation, then a causal 4th-order
 * Butterworth high-pass at 60 Hz, designed as second-order sections like
 * scipy.signal.butter(order, cutoffHz, "highpass", fs=sampleRate, output="sos").
 */

import { withDefaults } from "./options.js";

export interface HighpassOptions {
  cutoffHz?: number;
  order?: number;
}

export const HIGHPASS_DEFAULTS: Required<HighpassOptions> = { cutoffHz: 60, order: 4 };

/**
 * Second-order sections in scipy's layout: one row of six numbers [b0, b1, b2, a0 = 1, a1, a2]
 * per section, rows concatenated. A first-order section has b2 = a2 = 0.
 */
export type Sos = Float64Array;

const SOS_ROW = 6;

/** Divide by the largest absolute value; an all-zero signal comes back unchanged (as a copy). */
export function peakNormalize(samples: Float32Array | Float64Array): Float32Array {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const magnitude = Math.abs(samples[i]!);
    if (magnitude > peak) peak = magnitude;
  }
  const out = Float32Array.from(samples);
  if (peak === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] = samples[i]! / peak;
  return out;
}

/**
 * Digital Butterworth high-pass as second-order sections: analog prototype poles, low-pass to
 * high-pass, bilinear transform with the cutoff pre-warped to 2·fs·tan(π·fc/fs). Sections are
 * ordered like scipy's zpk2sos (poles nearest the unit circle last) and the overall gain sits in
 * the first section, so the coefficients match scipy's to rounding.
 */
export function butterworthHighpassSos(order: number, cutoffHz: number, sampleRate: number): Sos {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`order must be a positive integer, got ${order}`);
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
  if (!(cutoffHz > 0 && cutoffHz < sampleRate / 2))
    throw new RangeError(`cutoffHz must lie in (0, ${sampleRate / 2}) for sampleRate ${sampleRate}, got ${cutoffHz}`);
  // Pre-warped cutoff divided by 2·fs, so the bilinear map is s/(2·fs) = (1 − z⁻¹)/(1 + z⁻¹).
  const w = Math.tan((Math.PI * cutoffHz) / sampleRate);
  const pairs = Math.floor(order / 2);
  const sections = pairs + (order % 2);
  const sos = new Float64Array(sections * SOS_ROW);
  let gain = 1;
  let row = 0;
  if (order % 2 === 1) {
    // Real pole: s/(s + ωc) → (1 − z⁻¹)/((1 + w) + (w − 1)z⁻¹). Most damped, so first.
    const a0 = 1 + w;
    sos.set([1, -1, 0, 1, (w - 1) / a0, 0], 0);
    gain /= a0;
    row++;
  }
  // Conjugate pairs s² + 2ζs + 1 with ζ = sin(π(2k + 1)/(2N)); most damped (largest ζ) first.
  for (let k = pairs - 1; k >= 0; k--, row++) {
    const zeta = Math.sin((Math.PI * (2 * k + 1)) / (2 * order));
    // High-pass section s²/(s² + 2ζωc·s + ωc²) after the bilinear map, normalised to a0 = 1.
    const a0 = 1 + 2 * zeta * w + w * w;
    sos.set([1, -2, 1, 1, (2 * w * w - 2) / a0, (1 - 2 * zeta * w + w * w) / a0], row * SOS_ROW);
    gain /= a0;
  }
  for (let i = 0; i < 3; i++) sos[i]! *= gain;
  return sos;
}

/**
 * Run a signal through second-order sections once, forward, from zero initial state
 * (transposed direct form II per section, like scipy.signal.sosfilt). Float64 throughout.
 */
export function sosFilter(sos: Sos, samples: Float32Array | Float64Array): Float64Array {
  if (sos.length % SOS_ROW !== 0) throw new RangeError(`sos length ${sos.length} is not a multiple of ${SOS_ROW}`);
  const out = Float64Array.from(samples);
  for (let row = 0; row < sos.length; row += SOS_ROW) {
    const a0 = sos[row + 3]!;
    const b0 = sos[row]! / a0;
    const b1 = sos[row + 1]! / a0;
    const b2 = sos[row + 2]! / a0;
    const a1 = sos[row + 4]! / a0;
    const a2 = sos[row + 5]! / a0;
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < out.length; i++) {
      const x = out[i]!;
      const y = b0 * x + z1;
      z1 = b1 * x - a1 * y + z2;
      z2 = b2 * x - a2 * y;
      out[i] = y;
    }
  }
  return out;
}

/** |H(e^{jω})| of a cascade of sections at `frequencyHz`. */
export function sosMagnitudeResponse(sos: Sos, frequencyHz: number, sampleRate: number): number {
  const omega = (2 * Math.PI * frequencyHz) / sampleRate;
  // Evaluate each polynomial in z⁻¹ = e^{−jω}.
  const c1 = Math.cos(omega);
  const s1 = -Math.sin(omega);
  const c2 = Math.cos(2 * omega);
  const s2 = -Math.sin(2 * omega);
  let magnitude = 1;
  for (let row = 0; row < sos.length; row += SOS_ROW) {
    const numRe = sos[row]! + sos[row + 1]! * c1 + sos[row + 2]! * c2;
    const numIm = sos[row + 1]! * s1 + sos[row + 2]! * s2;
    const denRe = sos[row + 3]! + sos[row + 4]! * c1 + sos[row + 5]! * c2;
    const denIm = sos[row + 4]! * s1 + sos[row + 5]! * s2;
    magnitude *= Math.hypot(numRe, numIm) / Math.hypot(denRe, denIm);
  }
  return magnitude;
}

/** Causal Butterworth high-pass (defaults: 4th order, 60 Hz). */
export function highpass(
  samples: Float32Array | Float64Array,
  sampleRate: number,
  options: HighpassOptions = {},
): Float32Array {
  const { cutoffHz, order } = withDefaults(HIGHPASS_DEFAULTS, options);
  return Float32Array.from(sosFilter(butterworthHighpassSos(order, cutoffHz, sampleRate), samples));
}

/** The reference preprocessing chain: peak-normalise, then high-pass. */
export function preprocess(
  samples: Float32Array | Float64Array,
  sampleRate: number,
  options: HighpassOptions = {},
): Float32Array {
  return highpass(peakNormalize(samples), sampleRate, options);
}
