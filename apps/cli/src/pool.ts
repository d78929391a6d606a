/**
 * A small pool of worker processes (`child_process.fork`), each working on one file at a time.
 *
 * Protocol (both directions over the IPC channel):
 *   parent → worker  { id, task, path, options }
 *   worker → parent  { id, ok: true, result } | { id, ok: false, error: { name, message } }
 *                    { ready: true, info } once, when the worker has started (info: anything)
 *
 * A worker that dies with a request in flight (crash, OOM, SIGKILL) is replaced; its request is
 * retried once on a fresh worker (`retries`), then rejected with `WorkerCrashedError`.
 * `size <= 1` can run in-process through the same interface (`InProcessPool`).
 */
import { type ChildProcess, fork } from "node:child_process";

export interface TaskRequest<O = unknown> {
  task: string;
  path: string;
  options: O;
}

/** An error as it crosses the process boundary: the class name and the user-facing message. */
export interface SerializedError {
  name: string;
  message: string;
}

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: SerializedError }
  | { ready: true; info?: unknown };

/** A task that threw in the worker; `name`/`message` are those of the original error. */
export class TaskError extends Error {
  readonly path: string;
  readonly originalName: string;
  constructor(path: string, error: SerializedError) {
    super(error.message);
    this.name = "TaskError";
    this.path = path;
    this.originalName = error.name;
  }
}

/** The worker process running the task died before answering. */
export class WorkerCrashedError extends Error {
  readonly path: string;
  constructor(path: string, how: string) {
    super(`${path}: worker process died while analysing it (${how})`);
    this.name = "WorkerCrashedError";
    this.path = path;
  }
}

/** The pool was closed (interrupt) before the task could start or finish. */
export class PoolClosedError extends Error {
  readonly path: string;
  /** The file was being processed (and was abandoned) rather than still queued. */
  readonly started: boolean;
  constructor(path: string, started = false) {
    super(`${path}: ${started ? "abandoned mid-file" : "not started"} (interrupted)`);
    this.name = "PoolClosedError";
    this.path = path;
    this.started = started;
  }
}

