/** Small sample-level building blocks for the synthesiser: tables, filters, noise, reverb, mixing. */
import type { Rng } from "./prng.js";

const TABLE_SIZE = 4096;
const SINE = new Float32Array(TABLE_SIZE + 1);
for (let i = 0; i <= TABLE_SIZE; i++) SINE[i] = Math.sin((2 * Math.PI * i) / TABLE_SIZE);

/** sin(2π·phase) by table lookup with linear interpolation; phase in cycles, any sign. */
export function sineCycles(phase: number): number {
  const x = (phase - Math.floor(phase)) * TABLE_SIZE;
  const i = x | 0;
  const f = x - i;
  return SINE[i]! + (SINE[i + 1]! - SINE[i]!) * f;
}

export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** Per-sample multiplier for an exponential decay with time constant `tauSec`. */
export function decayPerSample(tauSec: number, sampleRate: number): number {
  return Math.exp(-1 / (tauSec * sampleRate));
}

/**
 * Add a decaying sinusoid (amplitude `amp`, time constant `tauSec`) into `out`, by the
 * two-multiply recurrence s[n] = 2cos(ω)s[n−1] − s[n−2] instead of calling sin per sample.
 */
export function addDecayingSine(
  out: Float32Array,
  hz: number,
  amp: number,
  tauSec: number,
  sampleRate: number,
  startPhase = 0,
): void {
  if (hz <= 0 || hz >= sampleRate * 0.45) return;
  const w = (2 * Math.PI * hz) / sampleRate;
  const c = 2 * Math.cos(w);
  let s1 = Math.sin(startPhase - w);
  let s2 = Math.sin(startPhase - 2 * w);
  const d = decayPerSample(tauSec, sampleRate);
  let env = amp;
  for (let n = 0; n < out.length; n++) {
    const s = c * s1 - s2;
    s2 = s1;
    s1 = s;
    out[n] = out[n]! + env * s;
    env *= d;
    if (env < 1e-5 * amp) break;
  }
}

export type BiquadKind = "lowpass" | "highpass" | "bandpass";

/** RBJ-cookbook biquad, applied in place. */
export function biquad(x: Float32Array, kind: BiquadKind, hz: number, q: number, sampleRate: number): Float32Array {
  const w = (2 * Math.PI * Math.min(hz, sampleRate * 0.49)) / sampleRate;
  const cw = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  let b0: number;
  let b1: number;
  let b2: number;
  if (kind === "lowpass") {
    b0 = (1 - cw) / 2;
    b1 = 1 - cw;
    b2 = b0;
  } else if (kind === "highpass") {
    b0 = (1 + cw) / 2;
    b1 = -(1 + cw);
    b2 = b0;
  } else {
    b0 = alpha;
    b1 = 0;
    b2 = -alpha;
  }
  const a0 = 1 + alpha;
  const a1 = -2 * cw;
  const a2 = 1 - alpha;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < x.length; n++) {
    const xn = x[n]!;
    const yn = (b0 * xn + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    x2 = x1;
    x1 = xn;
    y2 = y1;
    y1 = yn;
    x[n] = yn;
  }
  return x;
}

export function whiteNoise(length: number, rng: Rng): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.next() * 2 - 1;
  return out;
}

/** Pink (1/f) noise, Paul Kellet's refined filter over white noise. */
export function pinkNoise(length: number, rng: Rng): Float32Array {
  const out = new Float32Array(length);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let b5 = 0;
  let b6 = 0;
  for (let i = 0; i < length; i++) {
    const w = rng.next() * 2 - 1;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.11;
    b6 = w * 0.115926;
  }
  return out;
}

/** Multiply by an exponential decay envelope with a linear attack. */
export function applyEnvelope(x: Float32Array, attackSec: number, tauSec: number, sampleRate: number): Float32Array {
  const attack = Math.max(1, Math.round(attackSec * sampleRate));
  const d = decayPerSample(tauSec, sampleRate);
  let env = 1;
  for (let n = 0; n < x.length; n++) {
    const a = n < attack ? n / attack : 1;
    x[n] = x[n]! * a * env;
    env *= d;
  }
  return x;
}

/** out[offset + i] += src[i] · gain, clipped to out's bounds. */
export function mixInto(out: Float32Array, src: Float32Array, offset: number, gain: number): void {
  const start = Math.max(0, -offset);
  const end = Math.min(src.length, out.length - offset);
  for (let i = start; i < end; i++) out[offset + i] = out[offset + i]! + src[i]! * gain;
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

export function peakAbs(x: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > peak) peak = a;
  }
  return peak;
}

/** A small Schroeder room (4 damped combs into 2 allpasses); returns the wet signal only. */
export function roomReverb(x: Float32Array, sampleRate: number, roomSize: number): Float32Array {
  const scale = sampleRate / 44100;
  const combDelays = [1116, 1188, 1277, 1356].map((d) => Math.max(1, Math.round(d * scale)));
  const allpassDelays = [556, 441].map((d) => Math.max(1, Math.round(d * scale)));
  const feedback = 0.7 + 0.25 * roomSize;
  const damp = 0.3;
  const wet = new Float32Array(x.length);
  for (const delay of combDelays) {
    const buf = new Float32Array(delay);
    let idx = 0;
    let store = 0;
    for (let n = 0; n < x.length; n++) {
      const y = buf[idx]!;
      store = y * (1 - damp) + store * damp;
      buf[idx] = x[n]! + store * feedback;
      if (++idx === delay) idx = 0;
      wet[n] = wet[n]! + y * 0.25;
    }
  }
  for (const delay of allpassDelays) {
    const buf = new Float32Array(delay);
    let idx = 0;
    for (let n = 0; n < wet.length; n++) {
      const bufOut = buf[idx]!;
      const input = wet[n]!;
      buf[idx] = input + bufOut * 0.5;
      wet[n] = bufOut - input;
      if (++idx === delay) idx = 0;
    }
  }
  return wet;
}
