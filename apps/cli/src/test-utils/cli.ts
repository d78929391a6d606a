/** Running the built CLI (`dist/main.js`; build first) from tests. */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
export const MAIN = new URL("../../dist/main.js", import.meta.url).pathname;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tactus ARGS` to the end (CI=1: plain progress lines), never throwing on a non-zero exit. */
export async function tactus(args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      env: { ...process.env, CI: "1", ...env },
      maxBuffer: 1 << 24,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A running `tactus ARGS`: its output so far, and its end. */
export interface CliChild {
  child: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  /** Called with all of stderr after each chunk. */
  onStderr(listener: (stderr: string) => void): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `tactus ARGS` (CI=1) without waiting for it, e.g. to kill it mid-run. */
export function spawnTactus(args: string[], env: Record<string, string> = {}): CliChild {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, CI: "1", ...env }, stdio: "pipe" });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  const listeners: ((stderr: string) => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
    for (const listener of listeners) listener(stderr);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    onStderr: (listener) => listeners.push(listener),
    exited,
  };
}

/** `size` seeded pseudo-random bytes: not audio in any format. */
export function junk(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let x = 12345;
  for (let i = 0; i < size; i++) bytes[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
  return bytes;
}
