// Synthesis speed on the default corpus mix: seconds of audio produced per second of one core.
// Run: pnpm --filter @tactus/datasets bench   (builds first)
import { planCorpus, synthesizeClip } from "../dist/index.js";

const perClass = Number(process.argv[2] ?? 6);
const clips = planCorpus({ outDir: "unused", perClass, seed: 1 });
synthesizeClip({ ...clips[0].spec, durationSec: 5 }); // warm up the JIT
const byKind = new Map();
let audioSec = 0;
let cpuSec = 0;
for (const clip of clips) {
  const t0 = performance.now();
  const out = synthesizeClip(clip.spec);
  const dt = (performance.now() - t0) / 1000;
  audioSec += out.meta.durationSec;
  cpuSec += dt;
  const k = clip.spec.instrumentation;
  const [a, c] = byKind.get(k) ?? [0, 0];
  byKind.set(k, [a + out.meta.durationSec, c + dt]);
}
console.log(`${clips.length} clips, ${audioSec.toFixed(0)} s of audio in ${cpuSec.toFixed(2)} s: ${(audioSec / cpuSec).toFixed(0)}× real time`);
for (const [k, [a, c]] of byKind) console.log(`  ${k.padEnd(10)} ${(a / c).toFixed(0)}× real time`);
