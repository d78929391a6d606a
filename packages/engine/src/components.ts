/**
 * The engine's cache components (ARCHITECTURE.md decision 2): one per tracker, the onsets, one per
 * computed signal, the two feature groups. Each names the compiled modules its entry depends on —
 * entry modules, expanded by `moduleClosure` — and the components whose output it reads
 * (`dependsOn`), so fingerprints follow the code and the data flow. No component depends on a
 * model checkpoint.
 */
import { fileURLToPath } from "node:url";
import { type AnalysisCache, type Component, defineComponent, openCache } from "@tactus/cache";
import { TRACKERS, type TrackerName } from "@tactus/beat-trackers";
import { SIGNALS } from "@tactus/signals";
import { engineModule, moduleClosure, packageFiles, packageModule } from "./sources.js";
import { COMPUTED_SIGNALS } from "./stages/signals.js";

/** Signal names contain ':' (`spacing:dbn`), which cannot sit in a key part: stored with '.'. */
export function signalCacheName(signal: string): string {
  return signal.replaceAll(":", ".");
}

export interface EngineComponents {
  beats: Readonly<Record<TrackerName, Component>>;
  onsets: Component;
  /** By signal registry name (`spacing:dbn`, `autocorr` …). */
  signals: Readonly<Record<string, Component>>;
  features: Readonly<{ meter_net_audio: Component; meter_net_ssm: Component }>;
  /** Every component, for `openCache`. */
  all: readonly Component[];
}

export interface BuildComponentsOptions {
  /**
   * Extra source files per component id (`signals:autocorr`, `signals:spacing.dbn`, `beats:dbn`,
   * `onsets` …). For tests that edit a fixture file and watch the invalidation.
   */
  extraSources?: Readonly<Record<string, readonly string[]>>;
}

const BEAT_TRACKERS = "@tactus/beat-trackers";
const FEATURES = "@tactus/features";
const SIGNALS_PKG = "@tactus/signals";

