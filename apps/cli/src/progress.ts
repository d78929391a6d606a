import cliProgress from "cli-progress";

export interface Progress {
  /** Advance by `n` finished items. */
  tick(n?: number): void;
  /** Replace the label shown beside the bar (e.g. the current file). */
  label(text: string): void;
  stop(): void;
}

/**
 * A progress bar with rate and ETA on a terminal; on a pipe or in CI, a plain line every
 * `intervalSec` so logs stay readable.
 */
export function startProgress(
  title: string,
  total: number,
  { stream = process.stderr, intervalSec = 5 }: { stream?: NodeJS.WriteStream; intervalSec?: number } = {},
): Progress {
  let done = 0;
  if (stream.isTTY && !process.env.CI) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${title} [{bar}] {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted} | {label}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(total, 0, { rate: "0.0", label: "" });
    const rate = () => (done / Math.max(1e-3, (Date.now() - started) / 1000)).toFixed(1);
    return {
      tick(n = 1) {
        done += n;
        bar.update(done, { rate: rate() });
      },
      label(text) {
        bar.update(done, { label: text, rate: rate() });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const started = Date.now();
  let lastPrint = 0;
  const print = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastPrint < intervalSec * 1000) return;
    lastPrint = now;
    const elapsed = (now - started) / 1000;
    const rate = done / Math.max(elapsed, 1e-3);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    stream.write(`${title}: ${done}/${total} (${rate.toFixed(1)}/s, ETA ${eta}s)\n`);
  };
  return {
    tick(n = 1) {
      done += n;
      print(done === total);
    },
    label() {},
    stop() {
      if (done !== total) print(true);
    },
  };
}
