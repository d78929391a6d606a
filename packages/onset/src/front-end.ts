import { type Matrix, melSpectrogram, powerSpectrogram, powerToDb, type Spectrogram } from "@tactus/dsp";

export interface SpectralFrontEndOptions {
  /** FFT length in samples. Default 2048. */
  fftSize?: number;
  /** Samples between frames. Default 512. */
  hopLength?: number;
  /** Mel bands (Slaney scale and area normalisation, 0 Hz to sampleRate/2). Default 128. */
  nMels?: number;
  /** Floor of the dB matrix below its global maximum. Default 80. */
  topDb?: number;
}

export const SPECTRAL_FRONT_END_DEFAULTS = {
  fftSize: 2048,
  hopLength: 512,
  nMels: 128,
  topDb: 80,
} as const satisfies SpectralFrontEndOptions;

/**
 * The one STFT of an analysis and what is derived from it (reference P1–P2), so the onset
 * envelope, MFCCs, spectral contrast and activation functions can share it.
 */
export interface SpectralFrontEnd {
  /** |STFT|², (1 + fftSize/2) bins × frames; centred, zero-padded, periodic Hann. */
  readonly power: Spectrogram;
  /** Power mel spectrogram, nMels × frames. */
  readonly melPower: Matrix;
  /** `melPower` in dB (ref 1, amin 1e-10), floored at its global max − topDb. */
  readonly melDb: Matrix;
  readonly sampleRate: number;
  readonly fftSize: number;
  readonly hopLength: number;
}

/**
 * STFT → power → mel → dB with librosa 0.11 defaults (features.md P1–P2): the matrix behind
 * `librosa.onset.onset_strength` and `librosa.feature.mfcc`.
 */
export function spectralFrontEnd(
  samples: Float32Array,
  sampleRate = 22050,
  options: SpectralFrontEndOptions = {},
): SpectralFrontEnd {
  const fftSize = options.fftSize ?? SPECTRAL_FRONT_END_DEFAULTS.fftSize;
  const hopLength = options.hopLength ?? SPECTRAL_FRONT_END_DEFAULTS.hopLength;
  const nMels = options.nMels ?? SPECTRAL_FRONT_END_DEFAULTS.nMels;
  const topDb = options.topDb ?? SPECTRAL_FRONT_END_DEFAULTS.topDb;
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
  const power = powerSpectrogram(samples, { fftSize, hopLength });
  const melPower = melSpectrogram(power, { sampleRate, nMels, fMin: 0, fMax: sampleRate / 2 });
  const melDb = powerToDb(melPower, { ref: 1, amin: 1e-10, topDb });
  return { power, melPower, melDb, sampleRate, fftSize, hopLength };
}
