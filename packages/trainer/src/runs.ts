/**
 * Saved evaluation runs (reference/pipeline.md §6.5–§7): snapshots in `<runs>/<YYYYMMDD_HHMMSS>.json`
 * (+ a confusion-matrix SVG), the baseline (newest snapshot holding the dataset), per-class
 * regressions, and the text of the eval report and the dashboard.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { confusionMatrixSvg } from "@tactus/plots";
import { METER_CLASSES } from "@tactus/signals";
import type { CheckpointInfo, DatasetRecord } from "./eval.js";
import { writeFileAtomic, writeJsonAtomic } from "./files.js";
import type { ConfusionMatrix } from "./metrics.js";
import { codeRevision } from "./train.js";

export const RUN_FORMAT = "tactus-run/1";

export interface RunSnapshot {
  format: typeof RUN_FORMAT;
  /** UTC ISO. */
  timestamp: string;
  git: { revision: string };
  command: string;
  backend: string;
  checkpoints: { meter_net: CheckpointInfo };
  datasets: Record<string, DatasetRecord>;
}

export interface SavedRun {
  file: string;
  snapshot: RunSnapshot;
}

/** Every parseable snapshot in `runsDir`, oldest first (by file name). Unparseable files are skipped. */
export function listRuns(runsDir: string): SavedRun[] {
  if (!existsSync(runsDir)) return [];
  const out: SavedRun[] = [];
  for (const name of readdirSync(runsDir).filter((f) => f.endsWith(".json")).sort()) {
    try {
      const snapshot = JSON.parse(readFileSync(join(runsDir, name), "utf8")) as RunSnapshot;
      if (snapshot.format === RUN_FORMAT && snapshot.datasets) out.push({ file: join(runsDir, name), snapshot });
    } catch {
      // skipped, as the reference does
    }
  }
  return out;
}

/** The newest snapshot that evaluated `dataset`, with that dataset's record. */
export function baselineFor(runsDir: string, dataset: string): { file: string; record: DatasetRecord } | null {
  const runs = listRuns(runsDir);
  for (let i = runs.length - 1; i >= 0; i--) {
    const record = runs[i]!.snapshot.datasets[dataset];
    if (record) return { file: runs[i]!.file, record };
  }
  return null;
}

export interface Regression {
  meter: string;
  was: { correct: number; total: number };
  now: { correct: number; total: number };
}

/** §6.5: a class regresses when it has fewer correct files on at least as many files. */
export function regressions(previous: DatasetRecord, current: DatasetRecord): Regression[] {
  const out: Regression[] = [];
  for (const [meter, was] of Object.entries(previous.perClass)) {
    const now = current.perClass[meter] ?? { correct: 0, total: 0 };
    if (now.correct < was.correct && now.total >= was.total) out.push({ meter, was, now });
  }
  return out;
}

