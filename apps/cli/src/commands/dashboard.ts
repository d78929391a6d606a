import { dataPaths, formatDashboard, listRuns } from "@tactus/trainer";
import type { Command } from "commander";

export function registerDashboardCommand(program: Command): void {
  program
    .command("dashboard")
    .description("history of saved eval runs and the failures of the latest")
    .option("--data-root <dir>", "pipeline data folder (default: $TACTUS_DATA_DIR or data)")
    .action((opts: { dataRoot?: string }) => {
      const { runs } = dataPaths(opts.dataRoot);
      process.stdout.write(`${formatDashboard(listRuns(runs), runs).join("\n")}\n`);
    });
}
