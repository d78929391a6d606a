import { describe, expect, it } from "vitest";
import { isAdtsHeader, isConfirmedMpegFrame, parseMpegFrameHeader, summariseMpegStream } from "./mpeg.js";
import { readFixture } from "./test-utils/fixtures.js";

describe("parseMpegFrameHeader", () => {
  it("reads MPEG-1 layer III, 128 kbit/s, 44.1 kHz, joint stereo: 417 bytes, 1152 samples", () => {
    const header = parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0x90, 0x44]), 0);
    expect(header).toEqual({ version: 1, layer: 3, sampleRate: 44100, channels: 2, frameBytes: 417, samplesPerFrame: 1152 });
  });

  it("adds the padding byte and handles MPEG-2 layer III mono (576 samples, 72·bitrate/rate)", () => {
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0x92, 0x44]), 0)!.frameBytes).toBe(418);
    // MPEG-2 (bits 10), layer III, 64 kbit/s (index 8), 22.05 kHz, mono.
    const header = parseMpegFrameHeader(new Uint8Array([0xff, 0xf3, 0x80, 0xc0]), 0)!;
    expect(header).toMatchObject({ version: 2, sampleRate: 22050, channels: 1, samplesPerFrame: 576 });
    expect(header.frameBytes).toBe(Math.floor((72 * 64000) / 22050));
  });

  it("rejects reserved version, layer, bitrate and sample-rate codes", () => {
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xeb, 0x90, 0x44]), 0)).toBeNull(); // version 01
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xf9, 0x90, 0x44]), 0)).toBeNull(); // layer 00
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0xf0, 0x44]), 0)).toBeNull(); // bitrate 15
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0x9c, 0x44]), 0)).toBeNull(); // rate 11
  });

  it("tells ADTS (AAC) apart from MPEG audio", () => {
    expect(isAdtsHeader(new Uint8Array([0xff, 0xf1, 0x50, 0x80]), 0)).toBe(true);
    expect(isAdtsHeader(new Uint8Array([0xff, 0xfb, 0x90, 0x44]), 0)).toBe(false);
  });

  it("needs a second header where the first frame ends", () => {
    const bytes = new Uint8Array(1000);
    bytes.set([0xff, 0xfb, 0x90, 0x44], 0);
    expect(isConfirmedMpegFrame(bytes, 0)).toBe(false);
    bytes.set([0xff, 0xfb, 0x90, 0x44], 417);
    expect(isConfirmedMpegFrame(bytes, 0)).toBe(true);
  });
});

describe("summariseMpegStream on the fixture", () => {
  it("walks every frame to the end and reads the LAME/Xing frame count", () => {
    const bytes = readFixture("tone-stereo-44k1.mp3");
    const summary = summariseMpegStream(bytes, 0);
    expect(summary.endOffset).toBe(bytes.length);
    expect(summary.lastFrameCut).toBe(false);
    expect(summary.hasXingFrame).toBe(true);
    expect(summary.completeFrames - 1).toBe(summary.xingFrames);
    // 17640 samples + 576 encoder delay + 529 decoder delay, in 1152-sample frames.
    expect(summary.xingFrames).toBe(Math.ceil((17640 + 576 + 529) / 1152));
  });
});
