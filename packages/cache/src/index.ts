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
export {
  type AudioHashOptions,
  audioHash,
  clearAudioHashMemo,
  createHasher,
  type FileHashMemo,
  type Hasher,
  hashBytes,
  RACY_MARGIN_NS,
  statSignature,
} from "./hash.js";
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
  cacheDirectory,
  type FamilyStats,
  MEMO_NAME,
  type OpenCacheOptions,
  openCache,
  type PutEntry,
  STORE_NAME,
} from "./store.js";
