import { describe, expect, it } from "vitest";
import { CorruptAudioError, NoSamplesError, UnsupportedCodecError } from "./errors.js";
import { ascii, buildWav, concat, interleave } from "./test-utils/containers.js";
import { decodeWav } from "./wav.js";
import { encodeWav } from "./wav-encode.js";

const PATH = "test.wav";
const base = { channels: 1, sampleRate: 8000 };

describe("decodeWav sample formats", () => {
  it("8-bit PCM is unsigned with 128 as zero", () => {
    const data = interleave([[0, 64, 128, 192, 255]], "u8");
    const pcm = decodeWav(buildWav({ ...base, formatCode: 1, bitsPerSample: 8, data }), PATH);
    expect(Array.from(pcm.channelData[0]!)).toEqual([-1, -0.5, 0, 0.5, 127 / 128]);
    expect(pcm.sampleRate).toBe(8000);
    expect(pcm.truncated).toBe(false);
    expect(pcm.warnings).toEqual([]);
  });

  it("16-bit PCM divides by 32768", () => {
    const data = interleave([[-32768, -16384, 0, 1, 32767]], "s16");
    const pcm = decodeWav(buildWav({ ...base, formatCode: 1, bitsPerSample: 16, data }), PATH);
    expect(Array.from(pcm.channelData[0]!)).toEqual([-1, -0.5, 0, 1 / 32768, 32767 / 32768]);
  });

  it("24-bit PCM sign-extends three bytes", () => {
    const data = interleave([[-8388608, -1, 0, 4194304, 8388607]], "s24");
    const pcm = decodeWav(buildWav({ ...base, formatCode: 1, bitsPerSample: 24, data }), PATH);
    expect(Array.from(pcm.channelData[0]!)).toEqual(
      [-1, -1 / 8388608, 0, 0.5, 8388607 / 8388608].map((v) => Math.fround(v)),
    );
  });

  it("32-bit PCM divides by 2^31", () => {
    const data = interleave([[-2147483648, 1073741824, 0]], "s32");
    const pcm = decodeWav(buildWav({ ...base, formatCode: 1, bitsPerSample: 32, data }), PATH);
    expect(Array.from(pcm.channelData[0]!)).toEqual([-1, 0.5, 0]);
  });

  it("24-bit samples in 32-bit containers (EXTENSIBLE) read left-justified", () => {
    const data = interleave([[-8388608, 4194304]], "s24in32");
    const wav = buildWav({ ...base, formatCode: 1, bitsPerSample: 32, extensibleSubformat: 1, data });
    expect(Array.from(decodeWav(wav, PATH).channelData[0]!)).toEqual([-1, 0.5]);
  });

  it("32- and 64-bit IEEE float pass through", () => {
    const values = [0.25, -0.75, 1.5];
    const f32 = decodeWav(buildWav({ ...base, formatCode: 3, bitsPerSample: 32, data: interleave([values], "f32") }), PATH);
    const f64 = decodeWav(buildWav({ ...base, formatCode: 3, bitsPerSample: 64, data: interleave([values], "f64") }), PATH);
    expect(Array.from(f32.channelData[0]!)).toEqual(values);
    expect(Array.from(f64.channelData[0]!)).toEqual(values);
  });

  it("EXTENSIBLE float with 3 channels de-interleaves in order", () => {
    const channels = [
      [0.1, 0.2],
      [0.3, 0.4],
      [0.5, 0.6],
    ];
    const wav = buildWav({
      formatCode: 0xfffe,
      extensibleSubformat: 3,
      channels: 3,
      sampleRate: 48000,
      bitsPerSample: 32,
      data: interleave(channels, "f32"),
    });
    const pcm = decodeWav(wav, PATH);
    expect(pcm.channelData.map((c) => Array.from(c))).toEqual(channels.map((c) => c.map((v) => Math.fround(v))));
    expect(pcm.sampleRate).toBe(48000);
  });

  it("round-trips encodeWav output (PCM16, stereo)", () => {
    const interleaved = new Float32Array([0.5, -0.5, 0.25, -0.25]);
    const pcm = decodeWav(encodeWav(interleaved, 22050, { channels: 2 }), PATH);
    expect(pcm.channelData[0]![0]).toBeCloseTo(0.5, 4);
    expect(pcm.channelData[1]![1]).toBeCloseTo(-0.25, 4);
  });
});