function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}_${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** Writes the snapshot (and one confusion-matrix SVG per dataset); returns the JSON path. */
export function saveRun(runsDir: string, snapshot: Omit<RunSnapshot, "format" | "timestamp" | "git">, now = new Date()): string {
  let name = stamp(now);
  for (let k = 2; existsSync(join(runsDir, `${name}.json`)); k++) name = `${stamp(now)}_${k}`;
  const file = join(runsDir, `${name}.json`);
  const full: RunSnapshot = { format: RUN_FORMAT, timestamp: now.toISOString(), git: { revision: codeRevision() }, ...snapshot };
  for (const [dataset, record] of Object.entries(full.datasets)) {
    const suffix = Object.keys(full.datasets).length > 1 ? `_${dataset}` : "";
    writeFileAtomic(join(runsDir, `${name}${suffix}_confusion.svg`), confusionPlot(record.confusion, `${dataset} ${record.split}: ${record.correct}/${record.total}`));
  }
  writeJsonAtomic(file, full);
  return file;
}

/** The run's confusion matrix as an SVG (`@tactus/plots`): rows true meter, columns predicted (+ "none"). */
function confusionPlot(matrix: ConfusionMatrix, title: string): string {
  const labels = matrix.classes.map((m) => `${m}/x`);
  return confusionMatrixSvg({ labels, predictedLabels: [...labels, "none"], counts: matrix.counts, title });
}

const pctOf = (c: { correct: number; total: number }) => (c.total ? `${((100 * c.correct) / c.total).toFixed(1)}%` : "–");

/** The eval summary block (§6.3) plus the confusion matrix and timings. */
export function formatRecord(record: DatasetRecord, label = record.dataset.toUpperCase()): string[] {
  const lines = [`${label} ${record.split}:  ${record.correct}/${record.total} (${record.accuracy.toFixed(1)}%)   bal=${record.balancedAccuracy.toFixed(1)}%   [${record.elapsedS.toFixed(1)}s]`];
  for (const [meter, c] of Object.entries(record.perClass)) lines.push(`  ${`${meter}/x`.padEnd(5)} ${`${c.correct}/${c.total}`.padStart(9)}   ${pctOf(c)}`);
  if (record.threeFour.total > 0) lines.push(`  3+4   ${`${record.threeFour.correct}/${record.threeFour.total}`.padStart(9)}   ${pctOf(record.threeFour)}`);
  if (record.multiLabel.total > 0) {
    lines.push(`Multi-label (polyrhythmic): ${record.multiLabel.matched}/${record.multiLabel.total} matched (${pctOf({ correct: record.multiLabel.matched, total: record.multiLabel.total })})`);
  }
  lines.push("Confusion (rows expected, columns predicted):");
  const header = ["", ...record.confusion.classes.map((m) => `${m}/x`), "none"];
  const rows = record.confusion.counts
    .map((row, i) => ({ row, i }))
    .filter(({ row }) => row.some((v) => v > 0))
    .map(({ row, i }) => [`${record.confusion.classes[i]}/x`, ...row.map(String)]);
  lines.push(...[header, ...rows].map((r) => r.map((v) => v.padStart(6)).join("")));
  const t = record.timings;
  lines.push(
    `Timings: total ${(t.totalMs / 1000).toFixed(2)} s (hash ${t.hashMs} ms, warm ${t.warmMs} ms, features ${t.featuresMs} ms, forward ${t.forwardMs} ms); ${record.warmFiles}/${record.files.length} files from the warm cache`,
  );
  return lines;
}

export function formatRegressions(list: readonly Regression[], prefix = ""): string[] {
  return [
    `${prefix}REGRESSIONS DETECTED (${list.length}):`,
    ...list.map((r) => `${prefix}REGRESSION meter ${r.meter}/x: was ${r.was.correct}/${r.was.total}, now ${r.now.correct}/${r.now.total}`),
  ];
}

/** The dashboard: one row per saved run and dataset, then the latest run in detail with its failures. */
export function formatDashboard(runs: readonly SavedRun[], runsDir: string): string[] {
  if (runs.length === 0) return [`No saved runs in ${runsDir}. Use: tactus eval --save`];
  const header = ["#", "Date", "Dataset", "Split", "Score", "Bal", ...METER_CLASSES.map((m) => `${m}/x`), "Checkpoint", "File"];
  const rows: string[][] = [];
  runs.forEach((run, i) => {
    for (const [name, r] of Object.entries(run.snapshot.datasets)) {
      rows.push([
        String(i + 1),
        run.snapshot.timestamp.slice(0, 16).replace("T", " "),
        name,
        r.split,
        `${r.correct}/${r.total} ${r.accuracy.toFixed(1)}%`,
        `${r.balancedAccuracy.toFixed(1)}%`,
        ...METER_CLASSES.map((m) => {
          const c = r.perClass[String(m)];
          return c ? pctOf(c) : "–";
        }),
        run.snapshot.checkpoints.meter_net.hash.slice(0, 8),
        basename(run.file),
      ]);
    }
  });
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((v, j) => v.padEnd(widths[j]!)).join("  ").trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ""];
  const latest = runs[runs.length - 1]!;
  for (const [name, r] of Object.entries(latest.snapshot.datasets)) {
    out.push(`Latest (${basename(latest.file)}): ${name} ${r.correct}/${r.total} (${r.accuracy.toFixed(1)}%) — ${r.split} [${r.elapsedS.toFixed(1)} s]`);
    for (const [meter, c] of Object.entries(r.perClass)) out.push(`  ${meter}/x  ${c.correct}/${c.total}  ${pctOf(c)}`);
    const failures = r.files.filter((f) => !f.ok).sort((a, b) => a.fname.localeCompare(b.fname));
    out.push(`Failures (${failures.length}):`);
    for (const f of failures) out.push(`  ${f.fname}  exp=${f.expected}/x  got=${f.predicted === null ? "None" : `${f.predicted}/x`}${f.error ? `  (${f.error})` : ""}`);
  }
  return out;
}
