import { magnitudeSpectrogram, type Spectrogram, type StftOptions, toScale } from "./stft.js";

export interface PiptrackOptions {
  sampleRate: number;
  /** Lowest frequency considered, Hz. Default 150. */
  fMin?: number;
  /** Frequencies must be below this, Hz. Default 4000. */
  fMax?: number;
  /** A bin counts when above threshold × the frame's maximum magnitude. Default 0.1. */
  threshold?: number;
}

export const PIPTRACK_DEFAULTS = { fMin: 150, fMax: 4000, threshold: 0.1 } as const satisfies Omit<
  PiptrackOptions,
  "sampleRate"
>;

/** Spectral peaks found by {@link piptrack}, one entry per (frame, bin) peak. */
export interface PitchPeaks {
  readonly frame: Int32Array;
  readonly bin: Int32Array;
  /** Parabolically interpolated frequency, Hz. */
  readonly frequencyHz: Float64Array;
  /** Interpolated magnitude S + ½·gradient·shift. */
  readonly magnitude: Float64Array;
}

/**
 * librosa.piptrack on a magnitude spectrogram (a power spectrogram is converted to magnitude):
 * bins above threshold·(frame max) that are local maxima within [fMin, fMax), with parabolic
 * interpolation of frequency and magnitude. Returns only the peaks (librosa's nonzero entries).
 */
export function piptrack(spectrogram: Spectrogram, options: PiptrackOptions): PitchPeaks {
  const s = toScale(spectrogram, "magnitude");
  const { sampleRate } = options;
  const fMin = Math.max(options.fMin ?? PIPTRACK_DEFAULTS.fMin, 0);
  const fMax = Math.min(options.fMax ?? PIPTRACK_DEFAULTS.fMax, sampleRate / 2);
  const threshold = options.threshold ?? PIPTRACK_DEFAULTS.threshold;
  const { nRows: nBins, nCols: nFrames, data } = s;
  const binHz = sampleRate / s.fftSize;
  const frames: number[] = [];
  const bins: number[] = [];
  const freqs: number[] = [];
  const mags: number[] = [];
  const column = new Float64Array(nBins);
  const masked = new Float64Array(nBins);
  for (let t = 0; t < nFrames; t++) {
    let max = 0;
    for (let k = 0; k < nBins; k++) {
      column[k] = data[k * nFrames + t];
      if (column[k] > max) max = column[k];
    }
    const ref = threshold * max;
    for (let k = 0; k < nBins; k++) masked[k] = column[k] > ref ? column[k] : 0;
    for (let k = 0; k < nBins; k++) {
      const f = k * binHz;
      if (f < fMin || f >= fMax) continue;
      // util.localmax with edge padding: strictly above the left neighbour, not below the right.
      const left = k > 0 ? masked[k - 1] : masked[k];
      const right = k < nBins - 1 ? masked[k + 1] : masked[k];
      if (!(masked[k] > left && masked[k] >= right)) continue;
      let shift = 0;
      if (k > 0 && k < nBins - 1) {
        const a = column[k + 1] + column[k - 1] - 2 * column[k];
        const b = (column[k + 1] - column[k - 1]) / 2;
        shift = Math.abs(b) >= Math.abs(a) ? 0 : -b / a;
      }
      const gradient =
        k === 0
          ? column[1] - column[0]
          : k === nBins - 1
            ? column[k] - column[k - 1]
            : (column[k + 1] - column[k - 1]) / 2;
      frames.push(t);
      bins.push(k);
      freqs.push((k + shift) * binHz);
      mags.push(column[k] + 0.5 * gradient * shift);
    }
  }
  return {
    frame: Int32Array.from(frames),
    bin: Int32Array.from(bins),
    frequencyHz: Float64Array.from(freqs),
    magnitude: Float64Array.from(mags),
  };
}

export interface PitchTuningOptions {
  /** Histogram resolution as a fraction of a bin. Default 0.01. */
  resolution?: number;
  /** Bins per octave the tuning is expressed in. Default 12. */
  binsPerOctave?: number;
}

export const PITCH_TUNING_DEFAULTS = { resolution: 0.01, binsPerOctave: 12 } as const satisfies PitchTuningOptions;

/**
 * librosa.pitch_tuning: the left edge of the fullest histogram bin of the residuals
 * binsPerOctave·log2(f / 27.5 Hz) mod 1, folded into [−0.5, 0.5). 0 for an empty set.
 */
export function pitchTuning(frequenciesHz: ArrayLike<number>, options: PitchTuningOptions = {}): number {
  const resolution = options.resolution ?? PITCH_TUNING_DEFAULTS.resolution;
  const binsPerOctave = options.binsPerOctave ?? PITCH_TUNING_DEFAULTS.binsPerOctave;
  const nHist = Math.ceil(1 / resolution);
  // numpy.linspace(-0.5, 0.5, nHist + 1): start + i·step, last edge exactly 0.5.
  const step = 1 / nHist;
  const edges = new Float64Array(nHist + 1);
  for (let i = 0; i <= nHist; i++) edges[i] = i === nHist ? 0.5 : -0.5 + i * step;
  const counts = new Int32Array(nHist);
  let any = false;
  for (let i = 0; i < frequenciesHz.length; i++) {
    const f = frequenciesHz[i];
    if (!(f > 0)) continue;
    any = true;
    const octs = binsPerOctave * Math.log2(f / 27.5);
    let r = octs - Math.floor(octs); // numpy mod: [0, 1)
    if (r >= 0.5) r -= 1;
    let idx = Math.min(nHist - 1, Math.max(0, Math.floor((r + 0.5) * nHist)));
    if (r < edges[idx]) idx--;
    else if (idx < nHist - 1 && r >= edges[idx + 1]) idx++;
    if (idx >= 0) counts[idx]++;
  }
  if (!any) return 0;
  let best = 0;
  for (let i = 1; i < nHist; i++) if (counts[i] > counts[best]) best = i;
  return edges[best];
}

export interface EstimateTuningOptions extends PiptrackOptions, PitchTuningOptions, StftOptions {}

/**
 * librosa.estimate_tuning: piptrack peaks whose magnitude is at least the median peak magnitude,
 * then {@link pitchTuning}. `input` is samples (a 2048/512 Hann STFT is taken) or a precomputed
 * spectrogram, so chroma can reuse the STFT the rest of the features already computed.
 */
export function estimateTuning(input: Float32Array | Spectrogram, options: EstimateTuningOptions): number {
  const s = input instanceof Float32Array ? magnitudeSpectrogram(input, options) : input;
  const peaks = piptrack(s, options);
  const positive: number[] = [];
  for (let i = 0; i < peaks.frequencyHz.length; i++) if (peaks.frequencyHz[i] > 0) positive.push(peaks.magnitude[i]);
  const threshold = positive.length > 0 ? median(positive) : 0;
  const selected: number[] = [];
  for (let i = 0; i < peaks.frequencyHz.length; i++) {
    if (peaks.frequencyHz[i] > 0 && peaks.magnitude[i] >= threshold) selected.push(peaks.frequencyHz[i]);
  }
  return pitchTuning(selected, options);
}

/** numpy.median: mean of the two middle values for an even count. */
function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}
