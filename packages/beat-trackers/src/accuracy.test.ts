/**
 * Known-answer accuracy on the seeded synthetic corpus, with the targets asserted as
 * stated: 60 clips of 30 s (seed 2024, 10 per meter class 3, 4, 5, 7, 9, 11). 30 s is what the
 * pipeline analyses of every recording (its first 30 s) and what the benchmark times.
 *
 * Beat F-measure follows mir_eval.beat.evaluate: both beat lists are trimmed to t ≥ 5 s first
 * (trim_beats, mir_eval's default), because a tracker needs a few seconds to lock on. essentia's
 * multifeature is the tracker that needs it: its first 3–4 s of ticks are extrapolated before its
 * tempo settles (0.90 untrimmed, 0.93 trimmed here). Downbeat F-measure is untrimmed (madmom's
 * BeatEvaluation, which scores downbeats, has skip = 0 by default).
 *
 * The full table, untrimmed figures, other seeds and 12 s clips:
 * `pnpm --filter @tactus/beat-trackers accuracy [-- --seed S --duration D --min-beat-time 0]`.
 * The targets hold on this corpus; on other seeds dp sits at the 0.90 line (0.875–0.93 on five 30 s
 * corpora): its misses are librosa's tempo octave errors (x/4 clips at 60–75 BPM with sixteenth
 * hi-hats taken at the double tempo, fast 3/x clips at the bar or half-bar level).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DSP_ACTIVATIONS } from "./activations.js";
import { DBN_FIXED_BAR_LENGTHS, type DbnAllResult, type DbnFixedBarLength, dbnVariantName, runDbnVariants } from "./dbn-trackers.js";
import { trackBeatsDp } from "./dp.js";
import { beatFMeasure, downbeatFMeasure, trimBeats } from "./metrics.js";
import { trackBeatsMultifeature } from "./multifeature.js";
import { type CorpusEntry, mean, testCorpus } from "./test-utils/corpus.js";
import type { Beat } from "./types.js";

const times = (beats: readonly { timeSec: number }[]) => beats.map((b) => b.timeSec);
/** mir_eval.beat.evaluate's beat F-measure: both lists trimmed to t ≥ 5 s. */
const evaluatedBeatF = (reference: readonly number[], estimated: readonly number[]) =>
  beatFMeasure(trimBeats(reference), trimBeats(estimated));
const downbeatTimes = (beats: readonly Beat[]) => beats.filter((b) => b.isDownbeat).map((b) => b.timeSec);

describe("accuracy on the synthetic corpus", () => {
  let corpus: CorpusEntry[];
  const dbn = new Map<string, DbnAllResult>();
  const dp = new Map<string, number>();
  const multifeature = new Map<string, number>();

  beforeAll(async () => {
    corpus = testCorpus(10, 30, 2024);
    for (const { id, meter, clip } of corpus) {
      dbn.set(id, runDbnVariants(DSP_ACTIVATIONS.compute(clip.samples, clip.sampleRate)));
      if (meter === 3 || meter === 4) {
        const reference = times(clip.beats);
        dp.set(id, evaluatedBeatF(reference, times(trackBeatsDp(clip.samples, clip.sampleRate))));
        const mf = await trackBeatsMultifeature(clip.samples, clip.sampleRate);
        multifeature.set(id, evaluatedBeatF(reference, times(mf.beats)));
      }
      // Yield between clips: a long synchronous stretch starves the worker's RPC to vitest
      // ("Timeout calling onTaskUpdate") on a loaded machine.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }, 240_000);

  it("covers ≥ 60 clips over six meters, with noisy and drumless clips and tempos 60–180", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(new Set(corpus.map((c) => c.meter))).toEqual(new Set([3, 4, 5, 7, 9, 11]));
    const specs = corpus.map((c) => c.clip.meta.spec);
    expect(specs.some((s) => s.noiseDb !== null)).toBe(true);
    expect(specs.some((s) => s.instrumentation === "drumless")).toBe(true);
    expect(Math.min(...specs.map((s) => s.bpm))).toBeLessThan(75);
    expect(Math.max(...specs.map((s) => s.bpm))).toBeGreaterThan(160);
  });

  it("dp: mean beat F-measure ≥ 0.90 on 3/x and 4/x clips (measured 0.93)", () => {
    expect(dp.size).toBeGreaterThanOrEqual(20);
    expect(mean([...dp.values()])).toBeGreaterThanOrEqual(0.9);
  });

  it("multifeature: mean beat F-measure ≥ 0.90 on 3/x and 4/x clips (measured 0.93)", () => {
    expect(multifeature.size).toBeGreaterThanOrEqual(20);
    expect(mean([...multifeature.values()])).toBeGreaterThanOrEqual(0.9);
  });

  const ownDownbeatF = (n: DbnFixedBarLength) => {
    const scores = corpus
      .filter((c) => c.meter === n)
      .map((c) => downbeatFMeasure(c.clip.downbeatsSec, downbeatTimes(dbn.get(c.id)!.variants[dbnVariantName(n)])));
    expect(scores.length).toBeGreaterThanOrEqual(10);
    return mean(scores);
  };

  it.each(DBN_FIXED_BAR_LENGTHS.map((n) => [n]))("dbn_bpb%i: mean downbeat F-measure ≥ 0.80 on its meter", (n) => {
    expect(ownDownbeatF(n)).toBeGreaterThanOrEqual(0.8);
  });

  it("dbn: chooses the annotated bar length on ≥ 70 % of all clips", () => {
    const correct = corpus.filter((c) => dbn.get(c.id)!.dbn.beatsPerBar === c.meter).length;
    expect(correct / corpus.length).toBeGreaterThanOrEqual(0.7);
  });
});
