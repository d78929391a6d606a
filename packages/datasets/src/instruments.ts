/**
 * Instrument timbres. Percussive hits are rendered once per clip (a few round-robin variants per
 * voice) and mixed in by reference; pitched notes are rendered per (voice, pitch, length).
 */
import { hashSeed, Rng } from "./prng.js";
import {
  addDecayingSine,
  applyEnvelope,
  biquad,
  decayPerSample,
  midiToHz,
  sineCycles,
  whiteNoise,
} from "./synth-dsp.js";

export type DrumVoice =
  | "kick"
  | "snare"
  | "hatClosed"
  | "hatOpen"
  | "ride"
  | "crash"
  | "tomHigh"
  | "tomMid"
  | "tomLow";
export type HandVoice = "handLow" | "handOpen" | "handSlap" | "shaker" | "block";
export type HitVoice = DrumVoice | HandVoice;
export type PitchedVoice = "bass" | "epiano" | "pluck" | "pad";
export type Voice = HitVoice | PitchedVoice;

export const PITCHED_VOICES: ReadonlySet<Voice> = new Set<Voice>(["bass", "epiano", "pluck", "pad"]);

/** Per-clip timbre choices, so two clips with different seeds do not sound like one kit. */
export interface Timbre {
  kickHz: number;
  kickDropHz: number;
  kickTauSec: number;
  snareHz: number;
  snareNoiseTauSec: number;
  metalScale: number;
  handLowHz: number;
  handOpenHz: number;
  bassKind: "finger" | "synth";
  bassTauSec: number;
  fmIndex: number;
  keysTauSec: number;
  pluckDecay: number;
}

export function chooseTimbre(rng: Rng): Timbre {
  return {
    kickHz: rng.uniform(48, 60),
    kickDropHz: rng.uniform(110, 170),
    kickTauSec: rng.uniform(0.16, 0.3),
    snareHz: rng.uniform(170, 220),
    snareNoiseTauSec: rng.uniform(0.06, 0.11),
    metalScale: rng.uniform(1, 1.5),
    handLowHz: rng.uniform(68, 92),
    handOpenHz: rng.uniform(240, 340),
    bassKind: rng.chance(0.6) ? "finger" : "synth",
    bassTauSec: rng.uniform(0.7, 1.6),
    fmIndex: rng.uniform(1.2, 2.6),
    keysTauSec: rng.uniform(0.6, 1.4),
    pluckDecay: rng.uniform(0.994, 0.998),
  };
}

export const HIT_VARIANTS = 3;

function seconds(sec: number, sampleRate: number): number {
  return Math.max(1, Math.round(sec * sampleRate));
}

/** Sine with an exponential pitch glide from `fromHz` down to `toHz` (kick, toms, hand drums). */
function glideSine(
  out: Float32Array,
  fromHz: number,
  toHz: number,
  glideSec: number,
  tauSec: number,
  amp: number,
  sampleRate: number,
): void {
  const glide = decayPerSample(glideSec, sampleRate);
  const decay = decayPerSample(tauSec, sampleRate);
  let excess = fromHz - toHz;
  let env = amp;
  let phase = 0;
  for (let n = 0; n < out.length; n++) {
    out[n] = out[n]! + env * sineCycles(phase);
    phase += (toHz + excess) / sampleRate;
    excess *= glide;
    env *= decay;
  }
}

/** Six detuned square waves (the classic analogue cymbal recipe), before filtering. */
function metallic(length: number, scale: number, sampleRate: number): Float32Array {
  const out = new Float32Array(length);
  const freqs = [205.3, 304.4, 369.6, 522.7, 540, 800].map((f) => f * scale);
  const phases = freqs.map(() => 0);
  for (let n = 0; n < length; n++) {
    let s = 0;
    for (let k = 0; k < freqs.length; k++) {
      s += sineCycles(phases[k]!) >= 0 ? 1 : -1;
      phases[k] = phases[k]! + freqs[k]! / sampleRate;
    }
    out[n] = s / freqs.length;
  }
  return out;
}

