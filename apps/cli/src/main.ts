#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerAnalyzeCommand } from "./commands/analyze.js";
import { registerBeatsCommand } from "./commands/beats.js";
import { registerCacheCommands } from "./commands/cache.js";
import { registerCorpusCommands } from "./commands/corpus.js";
import { registerDashboardCommand } from "./commands/dashboard.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerExtractCommand } from "./commands/extract.js";
import { registerFeaturesCommand } from "./commands/features.js";
import { registerGridCommand } from "./commands/grid.js";
import { registerSignalsCommand } from "./commands/signals.js";
import { registerTrainCommand } from "./commands/train.js";
import { registerWarmCommand } from "./commands/warm.js";
import { reportError } from "./fail.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command("tactus")
    .description("Meter and tempo of recorded music, and the pipeline that trains and evaluates the classifier")
    .version(version, "-V, --version")
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerAnalyzeCommand(program);
  registerCorpusCommands(program);
  registerBeatsCommand(program);
  registerWarmCommand(program);
  registerCacheCommands(program);
  registerFeaturesCommand(program);
  registerSignalsCommand(program);
  registerExtractCommand(program);
  registerTrainCommand(program);
  registerGridCommand(program);
  registerEvalCommand(program);
  registerDashboardCommand(program);
  return program;
}

// `tactus … | head`: a closed pipe ends the program quietly (finished cache writes are committed).
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => reportError(err));