/** Builds the component set; `engineComponents()` is the memoised default. */
export function buildEngineComponents(options: BuildComponentsOptions = {}): EngineComponents {
  const extra = (id: string): readonly string[] => options.extraSources?.[id] ?? [];
  const engine = (...files: string[]) => moduleClosure(files.map(engineModule), { followPackages: false });
  // Decoding and preprocessing feed every entry computed from audio.
  const audioInput = moduleClosure([engineModule("./load.js")]);

  // Trackers: own module + the registry wrapper; another tracker's own module is not entered.
  const trackerEntries = new Set(TRACKERS.flatMap((t) => t.sources.map(toPath)));
  const beats = {} as Record<TrackerName, Component>;
  for (const tracker of TRACKERS) {
    const own = tracker.sources.map(toPath);
    const stopAt = new Set([...trackerEntries].filter((f) => !own.includes(f)));
    beats[tracker.name] = defineComponent({
      family: "beats",
      name: tracker.name,
      sources: [...moduleClosure(own, { stopAt }), ...engine("./stages/beats.js"), ...audioInput, ...extra(`beats:${tracker.name}`)],
      description: tracker.description,
    });
  }
  const trackerStop = new Set([...trackerEntries].filter((f) => !f.endsWith("registry.js")));
  const beatTrackersModule = (file: string) => moduleClosure([packageModule(BEAT_TRACKERS, file)], { stopAt: trackerStop });

  const onsets = defineComponent({
    family: "onsets",
    name: "onsets",
    sources: [
      ...engine("./stages/onsets.js", "./stages/clip.js"),
      ...packageFiles("@tactus/onset", engineModule("./index.js")),
      ...beatTrackersModule("activations.js"),
      ...audioInput,
      ...extra("onsets"),
    ],
    description: "onset envelope, onset events, global tempo estimates and audio length",
  });
  const allBeats = Object.values(beats);
  // Primary tracker, tempo and beat interval are derived from every tracker and the onsets.
  const deriveSources = [...engine("./derive.js"), ...beatTrackersModule("selection.js"), ...beatTrackersModule("tempo.js")];

  // The features' layout imports @tactus/signals only for the meter-key tables (meters.js), so
  // that package is not followed from the feature modules: a signal edit must not invalidate them.
  const featureModules = (...files: string[]) =>
    moduleClosure([...files.map((f) => packageModule(FEATURES, f)), packageModule(SIGNALS_PKG, "meters.js")], {
      excludePackages: [SIGNALS_PKG],
    });
  const chromaSources = [...featureModules("audio-block.js", "prepare.js"), ...engine("./stages/clip.js")];

  const signalEntries = new Set(SIGNALS.flatMap((s) => s.sources.map(toPath)));
  const signals: Record<string, Component> = {};
  for (const signal of COMPUTED_SIGNALS) {
    const own = signal.sources.map(toPath);
    const stopAt = new Set([...signalEntries].filter((f) => !own.includes(f)));
    const readsTrackers = signal.trackers.length > 0;
    const readsAudio = signal.inputs.some((i) => i === "downbeatActivation" || i === "chroma" || i === "nonSilentFraction");
    signals[signal.name] = defineComponent({
      family: "signals",
      name: signalCacheName(signal.name),
      sources: [
        ...moduleClosure([...own, packageModule(SIGNALS_PKG, "registry.js")], { stopAt }),
        ...engine("./stages/signals.js"),
        ...(readsTrackers ? [] : deriveSources),
        ...(readsAudio
          ? [
              ...audioInput,
              ...engine("./stages/clip.js"),
              ...beatTrackersModule("activations.js"),
              packageModule(SIGNALS_PKG, "quality.js"),
              ...(signal.inputs.includes("chroma") ? chromaSources : []),
            ]
          : []),
        ...extra(`signals:${signalCacheName(signal.name)}`),
      ],
      dependsOn: readsTrackers ? signal.trackers.map((t) => beats[t as TrackerName]).filter(Boolean) : [...allBeats, onsets],
      description: signal.description,
    });
  }

  const featureCode = [
    ...engine("./stages/features.js", "./stages/clip.js"),
    ...featureModules("audio-block.js", "prepare.js"),
    ...audioInput,
  ];
  const meterNetAudio = defineComponent({
    family: "features",
    name: "meter_net_audio",
    sources: [...featureCode, ...extra("features:meter_net_audio")],
    description: "MeterNet audio block (1449) of the centred 30 s clip",
  });
  const meterNetSsm = defineComponent({
    family: "features",
    name: "meter_net_ssm",
    sources: [
      ...featureCode,
      ...featureModules("ssm-block.js", "beat-block.js"),
      ...deriveSources,
      ...extra("features:meter_net_ssm"),
    ],
    // The slots read dbn, multifeature and the fixed DBN variants; dbn_best is chosen by onset alignment.
    dependsOn: [...allBeats.filter((c) => c.name !== "dp"), onsets],
    description: "MeterNet SSM block (75): beat-synchronous chroma self-similarity per tracker slot",
  });

  const features = { meter_net_audio: meterNetAudio, meter_net_ssm: meterNetSsm };
  return {
    beats,
    onsets,
    signals,
    features,
    all: [...allBeats, onsets, ...Object.values(signals), meterNetAudio, meterNetSsm],
  };
}

let defaults: EngineComponents | undefined;

/** The engine's components (built once per process). */
export function engineComponents(): EngineComponents {
  defaults ??= buildEngineComponents();
  return defaults;
}

export interface OpenEngineCacheOptions {
  /** Directory holding `analysis.lmdb/` (default `$TACTUS_CACHE_DIR`, else `.cache`). */
  dir?: string;
  /** Component set (default `engineComponents()`). */
  components?: EngineComponents;
}

/**
 * Opens the analysis cache with every engine component registered, so stale entries are removed.
 * Throws `CacheUnavailableError` when the store cannot be used (see `tryOpenEngineCache`).
 */
export function openEngineCache(options: OpenEngineCacheOptions = {}): AnalysisCache {
  const components = options.components ?? engineComponents();
  return openCache({ ...(options.dir !== undefined ? { dir: options.dir } : {}), components: components.all });
}

function toPath(source: string): string {
  return source.startsWith("file:") ? fileURLToPath(source) : source;
}
