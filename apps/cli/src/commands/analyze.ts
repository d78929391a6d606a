import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { type AnalysisPlotInput, analysisPlot } from "@tactus/plots";
import type { Command } from "commander";
import { describeFailure } from "../fail.js";
import { positiveInt } from "../options.js";
import { startProgress } from "../progress.js";
import { type ResultJson, resultsTable, sectionsReport, verboseReport } from "../results.js";
import { runFiles } from "../run-files.js";
import { type AnalyzeTaskOptions, type AnalyzeTaskResult, openPool } from "../tasks.js";

interface AnalyzeOptions {
  json?: boolean;
  cache: boolean;
  cacheDir?: string;
  sections?: boolean;
  verbose?: boolean;
  checkpoint?: string;
  workers: number;
  plot?: string;
}

export function registerAnalyzeCommand(program: Command): void {
  program
    .command("analyze <files...>")
    .description("meter hypotheses, tempo and beats of audio files (table, or --json)")
    .option("--json", "print the engine's JSON (an array for several files)")
    .option("--no-cache", "do not read or write the analysis cache")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .option("--sections", "detect sections (meter and tempo per part of the file)")
    .option("-v, --verbose", "per-tracker beats, alignment F1s, signal scores and timings")
    .option("--checkpoint <dir>", "MeterNet checkpoint directory (default: data/meter_net)")
    .option("-w, --workers <n>", "files analysed in parallel (worker processes; 1 = in this process)", positiveInt("--workers"), 1)
    .option("--plot <file.svg>", "write an SVG overview (beats, tempo curve, meter probabilities); several files: a directory, one <name>.svg each")
    .action(async (files: string[], opts: AnalyzeOptions) => {
      const options: AnalyzeTaskOptions = {
        ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
        ...(opts.checkpoint !== undefined ? { checkpointDir: opts.checkpoint } : {}),
        noCache: !opts.cache,
        sections: opts.sections ?? false,
        // The plot draws the onset envelope, which only the verbose details carry.
        verbose: (opts.verbose ?? false) || opts.plot !== undefined,
      };
      const pool = openPool(Math.min(opts.workers, files.length));
      const progress = files.length > 1 ? startProgress("analyze", files.length) : undefined;
      let backendShown = false;
      const run = await runFiles<AnalyzeTaskResult>(
        pool,
        files.map((path) => ({ task: "analyze", path, options })),
        {
          onOutcome: (outcome) => {
            progress?.tick();
            if (outcome.ok && !backendShown) {
              backendShown = true;
              process.stderr.write(`backend: ${outcome.result.backend}\n`);
            }
          },
        },
      );
      progress?.stop();

      // Input order, not completion order.
      const byPath = new Map(run.outcomes.map((o) => [o.path, o]));
      const done = files.flatMap((file) => {
        const o = byPath.get(file);
        return o?.ok ? [{ file, json: o.result.json as unknown as ResultJson }] : [];
      });
      if (opts.json) {
        // Details requested only for the plot are not printed.
        const objects = done.map(({ file, json }) => {
          const { details, ...rest } = json;
          return { file, ...rest, ...(opts.verbose && details !== undefined ? { details } : {}) };
        });
        if (files.length === 1 && objects.length === 1) process.stdout.write(`${JSON.stringify(objects[0], null, 2)}\n`);
        else if (files.length > 1) process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
      } else if (done.length > 0) {
        process.stdout.write(`${resultsTable(done)}\n`);
        if (opts.sections) for (const { file, json } of done) process.stdout.write(`\n${sectionsReport(file, json)}\n`);
        if (opts.verbose) for (const { file, json } of done) process.stdout.write(`\n${verboseReport(file, json)}\n`);
      }
      if (opts.plot) {
        const paths = plotPaths(opts.plot, files.length > 1, done.map(({ file }) => file));
        done.forEach(({ file, json }, i) => {
          writeFileSync(paths[i]!, analysisPlot(plotInput(file, json)));
          process.stderr.write(`plot: ${paths[i]}\n`);
        });
      }
      const warnings = new Map<string, string[]>();
      for (const { file, json } of done) for (const w of json.warnings) warnings.set(w, [...(warnings.get(w) ?? []), file]);
      for (const [w, which] of warnings) {
        process.stderr.write(`warning: ${w}${which.length < done.length ? ` (${which.join(", ")})` : ""}\n`);
      }

      const failed = files.flatMap((file) => {
        const o = byPath.get(file);
        return o && !o.ok ? [describeFailure(file, o.error)] : [];
      });
      if (files.length === 1 && failed.length === 1) process.stderr.write(`tactus: ${failed[0]}\n`);
      else if (failed.length > 0) {
        process.stderr.write(`\n${failed.length} of ${files.length} files failed:\n${failed.map((f) => `  ${f}\n`).join("")}`);
      }
      if (run.interrupted) {
        process.stderr.write(`interrupted: ${done.length} analysed, ${run.notRun.length} not finished\n`);
        process.exitCode = 130;
      } else if (failed.length > 0) process.exitCode = 1;
    });
}

