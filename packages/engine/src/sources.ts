/**
 * Which compiled files a cache entry depends on, found by reading the modules' imports, so a
 * component names only its entry modules and its fingerprint follows the code automatically.
 *
 * - Relative imports (`./x.js`) are followed transitively inside the package.
 * - A bare `@tactus/*` import brings in every compiled module of that package, and, the same way,
 *   of the `@tactus/*` packages it imports (coarse but safe: we cannot tell which of a package's
 *   exports a module uses without evaluating it).
 * - `stopAt` modules are not entered: another component's entry belongs to that component.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const IMPORT_PATTERNS = [
  /(?:^|[;\n}])\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/g,
  /(?:^|[;\n])\s*import\s*["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];

/** Module specifiers imported by a compiled ES module (static, side-effect and literal dynamic imports). */
export function importSpecifiers(code: string): string[] {
  const out = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) out.add(match[1]!);
  }
  return [...out];
}

export interface ClosureOptions {
  /** Follow bare `@tactus/*` imports (whole packages). Default true. */
  followPackages?: boolean;
  /** Absolute paths of modules not to enter. */
  stopAt?: ReadonlySet<string>;
  /** `@tactus/*` packages not to follow (the caller lists the modules of theirs that matter). */
  excludePackages?: readonly string[];
}

/** Absolute paths of `entries` and every file they depend on (see the module comment); sorted. */
export function moduleClosure(entries: readonly (string | URL)[], options: ClosureOptions = {}): string[] {
  const followPackages = options.followPackages ?? true;
  const stopAt = options.stopAt ?? new Set<string>();
  const files = new Set<string>();
  const packages = new Set<string>(options.excludePackages ?? []);
  const queue = entries.map(toPath);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importSpecifiers(readModule(file))) {
      if (spec.startsWith("./") || spec.startsWith("../")) {
        const target = existingModule(resolve(dirname(file), spec));
        if (target !== undefined && !stopAt.has(target)) queue.push(target);
      } else if (followPackages && spec.startsWith("@tactus/")) {
        for (const path of packageFiles(packageName(spec), file, packages)) files.add(path);
      }
    }
  }
  return [...files].sort();
}

/** Every compiled module of a `@tactus/*` package and of the `@tactus/*` packages it imports. */
export function packageFiles(name: string, fromFile: string, seen: Set<string> = new Set()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const dist = dirname(resolvePackage(name, fromFile));
  const own = listModules(dist);
  const out = [...own];
  for (const file of own) {
    for (const spec of importSpecifiers(readModule(file))) {
      if (spec.startsWith("@tactus/")) out.push(...packageFiles(packageName(spec), file, seen));
    }
  }
  return out;
}

/**
 * Absolute path of a compiled module inside a `@tactus/*` package (e.g. `"selection.js"` of
 * `@tactus/beat-trackers`), resolved next to the package's entry; throws when it does not exist,
 * so a renamed module fails loudly instead of silently leaving the fingerprint.
 */
export function packageModule(name: string, file: string, fromFile: string = fileURLToPath(import.meta.url)): string {
  const path = join(dirname(resolvePackage(name, fromFile)), file);
  if (!existsSync(path)) throw new Error(`${name} has no module ${file} (looked for ${path})`);
  return path;
}

/**
 * A module of this package by path relative to this file: the compiled `.js`, or the `.ts` source
 * when the engine itself runs from source (vitest), so fingerprints always cover the running code.
 */
export function engineModule(file: string): string {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return import.meta.url.endsWith(".ts") ? path.replace(/\.js$/, ".ts") : path;
}

/** `path`, or its `.ts` source when only that exists (modules running from source); undefined if neither. */
function existingModule(path: string): string | undefined {
  if (existsSync(path)) return path;
  const ts = path.replace(/\.js$/, ".ts");
  return ts !== path && existsSync(ts) ? ts : undefined;
}

function packageName(spec: string): string {
  return spec.split("/").slice(0, 2).join("/");
}

/** The package's ESM entry file, found the way Node does: `node_modules/<name>` up from `fromFile`. */
function resolvePackage(name: string, fromFile: string): string {
  for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) {
      const root = dirname(realpathSync(manifest));
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
        exports?: { ".": { import?: string } | string };
        main?: string;
      };
      const dot = pkg.exports?.["."];
      const entry = (typeof dot === "string" ? dot : dot?.import) ?? pkg.main ?? "index.js";
      return join(root, entry);
    }
    if (dirname(dir) === dir) throw new Error(`cannot find package ${name} from ${fromFile}`);
  }
}

function listModules(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listModules(path));
    else if (entry.name.endsWith(".js") && !entry.name.endsWith(".test.js")) out.push(path);
  }
  return out.sort();
}

const moduleText = new Map<string, string>();

function readModule(file: string): string {
  let text = moduleText.get(file);
  if (text === undefined) {
    text = readFileSync(file, "utf8");
    moduleText.set(file, text);
  }
  return text;
}

function toPath(source: string | URL): string {
  if (source instanceof URL) return fileURLToPath(source);
  return source.startsWith("file:") ? fileURLToPath(source) : resolve(source);
}
