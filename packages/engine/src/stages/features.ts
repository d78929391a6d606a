/**
 * Feature-group stage: the two expensive MeterNet blocks, on the prepared clip (centred 30 s,
 * beats shifted into it): `meter_net_audio` (1449) and `meter_net_ssm` (75, beat-synchronous
 * chroma of the same crop over the tracker slots). A clip under 2 s stores an empty array
 * ("too short"), never zeros.
 */
import { audioBlock, shiftIntoWindow, ssmBlock } from "@tactus/features";
import type { Derived } from "../derive.js";
import type { ClipContext } from "./clip.js";

export type FeatureGroup = "meter_net_audio" | "meter_net_ssm";
export const FEATURE_GROUPS: readonly FeatureGroup[] = ["meter_net_audio", "meter_net_ssm"];

const EMPTY = new Float32Array(0);

export function computeFeatureGroups(
  groups: readonly FeatureGroup[],
  derived: Derived,
  clip: ClipContext,
): Partial<Record<FeatureGroup, Float32Array>> {
  const out: Partial<Record<FeatureGroup, Float32Array>> = {};
  const analysis = clip.analysis();
  const prepared = clip.prepared();
  for (const group of groups) {
    if (!analysis || !prepared.ok) {
      out[group] = EMPTY;
    } else if (group === "meter_net_audio") {
      out[group] = audioBlock(prepared.samples, clip.sampleRate, { analysis });
    } else {
      const bySlot: Record<string, { timeSec: number; isDownbeat: boolean }[]> = {};
      for (const [slot, beats] of Object.entries(derived.slots)) bySlot[slot] = shiftIntoWindow(beats, prepared.offsetSec, prepared.durationSec);
      out[group] = ssmBlock(analysis.chroma, bySlot, analysis.sampleRate / analysis.hopLength);
    }
  }
  return out;
}