/** Render one percussive hit. `rng` varies the details between round-robin variants. */
export function renderHit(voice: HitVoice, timbre: Timbre, sampleRate: number, rng: Rng): Float32Array {
  const jitter = (x: number, spread = 0.04) => x * (1 + rng.uniform(-spread, spread));
  switch (voice) {
    case "kick": {
      const out = new Float32Array(seconds(0.5, sampleRate));
      glideSine(out, jitter(timbre.kickDropHz), jitter(timbre.kickHz), 0.035, jitter(timbre.kickTauSec), 1, sampleRate);
      const click = applyEnvelope(whiteNoise(seconds(0.006, sampleRate), rng), 0.0005, 0.0015, sampleRate);
      for (let n = 0; n < click.length; n++) out[n] = out[n]! + 0.25 * click[n]!;
      for (let n = 0; n < out.length; n++) out[n] = Math.tanh(1.6 * out[n]!) / Math.tanh(1.6);
      return out;
    }
    case "snare": {
      const out = new Float32Array(seconds(0.35, sampleRate));
      addDecayingSine(out, jitter(timbre.snareHz), 0.55, 0.05, sampleRate);
      addDecayingSine(out, jitter(timbre.snareHz * 1.75), 0.3, 0.035, sampleRate);
      const noise = biquad(whiteNoise(out.length, rng), "highpass", 1200, 0.7, sampleRate);
      applyEnvelope(noise, 0.001, jitter(timbre.snareNoiseTauSec), sampleRate);
      for (let n = 0; n < out.length; n++) out[n] = out[n]! + 0.9 * noise[n]!;
      return out;
    }
    case "hatClosed":
    case "hatOpen":
    case "ride":
    case "crash": {
      const spec = {
        hatClosed: { len: 0.12, tau: 0.022, hp: 7000, metal: 0.7 },
        hatOpen: { len: 0.6, tau: 0.2, hp: 6500, metal: 0.7 },
        ride: { len: 1.2, tau: 0.45, hp: 4500, metal: 0.85 },
        crash: { len: 2, tau: 0.75, hp: 3500, metal: 0.5 },
      }[voice];
      const length = seconds(spec.len, sampleRate);
      const out = metallic(length, jitter(timbre.metalScale, 0.02), sampleRate);
      const noise = whiteNoise(length, rng);
      for (let n = 0; n < length; n++) out[n] = spec.metal * out[n]! + (1 - spec.metal) * noise[n]!;
      biquad(out, "highpass", spec.hp, 0.7, sampleRate);
      biquad(out, "highpass", spec.hp, 0.7, sampleRate);
      if (voice === "ride") addDecayingSine(out, jitter(timbre.metalScale * 2400), 0.08, 0.3, sampleRate);
      return applyEnvelope(out, 0.0008, jitter(spec.tau), sampleRate);
    }
    case "tomHigh":
    case "tomMid":
    case "tomLow": {
      const hz = { tomHigh: 210, tomMid: 155, tomLow: 110 }[voice];
      const out = new Float32Array(seconds(0.45, sampleRate));
      glideSine(out, jitter(hz * 1.3), jitter(hz), 0.05, 0.22, 0.9, sampleRate);
      const skin = biquad(whiteNoise(seconds(0.03, sampleRate), rng), "bandpass", hz * 4, 1, sampleRate);
      applyEnvelope(skin, 0.0005, 0.008, sampleRate);
      for (let n = 0; n < skin.length; n++) out[n] = out[n]! + 0.4 * skin[n]!;
      return out;
    }
    case "handLow": {
      // Djembe/conga bass tone: a low membrane mode with a soft palm thump.
      const out = new Float32Array(seconds(0.4, sampleRate));
      const hz = jitter(timbre.handLowHz);
      glideSine(out, hz * 1.08, hz, 0.03, 0.17, 1, sampleRate);
      addDecayingSine(out, hz * 1.59, 0.3, 0.07, sampleRate);
      const thump = biquad(whiteNoise(seconds(0.02, sampleRate), rng), "lowpass", 400, 0.7, sampleRate);
      applyEnvelope(thump, 0.0005, 0.006, sampleRate);
      for (let n = 0; n < thump.length; n++) out[n] = out[n]! + 0.5 * thump[n]!;
      return out;
    }
    case "handOpen": {
      // Open tone: a higher membrane with its inharmonic (Bessel) modes.
      const out = new Float32Array(seconds(0.3, sampleRate));
      const hz = jitter(timbre.handOpenHz);
      const modes = [
        [1, 1, 0.12],
        [1.59, 0.5, 0.08],
        [2.14, 0.3, 0.06],
        [2.65, 0.2, 0.04],
      ] as const;
      for (const [ratio, amp, tau] of modes) addDecayingSine(out, hz * ratio, amp, tau, sampleRate, rng.uniform(0, 6));
      return out;
    }
    case "handSlap": {
      const out = biquad(whiteNoise(seconds(0.15, sampleRate), rng), "bandpass", jitter(1400, 0.1), 1.2, sampleRate);
      applyEnvelope(out, 0.0005, 0.03, sampleRate);
      addDecayingSine(out, jitter(timbre.handOpenHz * 2.3), 0.35, 0.04, sampleRate);
      return out;
    }
    case "shaker": {
      const out = biquad(whiteNoise(seconds(0.12, sampleRate), rng), "bandpass", jitter(6000, 0.1), 1.5, sampleRate);
      return applyEnvelope(out, 0.008, 0.035, sampleRate);
    }
    case "block": {
      const out = new Float32Array(seconds(0.12, sampleRate));
      const hz = jitter(1500, 0.08);
      addDecayingSine(out, hz, 0.9, 0.03, sampleRate);
      addDecayingSine(out, hz * 2.7, 0.3, 0.015, sampleRate);
      return out;
    }
  }
}

