/** Turn a score into samples: mix pre-rendered hits and cached notes, add room, noise, normalise. */
import type { ResolvedClipSpec, Score } from "./compose.js";
import { buildHitBank, type HitVoice, PITCHED_VOICES, type PitchedVoice, renderNote, type Timbre, type Voice } from "./instruments.js";
import { hashSeed, type Rng } from "./prng.js";
import { mixInto, peakAbs, pinkNoise, rms, roomReverb, whiteNoise } from "./synth-dsp.js";

/** Mix level of each voice at velocity 1 (before the per-clip trims and the final normalisation). */
const VOICE_GAIN: Record<Voice, number> = {
  kick: 1,
  snare: 0.65,
  hatClosed: 0.42,
  hatOpen: 0.32,
  ride: 0.3,
  crash: 0.28,
  tomHigh: 0.55,
  tomMid: 0.6,
  tomLow: 0.65,
  handLow: 0.95,
  handOpen: 0.55,
  handSlap: 0.5,
  shaker: 0.26,
  block: 0.22,
  bass: 0.6,
  epiano: 0.2,
  pluck: 0.3,
  pad: 0.06,
};

/** Target peak after normalisation: −1 dBFS. */
export const PEAK_DBFS = -1;

export function renderScore(score: Score, timbre: Timbre, rng: Rng): Float32Array {
  const { spec } = score;
  const sr = spec.sampleRate;
  const out = new Float32Array(score.totalSamples);
  const hitVoices = new Set<HitVoice>();
  for (const e of score.events) if (!PITCHED_VOICES.has(e.voice)) hitVoices.add(e.voice as HitVoice);
  const bank = buildHitBank(hitVoices, timbre, sr, hashSeed(spec.seed, "hits"));

  // Small per-clip balance differences between parts (±2 dB), as between mixes.
  const trims = new Map<string, number>();
  for (const part of ["drums", "percussion", "bass", "keys"]) trims.set(part, 10 ** (rng.uniform(-2, 2) / 20));

  const noteCache = new Map<string, Float32Array>();
  const noteSeed = hashSeed(spec.seed, "notes");
  let firstSample = score.totalSamples;
  for (const e of score.events) {
    const offset = Math.round(e.timeSec * sr);
    if (offset >= out.length) continue;
    firstSample = Math.min(firstSample, offset);
    const gain = e.velocity * VOICE_GAIN[e.voice] * trims.get(e.part)!;
    if (e.midi === undefined) {
      mixInto(out, bank.get(e.voice as HitVoice)![e.variant ?? 0]!, offset, gain);
      continue;
    }
    // Note lengths are rounded to 10 ms so repeated chords reuse one rendering.
    const centis = Math.max(3, Math.round((e.durationSec ?? 0.1) * 100));
    const key = `${e.voice}:${e.midi}:${centis}`;
    let wave = noteCache.get(key);
    if (!wave) {
      wave = renderNote(e.voice as PitchedVoice, e.midi, centis / 100, timbre, sr, noteSeed);
      noteCache.set(key, wave);
    }
    mixInto(out, wave, offset, gain);
  }

  const wetGain = spec.instrumentation === "drums" ? rng.uniform(0.05, 0.15) : rng.uniform(0.08, 0.22);
  const wet = roomReverb(out, sr, rng.uniform(0, 1));
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + wetGain * wet[i]!;

  finishClip(out, spec, firstSample, rng);
  return out;
}

/**
 * The last steps every renderer shares: fade the last 50 ms, add the spec's noise (its level
 * relative to the music from `firstSample` on) and normalise to {@link PEAK_DBFS}. In place.
 */
export function finishClip(out: Float32Array, spec: ResolvedClipSpec, firstSample: number, rng: Rng): void {
  const sr = spec.sampleRate;
  // Fade the last 50 ms so a cut excerpt does not end in a click.
  const fade = Math.min(out.length, Math.round(0.05 * sr));
  for (let i = 0; i < fade; i++) {
    const k = out.length - fade + i;
    out[k] = out[k]! * (1 - (i + 1) / fade);
  }

  if (spec.noiseDb !== null) {
    const signalRms = rms(out, Math.min(firstSample, out.length - 1));
    const noiseRng = rng.fork("noise");
    const noise = spec.noiseColor === "pink" ? pinkNoise(out.length, noiseRng) : whiteNoise(out.length, noiseRng);
    const scale = (signalRms * 10 ** (spec.noiseDb / 20)) / Math.max(1e-12, rms(noise));
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + scale * noise[i]!;
  }

  const peak = peakAbs(out);
  if (peak > 0) {
    const g = 10 ** (PEAK_DBFS / 20) / peak;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * g;
  }
}