describe("decodeWav chunk handling", () => {
  const data = interleave([[100, 200, 300]], "s16");
  const expected = [100, 200, 300].map((v) => v / 32768);
  const odd = { id: "LIST", body: ascii("INFOabc") }; // 7 bytes: needs a pad byte

  it("skips unknown chunks, with and without odd-size padding, before and after fmt", () => {
    const wav = buildWav({
      ...base,
      formatCode: 1,
      bitsPerSample: 16,
      data,
      chunksBeforeFmt: [{ id: "JUNK", body: new Uint8Array(5) }],
      chunksBeforeData: [odd, { id: "fact", body: new Uint8Array(4) }],
      chunksAfterData: [odd],
    });
    expect(Array.from(decodeWav(wav, PATH).channelData[0]!)).toEqual(expected);
  });

  it("tolerates writers that forget the pad byte after an odd chunk", () => {
    const wav = buildWav({ ...base, formatCode: 1, bitsPerSample: 16, data, chunksBeforeData: [odd], omitPadBytes: true });
    expect(Array.from(decodeWav(wav, PATH).channelData[0]!)).toEqual(expected);
  });

  it("reads to the end of the file when the data size is 0xFFFFFFFF (streamed WAV)", () => {
    const wav = buildWav({ ...base, formatCode: 1, bitsPerSample: 16, data, declaredDataBytes: 0xffffffff });
    const pcm = decodeWav(wav, PATH);
    expect(Array.from(pcm.channelData[0]!)).toEqual(expected);
    expect(pcm.warnings[0]).toMatch(/0xFFFFFFFF/);
    expect(pcm.truncated).toBe(false);
  });

  it("drops a trailing partial frame with a warning", () => {
    const wav = buildWav({ ...base, formatCode: 1, bitsPerSample: 16, data: concat(data, new Uint8Array(1)) });
    const pcm = decodeWav(wav, PATH);
    expect(pcm.channelData[0]!.length).toBe(3);
    expect(pcm.warnings[0]).toMatch(/not a multiple/);
  });
});

describe("decodeWav errors and truncation", () => {
  const stereo = { channels: 2, sampleRate: 8000, formatCode: 1, bitsPerSample: 16 };
  const frames = interleave(
    [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ],
    "s16",
  );

  it("decodes the frames present when the header claims more data, and says so", () => {
    const wav = buildWav({ ...stereo, data: frames.subarray(0, 10), declaredDataBytes: 16 });
    const pcm = decodeWav(wav, PATH);
    expect(pcm.truncated).toBe(true);
    expect(pcm.channelData.map((c) => Array.from(c, (v) => v * 32768))).toEqual([
      [1, 2],
      [5, 6],
    ]);
    expect(pcm.warnings[0]).toBe("truncated: the data chunk claims 16 bytes but only 10 are present; decoded 2 of 4 frames");
  });

  it("throws CorruptAudioError when not one whole frame is present", () => {
    const wav = buildWav({ ...stereo, data: frames.subarray(0, 2), declaredDataBytes: 16 });
    expect(() => decodeWav(wav, PATH)).toThrow(CorruptAudioError);
    expect(() => decodeWav(wav, PATH)).toThrow(/^test\.wav: truncated: the data chunk claims 16 bytes/);
  });

  it("throws NoSamplesError for a well-formed file with an empty data chunk", () => {
    expect(() => decodeWav(encodeWav(new Float32Array(0), 22050), PATH)).toThrow(NoSamplesError);
  });

  it("throws CorruptAudioError when the fmt or data chunk is missing or cut", () => {
    const full = buildWav({ ...stereo, data: frames });
    expect(() => decodeWav(full.subarray(0, 30), PATH)).toThrow(/file ends inside the fmt chunk/);
    expect(() => decodeWav(full.subarray(0, 36), PATH)).toThrow(/no "data" chunk/);
    const noFmt = concat(ascii("RIFF"), new Uint8Array([4, 0, 0, 0]), ascii("WAVE"));
    expect(() => decodeWav(noFmt, PATH)).toThrow(/no "fmt" chunk/);
  });

  it("rejects impossible fmt fields as corrupt", () => {
    expect(() => decodeWav(buildWav({ ...stereo, channels: 0, blockAlign: 4, data: frames }), PATH)).toThrow(
      /declares 0 channels/,
    );
    expect(() => decodeWav(buildWav({ ...stereo, blockAlign: 3, data: frames }), PATH)).toThrow(CorruptAudioError);
    expect(() => decodeWav(buildWav({ ...stereo, sampleRate: 0, data: frames }), PATH)).toThrow(/0 Hz/);
  });

  it("names compressed WAV codecs it cannot decode", () => {
    const mulaw = buildWav({ ...base, formatCode: 7, bitsPerSample: 8, data: new Uint8Array(4) });
    expect(() => decodeWav(mulaw, PATH)).toThrow(UnsupportedCodecError);
    expect(() => decodeWav(mulaw, PATH)).toThrow(/format code 0x0007 \(mu-law\)/);
    const float16 = buildWav({ ...base, formatCode: 3, bitsPerSample: 16, data: new Uint8Array(4) });
    expect(() => decodeWav(float16, PATH)).toThrow(/16-bit float WAV is not supported/);
  });
});
