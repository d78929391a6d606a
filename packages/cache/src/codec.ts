import type { Family } from "./components.js";

// Values as a Python reader expects them: UTF-8 JSON for beats/onsets/signals, raw
// little-endian float32 (no header) for features.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function isFloat32Family(family: Family): boolean {
  return family === "features";
}

/** UTF-8 JSON bytes; throws a plain reason string's Error when the value has no JSON form. */
export function encodeJson(value: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new Error(`value is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw new Error(`value is not JSON-serialisable (${typeof value})`);
  return Buffer.from(text, "utf8");
}

export function decodeJson(bytes: Uint8Array): unknown {
  return JSON.parse(utf8.decode(bytes));
}

/** A copy of the array's values as little-endian float32 bytes (bit-exact, NaN payloads kept). */
export function encodeFloat32(values: Float32Array): Buffer {
  if (!(values instanceof Float32Array)) throw new Error("value is not a Float32Array");
  if (LITTLE_ENDIAN) return Buffer.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const out = Buffer.alloc(values.byteLength);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  // Copy raw bits rather than numbers so NaN payloads survive on big-endian hosts too.
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) view.setUint32(i * 4, bits[i]!, true);
  return out;
}

/** A fresh, aligned Float32Array from little-endian float32 bytes. */
export function decodeFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new Error(`float32 value has ${bytes.byteLength} bytes, not a multiple of 4`);
  }
  const out = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) bits[i] = view.getUint32(i * 4, true);
  }
  return out;
}

export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
