/**
 * In-memory streams for running the CLI inside a test: `runCli(argv, c.io)`, then read what it
 * printed with `c.out()` and `c.err()`.
 */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../main.js';

/** A {@link CliIo} whose stdout and stderr are collected as strings. */
export function captureIo(signal: AbortSignal = new AbortController().signal): {
  io: CliIo;
  out: () => string;
  err: () => string;
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, signal }, out: () => out, err: () => err };
}
