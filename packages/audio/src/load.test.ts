import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AudioError,
  AudioFileNotFoundError,
  AudioIsDirectoryError,
  CorruptAudioError,
  EmptyAudioFileError,
  NoSamplesError,
  NotAudioError,
  UnsupportedCodecError,
} from "./errors.js";
import { decodeAudio, downmix, loadAudio } from "./load.js";
import { buildWav, interleave } from "./test-utils/containers.js";
import { readFixture } from "./test-utils/fixtures.js";
import { randomBytes, sine, toneAmplitude, zeroCrossingFrequency } from "./test-utils/signals.js";
import { encodeWav, writeWav } from "./wav-encode.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tactus-audio-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Write `bytes` to a file in the temp dir and return the AudioError loadAudio throws for it. */
async function loadError(name: string, bytes: Uint8Array): Promise<AudioError> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return loadAudio(path).then(
    () => {
      throw new Error(`expected ${name} to fail`);
    },
    (error: unknown) => error as AudioError,
  );
}

describe("loadAudio errors carry the path and the reason", () => {
  it("missing file → AudioFileNotFoundError", async () => {
    const path = join(dir, "nope.wav");
    const error = await loadAudio(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioFileNotFoundError);
    expect(error).toBeInstanceOf(AudioError);
    expect(error).toMatchObject({ name: "AudioFileNotFoundError", path, reason: "no such file", message: `${path}: no such file` });
  });

  it("directory → AudioIsDirectoryError", async () => {
    const path = join(dir, "folder.mp3");
    await mkdir(path);
    await expect(loadAudio(path)).rejects.toThrow(AudioIsDirectoryError);
    await expect(loadAudio(path)).rejects.toThrow(`${path}: is a directory, not an audio file`);
  });

  it("empty file → EmptyAudioFileError", async () => {
    const error = await loadError("empty.wav", new Uint8Array(0));
    expect(error).toBeInstanceOf(EmptyAudioFileError);
    expect(error.message).toBe(`${join(dir, "empty.wav")}: file is empty (0 bytes)`);
  });

  it("one byte, or random bytes named .wav / .mp3 → NotAudioError", async () => {
    for (const [name, bytes] of [
      ["one.wav", new Uint8Array([0x52])],
      ["noise.wav", randomBytes(2048, 1)],
      ["noise.mp3", randomBytes(2048, 2)],
    ] as const) {
      const error = await loadError(name, bytes);
      expect(error).toBeInstanceOf(NotAudioError);
      expect(error.path).toBe(join(dir, name));
      expect(error.reason).toMatch(/^not a recognised audio format/);
    }
  });

  it("a WAV with zero samples → NoSamplesError", async () => {
    const error = await loadError("silent.wav", encodeWav(new Float32Array(0), 44100));
    expect(error).toBeInstanceOf(NoSamplesError);
    expect(error.reason).toBe("the data chunk holds no samples");
  });

  it("a WAV header claiming data that is absent → CorruptAudioError; partly present → result + warning", async () => {
    const full = encodeWav(sine(440, 8000, 0.1), 8000);
    const headerOnly = await loadError("header-only.wav", full.subarray(0, 44));
    expect(headerOnly).toBeInstanceOf(CorruptAudioError);
    expect(headerOnly.reason).toMatch(/^truncated: the data chunk claims 1600 bytes but the file ends after 0/);

    const path = join(dir, "half.wav");
    await writeFile(path, full.subarray(0, 44 + 800));
    const half = await loadAudio(path, { sampleRate: null });
    expect(half.truncated).toBe(true);
    expect(half.samples.length).toBe(400);
    expect(half.warnings).toEqual(["truncated: the data chunk claims 1600 bytes but only 800 are present; decoded 400 of 800 frames"]);
  });

  it("M4A → UnsupportedCodecError that says why", async () => {
    const m4a = new Uint8Array(64);
    m4a.set([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20]); // ....ftypM4A
    const error = await loadError("song.m4a", m4a);
    expect(error).toBeInstanceOf(UnsupportedCodecError);
    expect(error.reason).toMatch(/no maintained pure-JS\/WASM AAC decoder/);
  });
});

