/**
 * Inputs for the bad-input suite (`bad-input.test.ts`, table in docs/RELIABILITY.md): files that
 * are missing, not audio, cut short, degenerate or extreme, written into a temporary directory.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeWav } from "@tactus/audio";
import { synthesizeClip } from "@tactus/datasets";

const FIXTURES = new URL("../../../../packages/audio/fixtures/", import.meta.url).pathname;
const SR = 22050;

/** A typed error: the CLI lists the file with this error class and a reason matching `reason`. */
export interface ErrorCase {
  kind: "error";
  name: string;
  file: string;
  error: string;
  reason: RegExp;
}

/** A valid result; `degenerate`: nothing musical to find, so tempo and meter must say "fallback" or low confidence. */
export interface ResultCase {
  kind: "result";
  name: string;
  file: string;
  degenerate?: boolean;
  /** A warning the result must carry. */
  warning?: RegExp;
  /** Expected duration in seconds (±1 %). */
  durationSec?: number;
  /** A click track at this tempo, outside the engine's 40–300 BPM range: the reported tempo is folded onto a related level. */
  clickBpm?: number;
}

export type BadInputCase = ErrorCase | ResultCase;

/** Deterministic pseudo-random bytes (LCG), so a failure reproduces. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** `seconds` of `clip` repeated end to end. */
function tile(clip: Float32Array, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < out.length; i += clip.length) out.set(clip.subarray(0, Math.min(clip.length, out.length - i)), i);
  return out;
}

/** A metronome: 15 ms decaying 1.5 kHz clicks at `bpm`, the first of every four accented. */
export function clickTrack(bpm: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * SR));
  const period = (60 / bpm) * SR;
  const clickLength = Math.round(0.015 * SR);
  for (let k = 0; k * period < out.length; k++) {
    const start = Math.round(k * period);
    const gain = k % 4 === 0 ? 0.9 : 0.5;
    for (let i = 0; i < clickLength && start + i < out.length; i++) {
      out[start + i] = gain * Math.exp(-i / (0.003 * SR)) * Math.sin((2 * Math.PI * 1500 * i) / SR);
    }
  }
  return out;
}

/** The committed fixture `name` cut to its first `fraction` of bytes (or to `bytes` bytes). */
function cut(name: string, fraction: number | { bytes: number }): Uint8Array {
  const bytes = readFileSync(join(FIXTURES, name));
  return bytes.subarray(0, typeof fraction === "number" ? Math.floor(bytes.length * fraction) : fraction.bytes);
}

