import { analyzeFile, toJson, tryOpenEngineCache } from "@tactus/engine";
import type { Command } from "commander";
import { type ResultJson, signalsTable } from "../results.js";

interface SignalsOptions {
  json?: boolean;
  cache: boolean;
  cacheDir?: string;
}

export function registerSignalsCommand(program: Command): void {
  program
    .command("signals <file>")
    .description("every meter signal's scores over the twelve meter keys")
    .option("--json", "print JSON {file, signals}")
    .option("--no-cache", "do not read or write the analysis cache")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .action(async (file: string, opts: SignalsOptions) => {
      const cache = opts.cache ? tryOpenEngineCache(opts.cacheDir !== undefined ? { dir: opts.cacheDir } : {}) : null;
      try {
        const json = toJson(await analyzeFile(file, { cache, verbose: true, sections: false })) as unknown as ResultJson;
        const signals = json.details?.signals ?? {};
        if (opts.json) process.stdout.write(`${JSON.stringify({ file, signals }, null, 2)}\n`);
        else process.stdout.write(`${file}\n${signalsTable(signals)}\n`);
      } finally {
        await cache?.close();
      }
    });
}
