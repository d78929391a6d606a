import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatBeats } from "./beats-file.js";
import { planCorpus } from "./corpus.js";
import { planRenderCorpus, renderCorpus } from "./corpus-render.js";
import { loadFolderDataset } from "./folder-dataset.js";
import {
  findFluidsynth,
  latencyProbeMidi,
  measureFluidsynthLatency,
  probeOnsets,
  RenderToolError,
  renderMidiWithFluidsynth,
} from "./render-midi.js";
import { composeClip } from "./synthesize.js";
import { useTempDirs } from "./test-utils/tmp-dir.js";

const tempDir = useTempDirs();

describe("planRenderCorpus", () => {
  const options = { outDir: "unused", perClass: 8, seed: 3 };

  it("plans balanced classes with gm- ids, drumless and percussion clips, and a GM arrangement each", () => {
    const clips = planRenderCorpus(options);
    expect(clips).toHaveLength(6 * 8);
    for (const c of [3, 4, 5, 7, 9, 11]) expect(clips.filter((clip) => clip.meterClass === c)).toHaveLength(8);
    expect(clips.every((c) => /^gm-\d+x\d+-\d{4}$/.test(c.id) && c.midiFile === `midi/${c.id}.mid`)).toBe(true);
    const kinds = clips.map((c) => c.spec.instrumentation);
    expect(kinds.filter((k) => k === "drumless")).toHaveLength(6 * 2); // 25 % of 8
    expect(kinds.filter((k) => k === "percussion")).toHaveLength(6 * 1);
    expect(new Set(clips.map((c) => c.spec.grouping.join("+"))).size).toBeGreaterThanOrEqual(10);
    expect(new Set(clips.map((c) => c.arrangement.programs.keys.program)).size).toBeGreaterThanOrEqual(5);
    for (const c of clips.filter((clip) => clip.spec.instrumentation === "percussion")) expect(c.arrangement.melody).toBe(false);
  });

  it("is deterministic and independent of the synthetic corpus of the same seed", () => {
    expect(planRenderCorpus(options)).toEqual(planRenderCorpus(options));
    const synthSeeds = new Set(planCorpus(options).map((c) => c.spec.seed));
    expect(planRenderCorpus(options).some((c) => synthSeeds.has(c.spec.seed))).toBe(false);
    expect(planRenderCorpus({ ...options, seed: 4 }).map((c) => c.spec.seed)).not.toEqual(planRenderCorpus(options).map((c) => c.spec.seed));
  });
});

describe("findFluidsynth", () => {
  it("names the Debian packages when fluidsynth is missing, and installs nothing", async () => {
    const err = await findFluidsynth({ env: { PATH: "/nonexistent" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderToolError);
    expect((err as Error).message).toMatch(/fluidsynth not found on PATH.*apt-get install fluidsynth fluid-soundfont-gm.*never installs/);
  });

  it("names a missing --soundfont", async () => {
    const dir = await tempDir();
    const fake = join(dir, "fluidsynth");
    await writeFile(fake, "#!/bin/sh\necho 'FluidSynth runtime version 0.0.0'\n");
    await chmod(fake, 0o755);
    const err = await findFluidsynth({ fluidsynth: fake, soundfont: join(dir, "none.sf2"), env: {} }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`${join(dir, "none.sf2")}: sound font not found (from --soundfont or TACTUS_SOUNDFONT)`);
  });
});

const missing = await findFluidsynth().then(
  () => undefined,
  (e: Error) => e.message,
);
const needs = missing ? ` — skipped: ${missing}` : "";

describe.skipIf(missing !== undefined)(`FluidSynth rendering (needs fluidsynth + fluid-soundfont-gm)${needs}`, () => {
  it("measures FluidSynth's latency and trimming it puts the clicks on their MIDI times", async () => {
    const setup = await findFluidsynth();
    const latency = await measureFluidsynthLatency(setup, 22050);
    expect(latency / 22050).toBeGreaterThan(0);
    expect(latency / 22050).toBeLessThan(0.015);
    const x = await renderMidiWithFluidsynth(setup, latencyProbeMidi(), 22050, true);
    const offsets = probeOnsets(x.subarray(latency), 22050);
    // What is left is FluidSynth's 64-sample block quantisation (±1.5 ms at 22 050 Hz).
    for (const o of offsets) expect(Math.abs(o)).toBeLessThan(0.0025);
  }, 30_000);

  it("renders a small corpus that loads back, with annotations equal to the score and a clip listed when it fails", async () => {
    const real = await findFluidsynth();
    const dir = await tempDir();
    // A FluidSynth that fails on its third run (the latency probe is the first, the first clip the second).
    const counter = join(dir, "calls");
    const flaky = join(dir, "flaky-fluidsynth");
    await writeFile(
      flaky,
      `#!/bin/sh\ncase "$1" in --version) exec "${real.fluidsynth}" "$@";; esac\nn=$(($(cat "${counter}" 2>/dev/null || echo 0) + 1)); echo $n > "${counter}"\nif [ $n -eq 3 ]; then echo "synthetic failure" >&2; exit 3; fi\nexec "${real.fluidsynth}" "$@"\n`,
    );
    await chmod(flaky, 0o755);
    const out = join(dir, "corpus");
    const options = { outDir: out, perClass: 1, classes: [3, 7], durationSec: 3, seed: 2, fluidsynth: flaky };
    const first = await renderCorpus(options);
    expect(first.written).toBe(1);
    expect(first.failed).toEqual([{ id: first.clips[1]!.id, error: expect.stringMatching(/synthetic failure/) }]);
    expect((await loadFolderDataset(out)).map((e) => e.id)).toEqual([first.clips[0]!.id]);

    // Resume keeps the finished clip and renders the failed one.
    const second = await renderCorpus({ ...options, resume: true });
    expect([second.written, second.skipped, second.failed.length]).toEqual([1, 1, 0]);
    const entries = await loadFolderDataset(out);
    expect(entries.map((e) => e.meter)).toEqual([3, 7]);
    for (const clip of second.clips) {
      const wav = await readFile(join(out, clip.file));
      expect(wav.length).toBe(44 + 2 * 3 * 22050);
      expect(await readFile(join(out, clip.beatsFile), "utf8")).toBe(formatBeats(composeClip(clip.spec).beats));
      const manifest = JSON.parse(await readFile(join(out, "corpus.json"), "utf8"));
      expect(manifest.options.fluidsynth).toBe(real.version);
      expect(manifest.clips.map((c: { arrangement: unknown }) => c.arrangement)).toEqual(second.clips.map((c) => c.arrangement));
    }

    // The same seed gives the same MIDI and WAV bytes (same FluidSynth version).
    const again = join(dir, "again");
    await renderCorpus({ ...options, outDir: again, fluidsynth: real.fluidsynth, workers: 2 });
    for (const clip of second.clips) {
      for (const file of [clip.file, clip.midiFile, clip.beatsFile]) {
        expect((await readFile(join(again, file))).equals(await readFile(join(out, file)))).toBe(true);
      }
    }
  }, 60_000);
});