/** What the plot reads of the engine JSON; the onset envelope comes with the verbose details (`--plot` asks for them). */
type PlotJson = Omit<ResultJson, "details"> & {
  tempo_curve?: { time: number; bpm: number }[];
  details?: {
    onset_envelope?: { fps: number; values: number[] };
    trackers?: Record<string, { beats: { time: number; is_downbeat: boolean }[]; discarded?: boolean }>;
  };
};

/** A primary beat this close to a DBN downbeat is drawn as a downbeat (the beat F-measure window). */
const DOWNBEAT_MATCH_SEC = 0.07;

/**
 * Beats to draw, with downbeats. When the primary tracker marks none (dp, multifeature), the
 * downbeats are those of the bar-pointer DBN with the top meter's bar length (`dbn_bpbN`, else the
 * free `dbn`), marked on the nearest primary beat; `source` names that tracker.
 */
function plotBeats(json: PlotJson): { beats: AnalysisPlotInput["beats"]; source?: string } {
  const primary = (json.beats as { time: number; is_downbeat: boolean }[]).map((b) => ({ timeSec: b.time, isDownbeat: b.is_downbeat }));
  const trackers = json.details?.trackers;
  if (primary.some((b) => b.isDownbeat) || !trackers) return { beats: primary };
  const top = json.meter_hypotheses[0];
  const usable = (name: string) => (trackers[name] && !trackers[name]!.discarded && trackers[name]!.beats.some((b) => b.is_downbeat) ? name : undefined);
  const source = (top && usable(`dbn_bpb${top.numerator}`)) ?? usable("dbn");
  if (!source) return { beats: primary };
  const downbeats = trackers[source]!.beats.filter((b) => b.is_downbeat).map((b) => b.time);
  const near = (t: number) => downbeats.some((d) => Math.abs(d - t) <= DOWNBEAT_MATCH_SEC);
  return { beats: primary.map((b) => ({ ...b, isDownbeat: near(b.timeSec) })), source };
}

/** The plot of one result: primary beats, tempo curve, meter hypotheses as bars, sections. */
export function plotInput(file: string, json: PlotJson): AnalysisPlotInput {
  const meter = (m: { numerator: number; denominator: number }) => `${m.numerator}/${m.denominator}`;
  const envelope = json.details?.onset_envelope;
  const drawn = plotBeats(json);
  const hypotheses = json.meter_hypotheses.map((h) => ({ label: meter(h) + (h.grouping ? ` (${h.grouping})` : "") + (h.fallback ? " fallback" : ""), probability: h.confidence }));
  return {
    title: basename(file),
    durationSec: json.duration,
    beats: drawn.beats,
    ...(drawn.source ? { downbeatSource: drawn.source } : {}),
    tempoCurve: (json.tempo_curve ?? []).map((p) => ({ timeSec: p.time, bpm: p.bpm })),
    bpm: json.tempo.fallback ? Number.NaN : json.tempo.bpm,
    meterProbabilities: hypotheses,
    ...(envelope && envelope.fps > 0 && envelope.values.length > 0 ? { envelope: { fps: envelope.fps, values: envelope.values } } : {}),
    ...(hypotheses[0] ? { topMeter: hypotheses[0].label } : {}),
    sections: json.sections.map((s) => ({
      startSec: s.start,
      endSec: s.end,
      label: [s.meter ? meter(s.meter) : null, s.tempo ? `${s.tempo.bpm.toFixed(0)} BPM` : null].filter((x) => x !== null).join(" · ") || undefined,
    })),
  };
}

/** `--plot`: the file itself, or with several inputs (or an existing directory) `DIR/<name>.svg`, unique names. */
export function plotPaths(target: string, several: boolean, files: readonly string[]): string[] {
  const isDir = several || target.endsWith("/") || (existsSync(target) && statSync(target).isDirectory());
  if (!isDir) {
    mkdirSync(dirname(target), { recursive: true });
    return files.map(() => target);
  }
  mkdirSync(target, { recursive: true });
  const used = new Set<string>();
  return files.map((file) => {
    const stem = basename(file, extname(file));
    let name = `${stem}.svg`;
    for (let k = 2; used.has(name); k++) name = `${stem}-${k}.svg`;
    used.add(name);
    return join(target, name);
  });
}