/** Round-robin variants of every hit voice a clip uses, rendered once. */
export function buildHitBank(
  voices: Iterable<HitVoice>,
  timbre: Timbre,
  sampleRate: number,
  seed: number,
): Map<HitVoice, Float32Array[]> {
  const bank = new Map<HitVoice, Float32Array[]>();
  for (const voice of voices) {
    const variants: Float32Array[] = [];
    for (let v = 0; v < HIT_VARIANTS; v++) {
      const hit = renderHit(voice, timbre, sampleRate, new Rng(hashSeed(seed, voice, v)));
      // Unit peak, so the mixer's voice gains alone set the balance.
      let peak = 0;
      for (let i = 0; i < hit.length; i++) peak = Math.max(peak, Math.abs(hit[i]!));
      if (peak > 0) for (let i = 0; i < hit.length; i++) hit[i] = hit[i]! / peak;
      variants.push(hit);
    }
    bank.set(voice, variants);
  }
  return bank;
}

/** Linear attack at the start, linear release after `holdSamples`. */
function gate(x: Float32Array, attackSamples: number, holdSamples: number): void {
  const release = x.length - holdSamples;
  for (let n = 0; n < x.length; n++) {
    let g = n < attackSamples ? n / attackSamples : 1;
    if (n >= holdSamples) g *= 1 - (n - holdSamples) / release;
    x[n] = x[n]! * g;
  }
}

/**
 * Render one pitched note of `durationSec` (plus its release). Deterministic in its arguments:
 * the Karplus–Strong excitation is seeded from (seed, pitch, length).
 */
export function renderNote(
  voice: PitchedVoice,
  midi: number,
  durationSec: number,
  timbre: Timbre,
  sampleRate: number,
  seed: number,
): Float32Array {
  const hz = midiToHz(midi);
  const hold = seconds(durationSec, sampleRate);
  switch (voice) {
    case "bass": {
      const out = new Float32Array(hold + seconds(0.06, sampleRate));
      const harmonics = timbre.bassKind === "finger" ? 8 : 12;
      for (let k = 1; k <= harmonics; k++) {
        const amp = timbre.bassKind === "finger" ? 1 / k ** 1.5 : 0.8 / k;
        const tau = timbre.bassKind === "finger" ? timbre.bassTauSec / (1 + 0.6 * (k - 1)) : 0.12 + 1.2 / k ** 1.3;
        addDecayingSine(out, hz * k, amp, tau, sampleRate);
      }
      gate(out, seconds(0.004, sampleRate), hold);
      return out;
    }
    case "epiano": {
      // Two-operator FM (ratio 1): bright attack that mellows as the index decays, plus a tine click.
      const out = new Float32Array(hold + seconds(0.12, sampleRate));
      const amp = decayPerSample(timbre.keysTauSec, sampleRate);
      const idxDecay = decayPerSample(0.25, sampleRate);
      let env = 1;
      let index = timbre.fmIndex / (2 * Math.PI);
      let phase = 0;
      const step = hz / sampleRate;
      for (let n = 0; n < out.length; n++) {
        out[n] = env * sineCycles(phase + index * sineCycles(phase));
        phase += step;
        if (phase > 1) phase -= 1;
        env *= amp;
        index *= idxDecay;
      }
      addDecayingSine(out, hz * 7, 0.08, 0.01, sampleRate);
      gate(out, seconds(0.002, sampleRate), hold);
      return out;
    }
    case "pluck": {
      // Karplus–Strong string.
      const out = new Float32Array(hold + seconds(0.08, sampleRate));
      const period = Math.max(2, Math.round(sampleRate / hz));
      const rng = new Rng(hashSeed(seed, "pluck", midi, hold));
      const line = whiteNoise(period, rng);
      biquad(line, "lowpass", Math.min(4000, hz * 8), 0.7, sampleRate);
      let prev = 0;
      for (let n = 0; n < out.length; n++) {
        const i = n % period;
        const cur = line[i]!;
        out[n] = cur;
        line[i] = timbre.pluckDecay * 0.5 * (cur + prev);
        prev = cur;
      }
      gate(out, 1, hold);
      return out;
    }
    case "pad": {
      // Two slightly detuned bright oscillators with a slow swell.
      const out = new Float32Array(hold + seconds(0.3, sampleRate));
      for (const detune of [0.997, 1.003]) {
        for (let k = 1; k <= 6; k++) addDecayingSine(out, hz * detune * k, 0.5 / k ** 1.5, 60, sampleRate, k);
      }
      gate(out, seconds(0.15, sampleRate), hold);
      return out;
    }
  }
}
