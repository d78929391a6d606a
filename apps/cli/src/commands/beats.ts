import { loadAudio, preprocess } from "@tactus/audio";
import { analyzeBeats, getTracker, TRACKER_NAMES, type TrackerName } from "@tactus/beat-trackers";
import type { Command } from "commander";
import { table } from "../format.js";

interface BeatsOptions {
  tracker?: string;
  json?: boolean;
}

export function registerBeatsCommand(program: Command): void {
  program
    .command("beats <file>")
    .description("beats and downbeats of one file, from one tracker or all of them")
    .option("-t, --tracker <name>", `one of: ${TRACKER_NAMES.join(", ")} (default: all)`)
    .option("--json", "print JSON")
    .action(async (file: string, opts: BeatsOptions) => {
      const trackers: TrackerName[] | undefined = opts.tracker ? [getTracker(opts.tracker).name] : undefined;
      const audio = await loadAudio(file);
      const samples = preprocess(audio.samples, audio.sampleRate);
      const analysis = await analyzeBeats(samples, audio.sampleRate, { trackers });
      const results = Object.values(analysis.results);
      if (opts.json) {
        const out = {
          file,
          durationSec: audio.durationSec,
          primary: analysis.primary.name,
          tempo: { bpm: analysis.tempo.bpm, confidence: analysis.tempo.confidence },
          trackers: Object.fromEntries(
            results.map((r) => [
              r.name,
              {
                beats: r.beats.map((b) => ({ time: round(b.timeSec, 4), isDownbeat: b.isDownbeat, strength: round(b.strength, 3) })),
                ...(r.beatsPerBar !== undefined ? { beatsPerBar: r.beatsPerBar } : {}),
                ...(r.confidence !== undefined ? { confidence: round(r.confidence, 3) } : {}),
                ...(r.error ? { error: r.error } : {}),
              },
            ]),
          ),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const rows = results.map((r) => {
        const ibis = r.beats.slice(1).map((b, i) => b.timeSec - r.beats[i]!.timeSec);
        const median = ibis.length ? [...ibis].sort((a, b) => a - b)[Math.floor(ibis.length / 2)]! : 0;
        return [
          r.name + (r.name === analysis.primary.name ? " *" : ""),
          r.beats.length,
          r.beats.filter((b) => b.isDownbeat).length,
          median > 0 ? (60 / median).toFixed(1) : "-",
          r.beatsPerBar ?? "-",
          r.error ?? r.beats.slice(0, 4).map((b) => `${b.timeSec.toFixed(2)}${b.isDownbeat ? "↓" : ""}`).join(" "),
        ];
      });
      process.stdout.write(
        `${file}: ${audio.durationSec.toFixed(1)} s, tempo ${analysis.tempo.bpm} BPM (confidence ${analysis.tempo.confidence})\n` +
          `${table(["tracker", "beats", "downbeats", "BPM", "bar", "first beats / error"], rows)}\n` +
          "* primary tracker (best onset alignment)\n",
      );
    });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
