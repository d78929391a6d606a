/**
 * The engine's cache components (ARCHITECTURE.md decision 2): one per tracker, the onsets, one per
 * computed signal, the two feature groups. Each names the compiled modules its entry depends on —
 * entry modules, expanded by `moduleClosure` — and the components whose output it reads
 * (`dependsOn`), so fingerprints follow the code and the data flow. Only `signals:onset_mlp` depends
 * on a model checkpoint: it exists when an onset-MLP checkpoint does, and carries the checkpoint's
 * hash in `extra`; no feature group ever depends on one.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TRACKERS, type TrackerName } from "@tactus/beat-trackers";
import { type AnalysisCache, type Component, defineComponent, openCache } from "@tactus/cache";
import { onsetMlpSignal, SIGNALS } from "@tactus/signals";
import { checkpointStamp } from "./model.js";
import { DEFAULT_ONSET_MLP_DIR, ONSET_MLP_SIGNAL, onsetMlpCheckpointHash } from "./onset-mlp.js";
import { engineModule, moduleClosure, packageFiles, packageModule } from "./sources.js";
import { COMPUTED_SIGNALS, signalNeedsAudio } from "./stages/signals.js";

/** Signal names contain ':' (`spacing:dbn`), which cannot sit in a key part: stored with '.'. */
export function signalCacheName(signal: string): string {
  return signal.replaceAll(":", ".");
}

export interface EngineComponents {
  beats: Readonly<Record<TrackerName, Component>>;
  onsets: Component;
  /** By signal registry name (`spacing:dbn`, `autocorr` …; `onset_mlp` when there is a checkpoint). */
  signals: Readonly<Record<string, Component>>;
  features: Readonly<{ meter_net_audio: Component; meter_net_ssm: Component }>;
  /** The onset-MLP checkpoint the `signals:onset_mlp` component was built for; null without one. */
  onsetMlp: Readonly<{ component: Component; dir: string; hash: string }> | null;
  /** Every component, for `openCache`. */
  all: readonly Component[];
}

export interface BuildComponentsOptions {
  /**
   * Extra source files per component id (`signals:autocorr`, `signals:spacing.dbn`, `beats:dbn`,
   * `onsets` …). For tests that edit a fixture file and watch the invalidation.
   */
  extraSources?: Readonly<Record<string, readonly string[]>>;
  /**
   * onset-MLP checkpoint directory (default `data/onset_mlp` against the cwd); null = none. When a
   * checkpoint is there, a `signals:onset_mlp` component is added with its hash as `extra`.
   */
  onsetMlpDir?: string | null;
}

const onsetMlpDirs = new WeakMap<Component, string>();

/** The checkpoint directory a `signals:onset_mlp` component was built for (undefined for any other component). */
export function onsetMlpDirOf(component: Component | undefined): string | undefined {
  return component ? onsetMlpDirs.get(component) : undefined;
}

const BEAT_TRACKERS = "@tactus/beat-trackers";
const FEATURES = "@tactus/features";
const SIGNALS_PKG = "@tactus/signals";
const METERNET = "@tactus/meternet";

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
    const readsAudio = signalNeedsAudio(signal);
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

  // The onset-MLP signal reads only the cached audio block; its code is the signal's mapping, the
  // engine's runner and meternet's inference (the features and signals packages it imports are
  // covered by the audio block dependency and the mapping's own modules). The checkpoint is `extra`.
  let onsetMlp: EngineComponents["onsetMlp"] = null;
  const onsetMlpDir = options.onsetMlpDir === undefined ? DEFAULT_ONSET_MLP_DIR : options.onsetMlpDir;
  const onsetMlpHash = onsetMlpDir === null ? null : onsetMlpCheckpointHash(onsetMlpDir);
  if (onsetMlpDir !== null && onsetMlpHash !== null) {
    const id = `signals:${ONSET_MLP_SIGNAL}`;
    const own = onsetMlpSignal.sources.map(toPath);
    const stopAt = new Set([...signalEntries].filter((f) => !own.includes(f)));
    const component = defineComponent({
      family: "signals",
      name: ONSET_MLP_SIGNAL,
      sources: [
        ...moduleClosure(own, { stopAt }),
        ...engine("./onset-mlp.js"),
        ...moduleClosure([packageModule(METERNET, "models.js")], { excludePackages: [SIGNALS_PKG, FEATURES] }),
        ...extra(id),
      ],
      dependsOn: [meterNetAudio],
      extra: onsetMlpHash,
      description: onsetMlpSignal.description,
    });
    const dir = resolve(onsetMlpDir);
    onsetMlpDirs.set(component, dir);
    signals[ONSET_MLP_SIGNAL] = component;
    onsetMlp = Object.freeze({ component, dir, hash: onsetMlpHash });
  }

  const features = { meter_net_audio: meterNetAudio, meter_net_ssm: meterNetSsm };
  return {
    beats,
    onsets,
    signals,
    features,
    onsetMlp,
    all: [...allBeats, onsets, ...Object.values(signals), meterNetAudio, meterNetSsm],
  };
}

let defaults: { key: string; components: EngineComponents } | undefined;

/**
 * The engine's components with the default onset-MLP checkpoint (`data/onset_mlp` against the
 * cwd): built once per process, again only when that checkpoint appears, disappears or is replaced.
 */
export function engineComponents(): EngineComponents {
  const dir = resolve(DEFAULT_ONSET_MLP_DIR);
  const key = `${dir}\0${checkpointStamp(dir) ?? "none"}`;
  if (defaults?.key !== key) defaults = { key, components: buildEngineComponents() };
  return defaults.components;
}

export interface OpenEngineCacheOptions {
  /** Directory holding `analysis.lmdb/` (default `$TACTUS_CACHE_DIR`, else `.cache`). */
  dir?: string;
  /** Component set (default `engineComponents()`, or built for `onsetMlpDir`). */
  components?: EngineComponents;
  /** onset-MLP checkpoint directory the component set is built for (default `data/onset_mlp`). */
  onsetMlpDir?: string;
}

/**
 * Opens the analysis cache with every engine component registered, so stale entries are removed.
 * Throws `CacheUnavailableError` when the store cannot be used (see `tryOpenEngineCache`).
 */
export function openEngineCache(options: OpenEngineCacheOptions = {}): AnalysisCache {
  const components =
    options.components ?? (options.onsetMlpDir !== undefined ? buildEngineComponents({ onsetMlpDir: options.onsetMlpDir }) : engineComponents());
  return openCache({ ...(options.dir !== undefined ? { dir: options.dir } : {}), components: components.all });
}

function toPath(source: string): string {
  return source.startsWith("file:") ? fileURLToPath(source) : source;
}
