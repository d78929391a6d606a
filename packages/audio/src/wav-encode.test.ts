import { describe, expect, it } from "vitest";
import { encodeWav } from "./wav-encode.js";

describe("encodeWav", () => {
  it("writes a 44-byte header and clipped, rounded PCM16 samples", () => {
    const bytes = encodeWav(new Float32Array([0, 0.5, -1, 2]), 22050);
    const view = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("RIFF");
    expect(view.getUint32(24, true)).toBe(22050);
    expect(view.getUint32(40, true)).toBe(8);
    expect([0, 1, 2, 3].map((i) => view.getInt16(44 + 2 * i, true))).toEqual([0, 16384, -32768, 32767]);
  });

  it("keeps float32 samples bit-exact", () => {
    const input = new Float32Array([0.1234, -0.987]);
    const bytes = encodeWav(input, 44100, { format: "float32" });
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(20, true)).toBe(3);
    expect(view.getFloat32(44, true)).toBe(input[0]);
    expect(view.getFloat32(48, true)).toBe(input[1]);
  });
});
