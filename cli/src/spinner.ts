/** A one-line progress indicator on stderr; a no-op when stderr is not a terminal. */
export interface Spinner {
  update(text: string): void;
  /** Clears the line; prints `final` in its place when given. */
  stop(final?: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[K';

const silent: Spinner = { update() {}, stop() {} };

let active: Spinner | undefined;

export function startSpinner(text: string, stream: NodeJS.WriteStream = process.stderr, enabled = stream.isTTY === true): Spinner {
  if (!enabled) return silent;
  active?.stop();
  let frame = 0;
  let label = text;
  let stopped = false;
  const draw = () => stream.write(`${CLEAR_LINE}${FRAMES[frame++ % FRAMES.length]} ${label}`);
  draw();
  const timer = setInterval(draw, 80);
  const spinner: Spinner = {
    update(next) {
      label = next;
    },
    stop(final) {
      // Idempotent: a second stop must not clear a line written since (streamed text).
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write(CLEAR_LINE);
      if (final !== undefined) stream.write(`${final}\n`);
      if (active === spinner) active = undefined;
    },
  };
  active = spinner;
  return spinner;
}

/** Clears whatever spinner is running (before an error is printed or the process exits). */
export function stopActiveSpinner(): void {
  active?.stop();
}
