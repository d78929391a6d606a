import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ComponentSourceError, describeError } from "./errors.js";
import { createHasher, hashBytes } from "./hash.js";

/** The four cache families; each has its own key shape (see keys.ts). */
export const FAMILIES = ["beats", "onsets", "signals", "features"] as const;
export type Family = (typeof FAMILIES)[number];

export interface ComponentSpec {
  family: Family;
  /** Stable name used in keys (tracker, signal or feature-group name). No ':' allowed. */
  name: string;
  /**
   * The module files whose code produces this entry, usually the caller's own compiled files:
   * `new URL("./dp.js", import.meta.url)`. Strings may be paths or `file:` URLs.
   */
  sources: ReadonlyArray<URL | string>;
  /** Components whose output this one consumes; their fingerprints feed into this one. */
  dependsOn?: readonly Component[];
  /** Anything else the output depends on, e.g. a model checkpoint's hash. */
  extra?: string;
  /** One line for `--verbose` and stats output. */
  description?: string;
}

export interface Component {
  readonly family: Family;
  readonly name: string;
  /** `family:name`, unique within a registry. */
  readonly id: string;
  /** Absolute paths of the source files. */
  readonly sources: readonly string[];
  readonly dependsOn: readonly Component[];
  readonly extra: string | undefined;
  readonly description: string | undefined;
}

/** Throws unless `name` can sit between ':' separators in a key. */
export function assertKeyPart(what: string, value: string): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${what} must be a non-empty string`);
  }
  if (value.includes(":")) throw new TypeError(`${what} "${value}" must not contain ':'`);
}

export function defineComponent(spec: ComponentSpec): Component {
  if (!FAMILIES.includes(spec.family)) {
    throw new TypeError(`unknown cache family "${spec.family}" (expected ${FAMILIES.join(", ")})`);
  }
  assertKeyPart("component name", spec.name);
  if (spec.sources.length === 0) {
    throw new TypeError(`component ${spec.family}:${spec.name} lists no source files`);
  }
  const sources = [...new Set(spec.sources.map(toPath))];
  return Object.freeze({
    family: spec.family,
    name: spec.name,
    id: `${spec.family}:${spec.name}`,
    sources: Object.freeze(sources),
    dependsOn: Object.freeze([...(spec.dependsOn ?? [])]),
    extra: spec.extra,
    description: spec.description,
  });
}

function toPath(source: URL | string): string {
  if (source instanceof URL) return fileURLToPath(source);
  return source.startsWith("file:") ? fileURLToPath(source) : resolve(source);
}

let fingerprintMemo = new WeakMap<Component, string>();
const sourceMemo = new Map<string, { identity: string; bytes: Uint8Array }>();
const packageRootMemo = new Map<string, { root: string; name: string } | null>();

/**
 * 16-hex xxh64 over: the component's source files (sorted by identity; identity and bytes each
 * length-framed), then `id=fingerprint` of each direct dependency (sorted by id; each already
 * covers its own dependencies), then `extra`. Memoised per process.
 *
 * A file's identity is `<package name>/<path inside the package>` when a package.json encloses
 * it, else its base name, so moving a checkout does not invalidate the cache.
 */
export function fingerprint(component: Component): string {
  return fingerprintOf(component, []);
}

function fingerprintOf(component: Component, chain: readonly Component[]): string {
  const memoised = fingerprintMemo.get(component);
  if (memoised) return memoised;
  if (chain.includes(component)) {
    const cycle = [...chain, component].map((c) => c.id).join(" -> ");
    throw new TypeError(`component dependency cycle: ${cycle}`);
  }
  const hasher = createHasher();
  const files = component.sources.map(readSource).sort((a, b) => compare(a.identity, b.identity));
  for (const file of files) {
    hasher.update(`source ${Buffer.byteLength(file.identity)}:${file.identity} ${file.bytes.length}:`);
    hasher.update(file.bytes);
  }
  const deps = [...component.dependsOn].sort((a, b) => compare(a.id, b.id));
  for (const dep of deps) {
    hasher.update(`dep ${dep.id}=${fingerprintOf(dep, [...chain, component])};`);
  }
  if (component.extra !== undefined) {
    hasher.update(`extra ${Buffer.byteLength(component.extra)}:${component.extra}`);
  }
  const result = hasher.digest();
  fingerprintMemo.set(component, result);
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readSource(path: string): { identity: string; bytes: Uint8Array } {
  const memoised = sourceMemo.get(path);
  if (memoised) return memoised;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ComponentSourceError(path, `cannot read component source: ${describeError(error)}`, {
      cause: error,
    });
  }
  const entry = { identity: sourceIdentity(path), bytes };
  sourceMemo.set(path, entry);
  return entry;
}

function sourceIdentity(path: string): string {
  const pkg = enclosingPackage(dirname(path));
  if (!pkg) return basename(path);
  return `${pkg.name}/${relative(pkg.root, path).split(sep).join("/")}`;
}

function enclosingPackage(dir: string): { root: string; name: string } | null {
  if (packageRootMemo.has(dir)) return packageRootMemo.get(dir) ?? null;
  let found: { root: string; name: string } | null = null;
  const manifest = join(dir, "package.json");
  if (existsSync(manifest)) {
    found = { root: dir, name: packageName(manifest) ?? basename(dir) };
  } else {
    const parent = dirname(dir);
    found = parent === dir ? null : enclosingPackage(parent);
  }
  packageRootMemo.set(dir, found);
  return found;
}

function packageName(manifest: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
    return typeof parsed.name === "string" && parsed.name ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Forget memoised fingerprints and source bytes. Fingerprints are meant to be computed once per
 * process; this exists for tests and watch-mode tools that edit sources in-process.
 */
export function clearFingerprintMemo(): void {
  sourceMemo.clear();
  packageRootMemo.clear();
  fingerprintMemo = new WeakMap();
}

/** Content hash of a checkpoint or other data file, for a component's `extra`. */
export function hashFile(path: string): string {
  try {
    return hashBytes(readFileSync(path));
  } catch (error) {
    throw new ComponentSourceError(path, `cannot read: ${describeError(error)}`, { cause: error });
  }
}

/**
 * The set of components an engine works with, derived once and passed to `openCache`.
 * Names are unique per family; the onsets family has a single component (its keys carry no name).
 */
export class ComponentRegistry implements Iterable<Component> {
  readonly #byId = new Map<string, Component>();

  constructor(components: Iterable<Component> = []) {
    for (const component of components) this.add(component);
  }

  add(...components: Component[]): this {
    for (const component of components) {
      const existing = this.#byId.get(component.id);
      if (existing === component) continue;
      if (existing) throw new TypeError(`component ${component.id} is registered twice`);
      if (component.family === "onsets") {
        const other = this.list("onsets")[0];
        if (other) {
          throw new TypeError(
            `onsets keys carry no name, so only one onsets component may be registered (${other.id}, ${component.id})`,
          );
        }
      }
      this.#byId.set(component.id, component);
    }
    return this;
  }

  get(family: Family, name: string): Component | undefined {
    return this.#byId.get(`${family}:${name}`);
  }

  /** The onsets component, if any; its keys have no name segment. */
  onsets(): Component | undefined {
    return this.list("onsets")[0];
  }

  list(family?: Family): Component[] {
    const all = [...this.#byId.values()];
    return family ? all.filter((c) => c.family === family) : all;
  }

  get size(): number {
    return this.#byId.size;
  }

  [Symbol.iterator](): Iterator<Component> {
    return this.#byId.values();
  }
}