describe("decodeAudio", () => {
  it("replaces NaN and ±Infinity in float WAVs with 0 and warns", async () => {
    const data = interleave([[0.5, Number.NaN, Number.POSITIVE_INFINITY, -0.25, Number.NEGATIVE_INFINITY]], "f32");
    const wav = buildWav({ formatCode: 3, channels: 1, sampleRate: 8000, bitsPerSample: 32, data });
    const audio = await decodeAudio(wav, { sampleRate: null, name: "nan.wav" });
    expect(Array.from(audio.samples)).toEqual([0.5, 0, 0, -0.25, 0]);
    expect(audio.warnings).toEqual(["replaced 3 non-finite samples (NaN/Infinity) with 0"]);
  });

  it("downmixes by the mean and resamples: stereo 1 kHz (0.8, 0.2) at 48 kHz → 0.5 at 22.05 kHz", async () => {
    const left = sine(1000, 48000, 0.5, 0.8);
    const right = sine(1000, 48000, 0.5, 0.2);
    const interleaved = new Float32Array(left.length * 2);
    for (let i = 0; i < left.length; i++) {
      interleaved[2 * i] = left[i]!;
      interleaved[2 * i + 1] = right[i]!;
    }
    const audio = await decodeAudio(encodeWav(interleaved, 48000, { channels: 2, format: "float32" }), { mono: false });
    expect(audio).toMatchObject({ sampleRate: 22050, sourceSampleRate: 48000, sourceChannels: 2, format: "wav" });
    expect(audio.samples.length).toBe(11025);
    expect(audio.durationSec).toBe(0.5);
    const middle = (x: Float32Array) => x.subarray(2205, 2205 + 6615); // 300 whole periods
    expect(toneAmplitude(middle(audio.samples), 1000, 22050)).toBeCloseTo(0.5, 3);
    expect(toneAmplitude(middle(audio.channels![0]!), 1000, 22050)).toBeCloseTo(0.8, 3);
    expect(toneAmplitude(middle(audio.channels![1]!), 1000, 22050)).toBeCloseTo(0.2, 3);
  });

  it("skips resampling when the file is already at the target rate", async () => {
    const x = sine(440, 22050, 0.2, 0.5);
    const audio = await decodeAudio(encodeWav(x, 22050, { format: "float32" }));
    expect(audio.samples).toEqual(x);
  });

  it("treats an option set to undefined as its default (22050 Hz, mono)", async () => {
    const audio = await decodeAudio(encodeWav(sine(440, 44100, 0.1), 44100), { sampleRate: undefined, mono: undefined });
    expect(audio.sampleRate).toBe(22050);
    expect(audio.samples.length).toBe(2205);
    expect(audio.channels).toBeUndefined();
  });

  it("rejects an invalid sampleRate option", async () => {
    await expect(decodeAudio(encodeWav(sine(440, 8000, 0.1), 8000), { sampleRate: 0 })).rejects.toThrow(RangeError);
  });

  it("loads a file written by writeWav", async () => {
    const path = join(dir, "nested", "tone.wav");
    await writeWav(path, sine(440, 44100, 0.5, 0.5), 44100);
    const audio = await loadAudio(path);
    expect(audio.sampleRate).toBe(22050);
    expect(zeroCrossingFrequency(audio.samples.subarray(500, 10500), 22050)).toBeCloseTo(440, 1);
  });

  it("decodes the in-memory fixture the same as loading it from disk would", async () => {
    const audio = await decodeAudio(readFixture("tone-stereo-44k1.opus"), { name: "upload.opus" });
    expect(audio.format).toBe("ogg-opus");
    expect(audio.durationSec).toBeCloseTo(0.4, 4);
  });
});

describe("downmix", () => {
  it("averages channels and returns a single channel as is", () => {
    expect(Array.from(downmix([new Float32Array([1, 0.5]), new Float32Array([0, -0.5]), new Float32Array([0.5, 0])]))).toEqual([
      0.5, 0,
    ]);
    const mono = new Float32Array([0.1]);
    expect(downmix([mono])).toBe(mono);
  });
});
