/** Naive-DFT measurements for tests: slow but obviously correct, on short windows only. */

const windows = new Map<number, Float64Array>();
function hann(length: number): Float64Array {
  let w = windows.get(length);
  if (!w) {
    w = new Float64Array(length);
    for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (length - 1));
    windows.set(length, w);
  }
  return w;
}

/** Hann-windowed DFT power at one frequency over [startSec, startSec + windowSec). */
export function powerAt(samples: Float32Array, sampleRate: number, startSec: number, windowSec: number, hz: number): number {
  const start = Math.max(0, Math.round(startSec * sampleRate));
  const length = Math.min(Math.round(windowSec * sampleRate), samples.length - start);
  if (length < 2) return 0;
  const win = hann(length);
  const w = (2 * Math.PI * hz) / sampleRate;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let c = 1; // cos(wn), sin(wn) by rotation
  let s = 0;
  let re = 0;
  let im = 0;
  for (let n = 0; n < length; n++) {
    const x = samples[start + n]! * win[n]!;
    re += x * c;
    im -= x * s;
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
  return (re * re + im * im) / length;
}

/** Summed DFT power of the bins between loHz and hiHz (bin spacing 1/windowSec). */
export function bandEnergy(
  samples: Float32Array,
  sampleRate: number,
  startSec: number,
  windowSec: number,
  loHz: number,
  hiHz: number,
): number {
  const spacing = 1 / windowSec;
  let sum = 0;
  for (let k = Math.max(1, Math.ceil(loHz / spacing)); k * spacing <= hiHz; k++) {
    sum += powerAt(samples, sampleRate, startSec, windowSec, k * spacing);
  }
  return sum;
}

/** 12-bin pitch-class profile from DFT power at equal-tempered pitches MIDI 45..83, unit length. */
export function chroma(samples: Float32Array, sampleRate: number, startSec: number, windowSec: number): number[] {
  const bins = new Array<number>(12).fill(0);
  for (let midi = 45; midi <= 83; midi++) {
    const hz = 440 * 2 ** ((midi - 69) / 12);
    bins[midi % 12] = bins[midi % 12]! + Math.sqrt(powerAt(samples, sampleRate, startSec, windowSec, hz));
  }
  const norm = Math.sqrt(bins.reduce((a, b) => a + b * b, 0)) || 1;
  return bins.map((b) => b / norm);
}

/** 1 − cosine similarity of two unit vectors. */
export function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return 1 - dot;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
