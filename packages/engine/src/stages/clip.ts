/**
 * The audio-derived intermediates of one analysis, each computed at most once and shared between
 * stages: the 2048/512 front end (onsets; also the features when the clip is ≤ 30 s), the prepared
 * 30 s clip and its `ClipAnalysis` (audio block, SSM chroma, HCDF chroma), the DSP activations.
 */
import { type Activations, sharedActivations } from "@tactus/beat-trackers";
import { analyzeClip, type ClipAnalysis, type PrepareResult, prepareClip } from "@tactus/features";
import { type SpectralFrontEnd, spectralFrontEnd } from "@tactus/onset";

export class ClipContext {
  #frontEnd: SpectralFrontEnd | undefined;
  #prepared: PrepareResult | undefined;
  #analysis: ClipAnalysis | null | undefined;
  /** Set by the tracker stage when it ran (its activations are the signals' downbeat activation). */
  activations: Activations | undefined;

  constructor(
    readonly samples: Float32Array,
    readonly sampleRate: number,
  ) {}

  frontEnd(): SpectralFrontEnd {
    this.#frontEnd ??= spectralFrontEnd(this.samples, this.sampleRate);
    return this.#frontEnd;
  }

  /** The centred 30 s crop (prepareClip); a rejection under 2 s. */
  prepared(): PrepareResult {
    this.#prepared ??= prepareClip(this.samples, this.sampleRate);
    return this.#prepared;
  }

  /** `analyzeClip` of the crop, reusing the full front end when the crop is the whole clip; null when too short. */
  analysis(): ClipAnalysis | null {
    if (this.#analysis === undefined) {
      const clip = this.prepared();
      if (!clip.ok) this.#analysis = null;
      else {
        const whole = clip.samples.length === this.samples.length;
        this.#analysis = analyzeClip(clip.samples, this.sampleRate, whole ? { frontEnd: this.frontEnd() } : {});
      }
    }
    return this.#analysis;
  }

  downbeatActivation(): Activations {
    this.activations ??= sharedActivations(this.samples, this.sampleRate);
    return this.activations;
  }
}
