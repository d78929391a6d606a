import { DSP_ACTIVATIONS, onsetAlignmentF1, runDbnVariants } from "@tactus/beat-trackers";
import { synthesizeClip } from "@tactus/datasets";
import { onsetEvents, onsetStrength, tempoLibrosa, tempoTempogram } from "@tactus/onset";
import { downbeatSpacingScores, nonSilentFraction, onsetAutocorrelationScores, barTrackingScores, hcdfScores } from "@tactus/signals";
import { it } from "vitest";
import { writeFileSync } from "node:fs";
import { AUDIO_DEFAULTS, analyzeClip, audioBlock } from "./audio-block.js";
import { beatBlock, selectBestDbn } from "./beat-block.js";
import { blockRange, FEATURE_LENGTH } from "./layout.js";
import { prepareClip } from "./prepare.js";
import { signalBlock } from "./signal-block.js";
import { ssmBlock } from "./ssm-block.js";
import { tempoBlock } from "./tempo-block.js";
import { assembleFeatureVector } from "./vector.js";

function vectors(samples: Float32Array, sampleRate: typeof AUDIO_DEFAULTS.sampleRate) {
  const clip = prepareClip(samples, sampleRate);
  if (!clip.ok) throw new Error(`clip rejected: ${clip.reason}`);
  const analysis = analyzeClip(clip.samples, sampleRate);
  const fps = sampleRate / analysis.hopLength;
  const envelope = onsetStrength(clip.samples, { sampleRate });
  const events = Array.from(onsetEvents(envelope).timesSec);
  const activations = DSP_ACTIVATIONS.compute(clip.samples, sampleRate);
  const dbn = runDbnVariants(activations);
  const audio = audioBlock(clip.samples, sampleRate, { analysis });
  const libBpm = tempoLibrosa(envelope)?.bpm ?? 0;
  const tgBpm = tempoTempogram(envelope)?.bpm ?? 0;
  const beatIntervalSec = libBpm > 0 ? 60 / libBpm : 0.5;
  const out: Record<string, { x: Float32Array; name: string }> = {};
  for (const rule of ["S", "A"]) {
    const best = selectBestDbn(dbn.variants, events, rule === "S" ? dbn.dbn.scores : undefined);
    const beatsBySlot = { dbn: dbn.dbn.beats, dbn_best: best?.beats ?? [] };
    const candidates = [dbn.dbn.beats, best?.beats ?? []];
    const primary = candidates.reduce((a, b) =>
      onsetAlignmentF1(b.map((x) => x.timeSec), events) > onsetAlignmentF1(a.map((x) => x.timeSec), events) ? b : a,
    );
    const scores = {
      "spacing:dbn": downbeatSpacingScores(dbn.dbn.beats),
      "spacing:dbn_best": downbeatSpacingScores(best?.beats ?? []),
      autocorr: onsetAutocorrelationScores({ values: envelope.envelope, fps: envelope.fps }, beatIntervalSec),
      bar_tracking: barTrackingScores(primary, { values: activations.downbeat, fps: activations.fps }, nonSilentFraction(clip.samples, sampleRate)),
      hcdf: hcdfScores(analysis.chroma, fps, beatIntervalSec),
    };
    out[rule] = {
      name: best?.name ?? "-",
      x: assembleFeatureVector({
        audio,
        ssm: ssmBlock(analysis.chroma, beatsBySlot, fps),
        beat: beatBlock(beatsBySlot, events, clip.durationSec),
        signal: signalBlock(scores),
        tempo: tempoBlock(libBpm, tgBpm),
      }),
    };
  }
  return { ...out, dbnBpb: dbn.dbn.beatsPerBar, scores: dbn.dbn.scores };
}