export interface Pool {
  readonly size: number;
  /** Runs one request on the next free worker; rejects with TaskError, WorkerCrashedError or PoolClosedError. */
  run<R = unknown>(request: TaskRequest): Promise<R>;
  /** Number of requests running right now. */
  readonly inFlight: number;
  /** Stop taking work: queued requests reject with PoolClosedError; running ones get `graceMs`, then workers are killed. */
  close(graceMs?: number): Promise<void>;
  /** The `info` of the first worker's ready message (e.g. which TF.js backend it runs on). */
  readonly info: Promise<unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

interface Pending {
  id: number;
  request: TaskRequest;
  attempts: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  child: ChildProcess;
  current?: Pending;
  exited: boolean;
}

export interface ForkPoolOptions {
  size: number;
  /** The worker entry module (compiled JS). */
  entry: URL | string;
  /** Extra attempts for a request whose worker died (default 1). */
  retries?: number;
  /** Environment of the workers (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export class ForkPool implements Pool {
  readonly size: number;
  readonly info: Promise<unknown>;
  readonly #entry: string;
  readonly #retries: number;
  readonly #env: NodeJS.ProcessEnv | undefined;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  #resolveInfo!: (info: unknown) => void;

  constructor(options: ForkPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size));
    this.#entry = typeof options.entry === "string" ? options.entry : options.entry.pathname;
    this.#retries = options.retries ?? 1;
    this.#env = options.env;
    this.info = new Promise((resolve) => {
      this.#resolveInfo = resolve;
    });
  }

  get inFlight(): number {
    return this.#slots.filter((s) => s.current).length;
  }

  run<R = unknown>(request: TaskRequest): Promise<R> {
    if (this.#closed) return Promise.reject(new PoolClosedError(request.path));
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, request, attempts: 0, resolve: resolve as (v: unknown) => void, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (!this.#closed && this.#queue.length > 0) {
      let slot = this.#slots.find((s) => !s.current && !s.exited);
      if (!slot) {
        if (this.#slots.filter((s) => !s.exited).length >= this.size) return;
        slot = this.#spawn();
      }
      const pending = this.#queue.shift()!;
      pending.attempts++;
      slot.current = pending;
      slot.child.send({ id: pending.id, ...pending.request });
    }
  }

  #spawn(): Slot {
    // stdio inherits stderr so a worker's own warnings reach the user; stdout stays the parent's.
    const child = fork(this.#entry, [], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      ...(this.#env ? { env: this.#env } : {}),
      serialization: "advanced",
    });
    const slot: Slot = { child, exited: false };
    this.#slots.push(slot);
    child.on("message", (message: WorkerReply) => {
      if ("ready" in message) {
        this.#resolveInfo(message.info);
        return;
      }
      const pending = slot.current;
      if (!pending || pending.id !== message.id) return;
      slot.current = undefined;
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new TaskError(pending.request.path, message.error));
      this.#dispatch();
    });
    const onGone = (how: string) => {
      if (slot.exited) return;
      slot.exited = true;
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      const pending = slot.current;
      slot.current = undefined;
      if (pending) {
        if (!this.#closed && pending.attempts <= this.#retries) this.#queue.unshift(pending);
        else pending.reject(this.#closed ? new PoolClosedError(pending.request.path, true) : new WorkerCrashedError(pending.request.path, how));
      }
      this.#dispatch();
    };
    child.on("exit", (code, signal) => onGone(signal ? `killed by ${signal}` : `exit code ${code}`));
    child.on("error", (error) => onGone(error.message));
    return slot;
  }

  #closing: Promise<void> | undefined;

  close(graceMs = 2000): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new PoolClosedError(pending.request.path));
    const busy = this.#slots.filter((s) => s.current);
    if (busy.length > 0 && graceMs > 0) {
      await Promise.race([
        Promise.all(busy.map((s) => new Promise<void>((resolve) => waitIdle(s, resolve)))),
        new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    await Promise.all(
      [...this.#slots].map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (slot.exited) return resolve();
            slot.child.once("exit", () => resolve());
            // An idle worker leaves on disconnect; a busy one past the grace period is killed.
            if (slot.current) slot.child.kill("SIGKILL");
            else if (slot.child.connected) slot.child.disconnect();
            else slot.child.kill("SIGKILL");
          }),
      ),
    );
    this.#resolveInfo(undefined);
  }
}

function waitIdle(slot: Slot, done: () => void): void {
  const check = () => {
    if (!slot.current || slot.exited) {
      slot.child.off("message", check);
      slot.child.off("exit", check);
      // Let the pool's own message handler run first.
      setImmediate(done);
    }
  };
  slot.child.on("message", check);
  slot.child.on("exit", check);
}

export type TaskRunner = (request: TaskRequest) => Promise<unknown>;

/** The same interface, one request at a time, in this process (no fork). */
export class InProcessPool implements Pool {
  readonly size = 1;
  readonly info: Promise<unknown>;
  readonly #runner: TaskRunner;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;
  #inFlight = 0;

  constructor(runner: TaskRunner, info: () => Promise<unknown> = async () => undefined) {
    this.#runner = runner;
    this.info = info();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  run<R = unknown>(request: TaskRequest): Promise<R> {
    const next = this.#chain.then(async () => {
      if (this.#closed) throw new PoolClosedError(request.path);
      this.#inFlight++;
      try {
        return await this.#runner(request);
      } catch (error) {
        throw new TaskError(request.path, serializeError(error));
      } finally {
        this.#inFlight--;
      }
    });
    this.#chain = next.catch(() => undefined);
    return next as Promise<R>;
  }

  async close(graceMs = 2000): Promise<void> {
    this.#closed = true;
    await Promise.race([this.#chain, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }
}

/**
 * The worker side: answer requests with `runner`, one at a time, until the parent disconnects.
 * SIGINT/SIGTERM are left to the parent (a terminal's Ctrl-C reaches the whole process group):
 * the worker finishes its file and exits when the parent closes the channel.
 */
export function serveTasks(runner: TaskRunner, info: () => Promise<unknown> = async () => undefined): void {
  if (!process.send) throw new Error("serveTasks: not started as a forked worker");
  const send = (message: WorkerReply) => {
    if (process.connected) process.send!(message);
  };
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  let busy = false;
  let parentGone = false;
  process.on("disconnect", () => {
    parentGone = true;
    if (!busy) process.exit(0);
  });
  process.on("message", async (message: TaskRequest & { id: number }) => {
    busy = true;
    try {
      send({ id: message.id, ok: true, result: await runner(message) });
    } catch (error) {
      send({ id: message.id, ok: false, error: serializeError(error) });
    } finally {
      busy = false;
      if (parentGone) process.exit(0);
    }
  });
  info().then(
    (value) => send({ ready: true, info: value }),
    () => send({ ready: true }),
  );
}
