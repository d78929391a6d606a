#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerBeatsCommand } from "./commands/beats.js";
import { registerCacheCommands } from "./commands/cache.js";
import { registerCorpusCommands } from "./commands/corpus.js";
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
  registerCorpusCommands(program);
  registerBeatsCommand(program);
  registerCacheCommands(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => reportError(err));