type Row = { x: Float64Array; label: number; train: boolean };
function standardise(train: Row[], d: number) {
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (const r of train) for (let j = 0; j < d; j++) mean[j] += r.x[j]! / train.length;
  for (const r of train) for (let j = 0; j < d; j++) std[j] += (r.x[j]! - mean[j]!) ** 2 / train.length;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) < 1e-8 ? 1 : Math.sqrt(std[j]!);
  return (x: Float64Array) => Float64Array.from(x, (v, j) => (v - mean[j]!) / std[j]!);
}
function nc(rows: Row[], std: boolean) {
  const d = rows[0]!.x.length;
  const train = rows.filter((r) => r.train), test = rows.filter((r) => !r.train);
  const z = std ? standardise(train, d) : (x: Float64Array) => x;
  const c = (l: number) => { const c = new Float64Array(d); const m = train.filter((r) => r.label === l); for (const r of m) z(r.x).forEach((v, j) => { c[j] += v / m.length; }); return c; };
  const c3 = c(3), c4 = c(4);
  const dist = (a: Float64Array, b: Float64Array) => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);
  return test.filter((r) => { const zx = z(r.x); return (dist(zx, c3) <= dist(zx, c4) ? 3 : 4) === r.label; }).length;
}
function lr(rows: Row[], lambda: number, steps: number) {
  const d = rows[0]!.x.length;
  const train = rows.filter((r) => r.train), test = rows.filter((r) => !r.train);
  const z = standardise(train, d);
  const X = train.map((r) => z(r.x)); const y = train.map((r) => (r.label === 3 ? 1 : 0));
  const maxNorm2 = Math.max(...X.map((x) => x.reduce((s, v) => s + v * v, 0)));
  const step = 1 / (maxNorm2 / 4 + lambda);
  const w = new Float64Array(d); let b = 0;
  for (let t = 0; t < steps; t++) {
    const g = new Float64Array(d); let gb = 0;
    X.forEach((x, i) => { let s = b; for (let j = 0; j < d; j++) s += w[j]! * x[j]!; const e = 1 / (1 + Math.exp(-s)) - y[i]!; gb += e / X.length; for (let j = 0; j < d; j++) g[j] += (e * x[j]!) / X.length; });
    for (let j = 0; j < d; j++) w[j] -= step * (g[j]! + lambda * w[j]!);
    b -= step * gb;
  }
  return test.filter((r) => { const x = z(r.x); let s = b; for (let j = 0; j < d; j++) s += w[j]! * x[j]!; return (s > 0 ? 3 : 4) === r.label; }).length;
}

it("explore", () => {
  const specs = [[3, 4], [3, 8], [4, 4], [4, 8]] as const;
  const blocksOf: Record<string, [number, number][]> = {
    all: [[0, FEATURE_LENGTH]],
    signal: [[blockRange("signal").offset, blockRange("signal").length]],
    audio: [[blockRange("audio").offset, blockRange("audio").length]],
    ssm: [[blockRange("ssm").offset, blockRange("ssm").length]],
    beat: [[blockRange("beat").offset, blockRange("beat").length]],
    tempo: [[blockRange("tempo").offset, blockRange("tempo").length]],
    madmom: [[1499, 25], [1548, 12], [1578, 12]],
  };
  const lines: string[] = [];
  const dump: unknown[] = [];
  for (const seed of [1000, 2000, 3000]) {
    const clips: { v: ReturnType<typeof vectors>; label: number; train: boolean; tag: string }[] = [];
    for (const [numerator, denominator] of specs) for (let i = 0; i < 10; i++) {
      const bpm = (denominator === 8 ? 150 : 85) + 6 * i;
      const clip = synthesizeClip({ numerator, denominator, bpm, durationSec: 8, seed: seed + 37 * i + numerator * 5 + denominator });
      clips.push({ v: vectors(clip.samples, AUDIO_DEFAULTS.sampleRate), label: numerator, train: i % 2 === 0, tag: `${numerator}/${denominator}@${bpm}` });
    }
    for (const c of clips) dump.push({ seed, tag: c.tag, label: c.label, train: c.train, S: Array.from(c.v.S!.x), A: Array.from(c.v.A!.x), scores: c.v.scores });
    const pick = (c: { S: string; A: string }) => c;
    lines.push(`seed ${seed} choices S: ${clips.map((c) => `${c.tag}:${c.v.S!.name.slice(7)}/${c.v.A!.name.slice(7)}/${c.v.dbnBpb}`).join(" ")}`);
    void pick;
    for (const rule of ["S", "A"] as const) {
      for (const [blk, ranges] of Object.entries(blocksOf)) {
        const rows: Row[] = clips.map((c) => { const parts: number[] = []; for (const [o, l] of ranges) parts.push(...c.v[rule]!.x.subarray(o, o + l)); return { x: Float64Array.from(parts), label: c.label, train: c.train }; });
        lines.push(`seed ${seed} rule ${rule} ${blk.padEnd(7)} NCraw ${nc(rows, false)} NCstd ${nc(rows, true)} LR ${lr(rows, 0.1, 300)} LR1 ${lr(rows, 1, 300)}`);
      }
    }
  }
  writeFileSync("/tmp/tactus-vecs.json", JSON.stringify(dump));
  console.log(lines.join("\n"));
}, 600_000);
