/** Small text formatters and option parsers shared by the commands. */
import { InvalidArgumentError } from 'commander';
import type { Style } from './terminal.ts';

export function colorStatus(status: string, style: Style): string {
  if (status === 'completed') return style.green(status);
  if (status === 'running') return style.cyan(status);
  if (status === 'failed' || status === 'timed_out' || status === 'terminated') return style.red(status);
  if (status === 'cancelled') return style.yellow(status);
  return status;
}

/** `2025-01-02 03:04:05` in local time: what a person compares with a clock. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function usd(value: unknown): string {
  return typeof value === 'number' ? `$${value < 0.01 ? value.toPrecision(2) : value.toFixed(4)}` : '-';
}

/** Parses `value` as JSON when it is JSON, else keeps it as a string (for signal arguments). */
export function jsonOrString(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** A positive integer option; commander reports anything else as a usage error. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer is needed.');
  return n;
}

/** A finite number option. */
export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('a number is needed.');
  return n;
}
