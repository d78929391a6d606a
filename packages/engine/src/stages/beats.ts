/** Tracker stage: run the missing trackers (shared inputs computed once) and store their beats. */
import { runAllTrackers, type TrackerName } from "@tactus/beat-trackers";
import { type TrackerRecord, trackerToRecord } from "../records.js";
import type { ClipContext } from "./clip.js";

/** Results of `names` as records (a tracker that throws stores no beats, as the reference does). */
export async function computeBeats(clip: ClipContext, names: readonly TrackerName[]): Promise<Record<string, TrackerRecord>> {
  const all = await runAllTrackers(clip.samples, clip.sampleRate, { trackers: names, frontEnd: clip.frontEnd() });
  clip.activations = all.activations;
  const out: Record<string, TrackerRecord> = {};
  for (const name of names) out[name] = trackerToRecord(all.results[name]);
  return out;
}
