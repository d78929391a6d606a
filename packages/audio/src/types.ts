/** Containers/codecs this package decodes, as detected from the file's magic bytes. */
export type AudioFormat = "wav" | "mp3" | "flac" | "ogg-vorbis" | "ogg-opus";

/** Planar PCM straight out of a decoder, before downmix and resampling. */
export interface DecodedPcm {
  /** One array per source channel, all the same length, nominally in [-1, 1]. */
  channelData: Float32Array[];
  sampleRate: number;
  /** True when the data ended before the container said it would; the samples present are kept. */
  truncated: boolean;
  /** Human-readable notes about recoverable problems (truncation, replaced samples, …). */
  warnings: string[];
}
