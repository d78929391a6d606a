import { type AnalysisCache, audioHash, type CacheStats, FAMILIES, openCache } from "@tactus/cache";
import { engineComponents } from "@tactus/engine";
import type { Command } from "commander";
import { type DatasetFlags, datasetOptions, printSelection, selectDataset } from "../dataset-select.js";
import { describeFailure } from "../fail.js";
import { formatBytes, table } from "../format.js";

interface StatsOptions extends DatasetFlags {
  cacheDir?: string;
  json?: boolean;
}

export function registerCacheCommands(program: Command): void {
  const cache = program.command("cache").description("inspect and clean the LMDB analysis cache");
  datasetOptions(
    cache
      .command("stats")
      .description("entries and size per key family; with --dataset or --data-dir, how many of the dataset's files each family covers"),
    "all",
  )
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .option("--json", "print JSON")
    .action(async (opts: StatsOptions) => {
      if (!opts.dataDir && !opts.dataset) {
        // Opening without a component list never deletes anything (see @tactus/cache README).
        await withStore(openCache({ dir: opts.cacheDir, removeStale: false }), (store) => {
          const stats = store.stats();
          process.stdout.write(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : `${familyTable(stats, false)}\n`);
        });
        return;
      }
      const selection = await selectDataset(opts, { plainFolder: true });
      printSelection(selection);
      const files = [...selection.entries.map((e) => e.audioPath), ...selection.unlabelled];
      const hashes: string[] = [];
      for (const path of files) {
        try {
          hashes.push(await audioHash(path));
        } catch (error) {
          process.stderr.write(`skipped: ${describeFailure(path, error as Error)}\n`);
        }
      }
      // The engine's components make `hits` mean "every entry of the family is current"; nothing is removed.
      await withStore(openCache({ dir: opts.cacheDir, components: engineComponents().all, removeStale: false }), (store) => {
        const stats = store.stats(hashes);
        process.stdout.write(
          opts.json ? `${JSON.stringify(stats, null, 2)}\n` : `${selection.name}: ${files.length} files\n${familyTable(stats, true)}\n`,
        );
      });
    });

  cache
    .command("clean")
    .description("remove entries whose code fingerprint is stale (and, with --unknown, entries of no engine component)")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .option("--unknown", "also remove entries of components the engine does not have")
    .option("--json", "print JSON")
    .action(async (opts: { cacheDir?: string; unknown?: boolean; json?: boolean }) => {
      const components = engineComponents().all;
      await withStore(openCache({ dir: opts.cacheDir, components, removeStale: false }), (store) => {
        const before = store.stats();
        const removed = store.removeStale({ removeUnknown: opts.unknown ?? false });
        const after = store.stats();
        if (opts.json) {
          const summary = { path: store.path, removed, before: pick(before), after: pick(after) };
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `cache: ${store.path}\n` +
            `removed ${removed} entr${removed === 1 ? "y" : "ies"}` +
            (opts.unknown ? " (stale, unknown or unreadable)" : " (stale or unreadable)") +
            `\nbefore: ${before.entries} entries, ${formatBytes(before.bytes)}` +
            `\nafter:  ${after.entries} entries, ${formatBytes(after.bytes)}\n` +
            (!opts.unknown && after.entries > 0 && totalUnknown(after) > 0
              ? `${totalUnknown(after)} entries of unknown components kept (--unknown removes them)\n`
              : ""),
        );
      });
    });
}

async function withStore(store: AnalysisCache, use: (store: AnalysisCache) => void): Promise<void> {
  try {
    use(store);
  } finally {
    await store.close();
  }
}

const pick = (s: CacheStats) => ({ entries: s.entries, bytes: s.bytes });
const totalUnknown = (s: CacheStats) => FAMILIES.reduce((n, f) => n + s.families[f].unknown, 0);

function familyTable(stats: CacheStats, withHits: boolean): string {
  const header = withHits ? ["family", "entries", "size", "stale", "files cached"] : ["family", "entries", "size"];
  const rows = FAMILIES.map((family) => {
    const f = stats.families[family];
    const row: (string | number)[] = [family, f.entries, formatBytes(f.bytes)];
    if (withHits) row.push(f.stale, `${f.hits}/${f.total}`);
    return row;
  });
  return (
    `cache: ${stats.path}\n${table(header, rows)}\n` +
    `total: ${stats.entries} entries, ${formatBytes(stats.bytes)}` +
    (stats.unparsed ? `, ${stats.unparsed} unreadable keys` : "")
  );
}
