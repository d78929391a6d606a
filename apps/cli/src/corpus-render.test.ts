import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFluidsynth, loadFolder } from "@tactus/datasets";
import { describe, expect, it } from "vitest";
import { tactus } from "./test-utils/cli.js";

describe("tactus corpus render without FluidSynth", () => {
  it("says which Debian packages it needs and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tactus-cli-render-"));
    const out = join(dir, "corpus");
    const res = await tactus(["corpus", "render", "--out", out, "--per-class", "1", "--duration", "2"], {
      TACTUS_FLUIDSYNTH: join(dir, "no-fluidsynth"),
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("apt-get install fluidsynth fluid-soundfont-gm");
    expect(res.stderr).toContain("never installs anything");
    expect(readdirSync(dir)).toEqual([]);
  });
});

const missing = await findFluidsynth().then(
  () => undefined,
  (e: Error) => e.message,
);

describe.skipIf(missing !== undefined)(
  `tactus corpus render (needs fluidsynth + fluid-soundfont-gm)${missing ? ` — skipped: ${missing}` : ""}`,
  () => {
    it("renders 2 tiny clips that load as a folder dataset, the same bytes twice", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tactus-cli-render-"));
      const args = ["corpus", "render", "--per-class", "1", "--duration", "2", "--classes", "5,11", "--seed", "3"];
      const a = await tactus([...args, "--out", join(dir, "a")]);
      expect(a.code).toBe(0);
      expect(a.stdout).toMatch(/wrote 2 clips, kept 0, failed 0 .*× real time\); FluidSynth/);
      const b = await tactus([...args, "--out", join(dir, "b"), "-w", "2"]);
      expect(b.code).toBe(0);
      for (const sub of ["audio", "midi", "annotations"]) {
        const files = readdirSync(join(dir, "a", sub)).sort();
        expect(files).toHaveLength(2);
        for (const f of files) expect(readFileSync(join(dir, "b", sub, f)).equals(readFileSync(join(dir, "a", sub, f)))).toBe(true);
      }
      const { entries, missingAudio } = await loadFolder(join(dir, "a"));
      expect(missingAudio).toEqual([]);
      expect(entries.map((e) => e.meter).sort((x, y) => x - y)).toEqual([5, 11]);
      const resumed = await tactus([...args, "--out", join(dir, "a"), "--resume"]);
      expect(resumed.stdout).toMatch(/wrote 0 clips, kept 2, failed 0/);
    }, 60_000);
  },
);
