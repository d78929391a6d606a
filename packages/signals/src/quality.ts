export const QUALITY_SOURCE = import.meta.url;

/**
 * Share of samples louder than 0.1 × the RMS of the first 5 s (reference §7.3 quality gate):
 * low for silence, near-silence and clips that are mostly gaps. 0 for empty or silent input.
 */
export function nonSilentFraction(samples: Float32Array, sampleRate: number, headSec = 5): number {
  if (samples.length === 0) return 0;
  const head = Math.min(samples.length, Math.round(headSec * sampleRate));
  let sumSquares = 0;
  for (let i = 0; i < head; i++) sumSquares += samples[i]! * samples[i]!;
  const threshold = 0.1 * Math.sqrt(sumSquares / head);
  if (!(threshold > 0)) return 0;
  let loud = 0;
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]!) > threshold) loud++;
  return loud / samples.length;
}