/** Writes every input under `dir` and returns the cases (file paths absolute). `longMinutes`: length of the tiled long clip. */
export function writeBadInputs(dir: string, { longMinutes = 3 }: { longMinutes?: number } = {}): BadInputCase[] {
  mkdirSync(dir, { recursive: true });
  const cases: BadInputCase[] = [];
  const put = (file: string, bytes: Uint8Array) => {
    const path = join(dir, file);
    writeFileSync(path, bytes);
    return path;
  };
  const error = (name: string, file: string, errorName: string, reason: RegExp) =>
    cases.push({ kind: "error", name, file, error: errorName, reason });
  const result = (name: string, file: string, extra: Omit<ResultCase, "kind" | "name" | "file"> = {}) =>
    cases.push({ kind: "result", name, file, ...extra });

  const music = synthesizeClip({ numerator: 7, denominator: 8, bpm: 140, durationSec: 10, seed: 11 }).samples;
  const wav = encodeWav(music, SR);

  // Not audio at all.
  error("missing path", join(dir, "does-not-exist.wav"), "AudioFileNotFoundError", /no such file/);
  mkdirSync(join(dir, "a-directory.wav"));
  error("a directory", join(dir, "a-directory.wav"), "AudioIsDirectoryError", /is a directory/);
  error("empty file", put("empty.wav", new Uint8Array(0)), "EmptyAudioFileError", /empty \(0 bytes\)/);
  error("1-byte file", put("one-byte.wav", new Uint8Array([0x52])), "NotAudioError", /not a recognised audio format/);
  error("random bytes .wav", put("random.wav", randomBytes(50_000, 1)), "NotAudioError", /not a recognised audio format/);
  error("random bytes .mp3", put("random.mp3", randomBytes(50_000, 2)), "NotAudioError", /not a recognised audio format/);
  const id3 = randomBytes(50_000, 3);
  id3.set([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 10]); // "ID3" v2.3 tag of 10 bytes, then noise
  error("ID3 tag + random bytes .mp3", put("id3-then-noise.mp3", id3), "CorruptAudioError", /not followed by MPEG audio frames/);

  // Cut short: only the header left (typed error) or part of the audio (result + "truncated" warning).
  error("truncated WAV (30 bytes)", put("cut-30b.wav", cut("tone-stereo-44k1-pcm16.wav", { bytes: 30 })), "CorruptAudioError", /ends inside the fmt chunk/);
  error("truncated MP3 (30 bytes)", put("cut-30b.mp3", cut("tone-stereo-44k1.mp3", { bytes: 30 })), "CorruptAudioError", /no complete MPEG audio frame/);
  error("truncated FLAC (30 bytes)", put("cut-30b.flac", cut("tone-stereo-44k1.flac", { bytes: 30 })), "CorruptAudioError", /inside the FLAC STREAMINFO/);
  error("truncated OGG (50 %)", put("cut-50.ogg", cut("tone-stereo-44k1.ogg", 0.5)), "CorruptAudioError", /no complete Vorbis audio page/);
  error("0-sample WAV", put("zero-samples.wav", encodeWav(new Float32Array(0), SR)), "NoSamplesError", /holds no samples/);
  result("truncated WAV (50 %)", put("cut-50.wav", cut("tone-stereo-44k1-pcm16.wav", 0.5)), { degenerate: true, warning: /^truncated: the data chunk claims/ });
  result("truncated MP3 (50 %)", put("cut-50.mp3", cut("tone-stereo-44k1.mp3", 0.5)), { degenerate: true, warning: /^truncated: the file ends inside MPEG frame/ });
  result("truncated FLAC (50 %)", put("cut-50.flac", cut("tone-stereo-44k1.flac", 0.5)), { degenerate: true, warning: /^truncated: STREAMINFO announces/ });
  result("truncated OGG (85 %)", put("cut-85.ogg", cut("tone-stereo-44k1.ogg", 0.85)), { degenerate: true, warning: /^truncated: the file ends inside Ogg page/ });
  const lying = wav.slice(0, 44 + 2 * SR * 2); // 2 s of the 10 s clip …
  new DataView(lying.buffer).setUint32(40, 60 * SR * 2, true); // … under a header claiming 60 s
  result("WAV header claims more data than present", put("header-claims-60s.wav", lying), { warning: /^truncated: the data chunk claims 2646000 bytes/, durationSec: 2 });

  // Degenerate signals.
  result("0.5 s clip", put("half-second.wav", encodeWav(music.subarray(0, SR / 2), SR)), { degenerate: true, warning: /^too short/, durationSec: 0.5 });
  result("silence (10 s)", put("silence.wav", encodeWav(new Float32Array(10 * SR), SR)), { degenerate: true, durationSec: 10 });
  result("DC offset (constant 0.5, 10 s)", put("dc.wav", encodeWav(new Float32Array(10 * SR).fill(0.5), SR)), { degenerate: true });
  result("DC offset under music (0.5 + 0.4·clip)", put("dc-plus-music.wav", encodeWav(music.map((x) => 0.5 + 0.4 * x), SR)), { durationSec: 10 });
  const square = new Float32Array(10 * SR).map((_, i) => (Math.floor((i * 2 * 220) / SR) % 2 ? 1 : -1));
  result("full-scale 220 Hz square wave (10 s)", put("square.wav", encodeWav(square, SR)), { durationSec: 10 });
  const poisoned = music.slice();
  for (let i = 0; i < poisoned.length; i += 997) poisoned[i] = Number.NaN;
  for (let i = 500; i < poisoned.length; i += 1999) poisoned[i] = i % 2 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  result("float WAV with NaN/±Inf samples", put("nan-inf.wav", encodeWav(poisoned, SR, { format: "float32" })), { warning: /^replaced \d+ non-finite samples/ });
  result("float WAV, all NaN (5 s)", put("all-nan.wav", encodeWav(new Float32Array(5 * SR).fill(Number.NaN), SR, { format: "float32" })), {
    degenerate: true,
    warning: /^replaced 110250 non-finite samples/,
  });

  // Unusual but legal formats and names.
  const hi = synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, durationSec: 6, seed: 12, sampleRate: 96_000 }).samples;
  const eight = new Float32Array(hi.length * 8);
  for (let i = 0; i < hi.length; i++) for (let c = 0; c < 8; c++) eight[i * 8 + c] = (hi[i]! * (c + 1)) / 8;
  result("8-channel 96 kHz WAV (6 s)", put("eight-channels-96k.wav", encodeWav(eight, 96_000, { channels: 8 })), { durationSec: 6 });
  result("unicode and spaces in the name", put("mètre 7∕8 ♪.wav", wav), { durationSec: 10 });

  // Extreme tempi and length.
  result("20 BPM click track (30 s)", put("click-20bpm.wav", encodeWav(clickTrack(20, 30), SR)), { durationSec: 30, clickBpm: 20 });
  result("400 BPM click track (20 s)", put("click-400bpm.wav", encodeWav(clickTrack(400, 20), SR)), { durationSec: 20, clickBpm: 400 });
  result(`long clip (${longMinutes} min, tiled)`, put(`long-${longMinutes}min.wav`, encodeWav(tile(music, longMinutes * 60), SR)), { durationSec: longMinutes * 60 });
  return cases;
}
