export {
  type Component,
  ComponentRegistry,
  type ComponentSpec,
  clearFingerprintMemo,
  defineComponent,
  FAMILIES,
  type Family,
  fingerprint,
  hashFile,
} from "./components.js";
export {
  AudioHashError,
  CacheError,
  CacheUnavailableError,
  CacheValueError,
  ComponentSourceError,
} from "./errors.js";
export { audioHash, clearAudioHashMemo, createHasher, type Hasher, hashBytes } from "./hash.js";
export {
  beatsKey,
  featuresKey,
  keyFor,
  onsetsKey,
  type ParsedKey,
  parseKey,
  signalsKey,
} from "./keys.js";
export {
  AnalysisCache,
  type AudioEntries,
  type CacheEntry,
  type CacheStats,
  type ComponentStats,
  type FamilyStats,
  type OpenCacheOptions,
  openCache,
  type PutEntry,
  STORE_NAME,
} from "./store.js";
