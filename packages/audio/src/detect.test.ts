import { describe, expect, it } from "vitest";
import { detectFormat } from "./detect.js";
import { CorruptAudioError, EmptyAudioFileError, NotAudioError, UnsupportedCodecError } from "./errors.js";
import { decodeAudio } from "./load.js";
import { ascii, concat, oggPage } from "./test-utils/containers.js";
import { readFixture } from "./test-utils/fixtures.js";
import { randomBytes } from "./test-utils/signals.js";

const PATH = "clip.bin";

/** An ID3v2.3 tag with `size` bytes of (zero) payload; the size is written "syncsafe". */
function id3Tag(size: number): Uint8Array {
  const header = concat(ascii("ID3"), new Uint8Array([3, 0, 0]));
  const syncsafe = new Uint8Array([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
  return concat(header, syncsafe, new Uint8Array(size));
}

describe("detectFormat by magic bytes", () => {
  it.each([
    ["tone-stereo-44k1-pcm16.wav", "wav"],
    ["tone-stereo-44k1.mp3", "mp3"],
    ["tone-stereo-44k1.flac", "flac"],
    ["tone-stereo-44k1.ogg", "ogg-vorbis"],
    ["tone-stereo-44k1.opus", "ogg-opus"],
  ] as const)("%s is %s", (file, format) => {
    expect(detectFormat(readFixture(file), PATH)).toEqual({ format, offset: 0 });
  });

  it("looks past an ID3v2 tag (syncsafe size, >127 bytes) to MPEG frames or a FLAC stream", () => {
    const tag = id3Tag(300);
    expect(detectFormat(concat(tag, readFixture("tone-stereo-44k1.mp3")), PATH)).toEqual({ format: "mp3", offset: 310 });
    expect(detectFormat(concat(tag, readFixture("tone-stereo-44k1.flac")), PATH)).toEqual({ format: "flac", offset: 310 });
    // Unannounced zero padding after the tag is skipped too.
    const padded = concat(tag, new Uint8Array(50), readFixture("tone-stereo-44k1.mp3"));
    expect(detectFormat(padded, PATH)).toEqual({ format: "mp3", offset: 360 });
  });

  it("decodes an ID3-tagged MP3 exactly like the untagged one", async () => {
    const mp3 = readFixture("tone-stereo-44k1.mp3");
    const [plain, tagged] = await Promise.all([
      decodeAudio(mp3, { sampleRate: null }),
      decodeAudio(concat(id3Tag(300), mp3), { sampleRate: null }),
    ]);
    expect(tagged.samples).toEqual(plain.samples);
  });

  it("does not trust the extension: a FLAC named .wav is FLAC", async () => {
    const audio = await decodeAudio(readFixture("tone-stereo-44k1.flac"), { name: "song.wav" });
    expect(audio.format).toBe("flac");
  });

  it("names recognised but unsupported containers (M4A/AAC, ADTS, RF64, AIFF, Ogg FLAC)", () => {
    const cases: [Uint8Array, RegExp][] = [
      [concat(new Uint8Array([0, 0, 0, 0x20]), ascii("ftypM4A "), new Uint8Array(24)), /MP4\/M4A .*no maintained pure-JS\/WASM AAC decoder/],
      [new Uint8Array([0xff, 0xf1, 0x50, 0x80, 0x2e, 0x7f, 0xfc]), /raw AAC \(ADTS\)/],
      [concat(ascii("RF64"), new Uint8Array(4), ascii("WAVE")), /RF64/],
      [concat(ascii("FORM"), new Uint8Array(4), ascii("AIFF")), /AIFF/],
      [oggPage(concat(new Uint8Array([0x7f]), ascii("FLAC"), new Uint8Array(20)), 2, 0n, 0), /FLAC inside Ogg/],
      [oggPage(ascii("\x80theora-video-header"), 2, 0n, 0), /unsupported codec/],
    ];
    for (const [bytes, reason] of cases) {
      expect(() => detectFormat(bytes, PATH)).toThrow(UnsupportedCodecError);
      expect(() => detectFormat(bytes, PATH)).toThrow(reason);
    }
  });

  it("rejects unknown data as NotAudioError, quoting the first bytes", () => {
    const random = randomBytes(4096, 7);
    expect(() => detectFormat(random, PATH)).toThrow(NotAudioError);
    expect(() => detectFormat(ascii("hello world, not audio"), PATH)).toThrow(
      "clip.bin: not a recognised audio format (starts with 68 65 6c 6c 6f 20 77 6f)",
    );
    expect(() => detectFormat(new Uint8Array([0x52]), PATH)).toThrow("clip.bin: not a recognised audio format (only 1 byte, starts with 52)");
    expect(() => detectFormat(concat(ascii("RIFF"), new Uint8Array(4), ascii("AVI ")), PATH)).toThrow(/"AVI " is not WAVE audio/);
  });

  it("a lone MPEG-looking header without a confirming second frame is not audio", () => {
    const bytes = new Uint8Array(2000);
    bytes.set([0xff, 0xfb, 0x90, 0x44], 0);
    expect(() => detectFormat(bytes, PATH)).toThrow(NotAudioError);
  });

  it("reports truncated container headers as corrupt and empty input as empty", () => {
    expect(() => detectFormat(ascii("RIFF\x10\x00"), PATH)).toThrow(CorruptAudioError);
    expect(() => detectFormat(ascii("ID3\x03\x00"), PATH)).toThrow(/ID3v2 tag header is truncated/);
    expect(() => detectFormat(id3Tag(100), PATH)).toThrow(/no audio follows it/);
    expect(() => detectFormat(new Uint8Array(0), PATH)).toThrow(EmptyAudioFileError);
  });
});
