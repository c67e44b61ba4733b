/**
 * Where a command's output goes. Results go to stdout: JSON with `--json` (one document, or one
 * per line for streams), text otherwise. Notes, progress and errors go to stderr, so a pipe
 * only ever carries the result.
 */
import { startSpinner, type Spinner } from './spinner.ts';
import { styleFor, type Style } from './terminal.ts';

export class Output {
  /** Styles for stdout and stderr; each is plain unless that stream is a colour terminal. */
  readonly style: Style;
  readonly errStyle: Style;

  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.style = styleFor(stdout);
    this.errStyle = styleFor(stderr);
  }

  /** A line of the human-readable result. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** Raw text of the result (streamed tokens), no newline added. */
  write(text: string): void {
    this.stdout.write(text);
  }

  /** The machine-readable result: pretty JSON, or one compact line per item with `compact`. */
  data(value: unknown, compact = false): void {
    this.stdout.write(`${compact ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
  }

  /** `json` mode prints the value, text mode calls `render`. */
  result<T>(value: T, render: (value: T) => void): void {
    if (this.json) this.data(value);
    else render(value);
  }

  /** Side information for a person (stderr, dim), never part of the result. */
  note(text: string): void {
    this.stderr.write(`${this.errStyle.dim(text)}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.errStyle.yellow('warning:')} ${text}\n`);
  }

  /** Progress on a terminal only: never in `--json` mode, never on a pipe. */
  spinner(text: string): Spinner {
    return startSpinner(text, this.stderr, !this.json && this.stderr.isTTY === true);
  }

  /** Left-aligned columns; the header row is bold. */
  table(header: string[], rows: string[][]): void {
    const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
    const format = (cells: string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
        .join('  ')
        .trimEnd();
    this.line(this.style.bold(format(header)));
    for (const row of rows) this.line(format(row));
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}
