import { onsetEvents, onsetStrength, tempoLibrosa, tempoTempogram } from "@tactus/onset";

// 10 s of clicks at 100 BPM (20 ms noise bursts), 22 050 Hz mono.
const sampleRate = 22050;
const samples = new Float32Array(10 * sampleRate);
let seed = 1;
const noise = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
for (let t = 0.5; t < 9.9; t += 0.6) {
  const start = Math.round(t * sampleRate);
  for (let i = 0; i < 441; i++) samples[start + i] = noise() * Math.exp(-i / 88);
}

const env = onsetStrength(samples, { sampleRate }); // raw envelope, 43.07 frames/s
const { timesSec } = onsetEvents(env); // backtracked onset times
console.log(env.envelope.length, env.fps.toFixed(2)); // 431 43.07
console.log(Array.from(timesSec.slice(0, 4), (t) => t.toFixed(3))); // [ '0.488', '1.091', '1.695', '2.299' ]
console.log(tempoLibrosa(env)); // { bpm: 100, confidence: 0.7, method: 'librosa' }
console.log(tempoTempogram(env)); // { bpm: 100, confidence: 0.8, method: 'tempogram' }
