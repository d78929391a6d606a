import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type WavSampleFormat = "pcm16" | "float32";

export interface EncodeWavOptions {
  /** `pcm16` (default, what most tools expect) or `float32` (lossless for Float32Array input). */
  format?: WavSampleFormat;
}

/**
 * Encode mono or interleaved multi-channel samples in [-1, 1] as a RIFF/WAVE file.
 * PCM16 rounds to nearest and clips; float32 is written as WAVE_FORMAT_IEEE_FLOAT.
 */
export function encodeWav(
  samples: Float32Array,
  sampleRate: number,
  options: EncodeWavOptions & { channels?: number } = {},
): Uint8Array {
  const format = options.format ?? "pcm16";
  const channels = options.channels ?? 1;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`invalid sample rate ${sampleRate}`);
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`invalid channel count ${channels}`);
  if (samples.length % channels !== 0) throw new RangeError("sample count is not a multiple of the channel count");
  const bytesPerSample = format === "pcm16" ? 2 : 4;
  const dataBytes = samples.length * bytesPerSample;
  const buffer = new ArrayBuffer(44 + dataBytes);
  const view = new DataView(buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, format === "pcm16" ? 1 : 3, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  if (format === "pcm16") {
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]!));
      view.setInt16(44 + 2 * i, Math.round(s < 0 ? s * 32768 : s * 32767), true);
    }
  } else {
    for (let i = 0; i < samples.length; i++) view.setFloat32(44 + 4 * i, samples[i]!, true);
  }
  return new Uint8Array(buffer);
}

/** Write a WAV file atomically (temporary file, then rename), creating parent folders. */
export async function writeWav(
  path: string,
  samples: Float32Array,
  sampleRate: number,
  options: EncodeWavOptions & { channels?: number } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, encodeWav(samples, sampleRate, options));
  await rename(tmp, path);
}
