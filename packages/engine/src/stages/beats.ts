/** Tracker stage: run the missing trackers (shared inputs computed once) and store their beats. */
import { runAllTrackers, type TrackerName } from "@tactus/beat-trackers";
import { type BeatRecord, beatsToRecord } from "../records.js";
import type { ClipContext } from "./clip.js";

/** Beats of `names` as records (a tracker that throws stores [] as the reference does). */
export async function computeBeats(clip: ClipContext, names: readonly TrackerName[]): Promise<Record<string, BeatRecord[]>> {
  const all = await runAllTrackers(clip.samples, clip.sampleRate, { trackers: names });
  clip.activations = all.activations;
  const out: Record<string, BeatRecord[]> = {};
  for (const name of names) out[name] = beatsToRecord(all.results[name]?.beats ?? []);
  return out;
}
