import { describe, expect, it } from "vitest";
import { CorruptAudioError } from "./errors.js";
import { type AudioData, decodeAudio } from "./load.js";
import { parseMpegFrameHeader } from "./mpeg.js";
import { FIXTURE_TONE, readFixture } from "./test-utils/fixtures.js";
import { zeroCrossingFrequency } from "./test-utils/signals.js";

const native = { sampleRate: null, mono: false } as const;

async function decodeCut(file: string, length: number): Promise<AudioData> {
  return decodeAudio(readFixture(file).subarray(0, length), { ...native, name: `cut-${file}` });
}

function expectPrefix(cut: AudioData, full: AudioData): void {
  expect(cut.samples.length).toBeGreaterThan(0);
  expect(cut.samples.length).toBeLessThan(full.samples.length);
  for (let c = 0; c < 2; c++) expect(cut.channels![c]).toEqual(full.channels![c]!.subarray(0, cut.samples.length));
}

describe("truncated WAV", () => {
  const file = "tone-stereo-44k1-pcm16.wav";
  const bytes = readFixture(file);
  const dataStart = 44; // sox writes a plain 44-byte header for 16-bit stereo

  it("decodes the whole frames present and flags truncation", async () => {
    const full = await decodeAudio(bytes, native);
    const cutLength = dataStart + 4 * 1000 + 3; // 1000 frames and 3 stray bytes
    const cut = await decodeCut(file, cutLength);
    expect(cut.truncated).toBe(true);
    expect(cut.samples.length).toBe(1000);
    expectPrefix(cut, full);
    expect(cut.warnings).toEqual([
      "truncated: the data chunk claims 26460 bytes but only 4003 are present; decoded 1000 of 6615 frames",
    ]);
  });

  it("throws CorruptAudioError when only the header survives", async () => {
    await expect(decodeCut(file, dataStart + 2)).rejects.toThrow(CorruptAudioError);
    await expect(decodeCut(file, dataStart + 2)).rejects.toThrow(
      "cut-tone-stereo-44k1-pcm16.wav: truncated: the data chunk claims 26460 bytes but the file ends after 2, less than one 4-byte frame",
    );
    await expect(decodeCut(file, 20)).rejects.toThrow(/file ends inside the fmt chunk/);
  });
});

describe("truncated MP3", () => {
  const file = "tone-stereo-44k1.mp3";

  it("decodes the complete frames before the cut and flags truncation", async () => {
    const bytes = readFixture(file);
    const cut = await decodeCut(file, Math.floor(bytes.length * 0.6));
    expect(cut.truncated).toBe(true);
    expect(cut.warnings[0]).toMatch(/^truncated: the file ends inside MPEG frame \d+$/);
    expect(cut.samples.length).toBeGreaterThan(17640 * 0.4);
    expect(cut.samples.length).toBeLessThan(17640 * 0.7);
    expect(zeroCrossingFrequency(cut.samples, cut.sampleRate)).toBeCloseTo(FIXTURE_TONE.frequencyHz, 0);
  });

  it("flags frames missing at a frame boundary via the Xing frame count", async () => {
    // Cut right after the 10th whole frame (the first is the Xing/Info frame, so 9 audio frames).
    const bytes = readFixture(file);
    let offset = 0;
    for (let frame = 0; frame < 10; frame++) offset += parseMpegFrameHeader(bytes, offset)!.frameBytes;
    const cut = await decodeCut(file, offset);
    expect(cut.truncated).toBe(true);
    expect(cut.warnings[0]).toMatch(/^truncated: the Xing\/Info header announces \d+ frames but only 9 are present$/);
  });

  it("throws CorruptAudioError when no complete audio frame is left", async () => {
    await expect(decodeCut(file, 600)).rejects.toThrow(CorruptAudioError);
    await expect(decodeCut(file, 600)).rejects.toThrow(/truncated: no complete MPEG audio frame/);
  });
});

describe("truncated FLAC", () => {
  const file = "tone-stereo-44k1.flac";

  it("decodes the complete frames and reports how many samples STREAMINFO promised", async () => {
    const bytes = readFixture(file);
    const full = await decodeAudio(bytes, native);
    const cut = await decodeCut(file, Math.floor(bytes.length * 0.6));
    expect(cut.truncated).toBe(true);
    expectPrefix(cut, full);
    expect(cut.warnings[0]).toBe(
      `truncated: STREAMINFO announces 17640 samples per channel but only ${cut.samples.length} decoded`,
    );
  });

  it("throws CorruptAudioError when cut inside STREAMINFO or before the first whole frame", async () => {
    await expect(decodeCut(file, 30)).rejects.toThrow(/inside the FLAC STREAMINFO block/);
    await expect(decodeCut(file, 200)).rejects.toThrow(/truncated: no complete FLAC frame/);
  });
});

describe("truncated Ogg", () => {
  // Page layout of the Vorbis fixture: headers end at 3852, audio pages end at 8259 and 10981 (EOS).
  const vorbis = "tone-stereo-44k1.ogg";

  it("Vorbis: keeps exactly the complete pages when the last one is cut", async () => {
    const full = await decodeAudio(readFixture(vorbis), native);
    const cut = await decodeCut(vorbis, 9000);
    expect(cut.truncated).toBe(true);
    expect(cut.warnings[0]).toBe("truncated: the file ends inside Ogg page 4");
    // Page 3's granule position: the samples complete after it.
    expect(cut.samples.length).toBe(10944);
    expectPrefix(cut, full);
  });

  it("Vorbis: a stream cut exactly at a page boundary is flagged by the missing end-of-stream page", async () => {
    const cut = await decodeCut(vorbis, 8259);
    expect(cut.truncated).toBe(true);
    expect(cut.warnings[0]).toBe("truncated: the stream ends after page 3 without an end-of-stream page");
  });

  it("Vorbis: throws CorruptAudioError when no audio page survives (or the setup header is cut)", async () => {
    await expect(decodeCut(vorbis, 5000)).rejects.toThrow(/truncated: no complete Vorbis audio page/);
    await expect(decodeCut(vorbis, 2000)).rejects.toThrow(CorruptAudioError);
    await expect(decodeCut(vorbis, 20)).rejects.toThrow(/truncated inside its first page/);
  });

  it("Opus: decodes only the complete pages before the cut (no invented concealment audio)", async () => {
    const opus = readFixture("tone-stereo-44k1.opus");
    const full = await decodeAudio(opus, native);
    const cut = await decodeCut("tone-stereo-44k1.opus", Math.floor(opus.length * 0.6));
    expect(cut.truncated).toBe(true);
    expect(cut.warnings[0]).toBe("truncated: the file ends inside Ogg page 5");
    expect(cut.sourceSampleRate).toBe(48000);
    // Page 4 ends at granule 9600; minus the 312-sample pre-skip.
    expect(cut.samples.length).toBe(9600 - 312);
    expectPrefix(cut, full);
    expect(zeroCrossingFrequency(cut.samples, 48000)).toBeCloseTo(FIXTURE_TONE.frequencyHz, 0);
  });
});
