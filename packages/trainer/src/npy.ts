/**
 * NumPy `.npy` v1.0 for float32 matrices: magic, version, little-endian header length, a Python
 * dict literal padded so the data starts on a 64-byte boundary, then C-order little-endian data.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "./files.js";

const MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

export interface Matrix {
  rows: number;
  cols: number;
  /** rows × cols values, row-major. */
  data: Float32Array;
}

export function encodeNpy({ rows, cols, data }: Matrix): Uint8Array {
  if (data.length !== rows * cols) throw new RangeError(`npy: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(MAGIC.length + 4 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) body.setFloat32(i * 4, data[i]!, true);
  return out;
}

export function decodeNpy(bytes: Uint8Array, source = "npy"): Matrix {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${source}: not a .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${source}: only little-endian float32 is supported (${header.trim()})`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${source}: Fortran order is not supported`);
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (!shape) throw new Error(`${source}: expected a 2-d shape (${header.trim()})`);
  const rows = Number(shape[1]);
  const cols = Number(shape[2]);
  const offset = start + headerLength;
  if (bytes.length - offset !== rows * cols * 4) throw new Error(`${source}: ${bytes.length - offset} data bytes, shape needs ${rows * cols * 4}`);
  const data = new Float32Array(rows * cols);
  const body = new DataView(bytes.buffer, bytes.byteOffset + offset, rows * cols * 4);
  for (let i = 0; i < data.length; i++) data[i] = body.getFloat32(i * 4, true);
  return { rows, cols, data };
}

export function writeNpy(path: string, matrix: Matrix): void {
  writeFileAtomic(path, encodeNpy(matrix));
}

export function readNpy(path: string): Matrix {
  return decodeNpy(new Uint8Array(readFileSync(path)), path);
}
