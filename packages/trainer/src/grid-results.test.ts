import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RESULTS_FILE, readResults } from "./grid.js";

const dir = mkdtempSync(join(tmpdir(), "tactus-grid-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readResults", () => {
  const run = { id: "a", status: "done", valAcc: 0.9 };
  const write = (dataset?: string) =>
    writeFileSync(join(dir, RESULTS_FILE), JSON.stringify({ format: "tactus-grid/1", model: "meternet", ...(dataset ? { dataset } : {}), runs: { a: run } }));

  it("keeps runs trained on the same extraction", () => {
    write("L extracted 1");
    const results = readResults(dir, "meternet", "L extracted 1");
    expect(results.runs.a).toEqual(run);
    expect(results.discarded).toBeUndefined();
  });

  it("sets aside runs trained on another extraction, saying which", () => {
    write("L extracted 1");
    const results = readResults(dir, "meternet", "L extracted 2");
    expect(results.runs).toEqual({});
    expect(results.dataset).toBe("L extracted 2");
    expect(results.discarded).toBe("L extracted 1");
  });

  it("keeps runs of a file that predates the dataset field, and adopts the current dataset", () => {
    write();
    const results = readResults(dir, "meternet", "L extracted 2");
    expect(results.runs.a).toEqual(run);
    expect(results.dataset).toBe("L extracted 2");
  });
});
