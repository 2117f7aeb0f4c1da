/**
 * The one error class leakbench throws for conditions a user can act on. Users match on `code`,
 * never on the message. Every code is listed in {@link ERROR_CODES} with a one-line meaning, and
 * the README's error table is kept in sync with it by a test.
 */

/** Every stable error code leakbench emits, with what it means for the user. */
export const ERROR_CODES = {
  E_USAGE: 'A command-line argument or flag value is missing or invalid.',
  E_UNKNOWN_SCENARIO: 'The scenario name is not one of the scenarios under scenarios/.',
  E_SERVER_START_TIMEOUT: 'The server under test never answered its readiness check in time.',
  E_SERVER_CRASHED: 'The server under test exited before the run finished, or reached its V8 heap limit (leakbench then stops it).',
  E_INSPECTOR: 'The V8 inspector of the server under test could not be reached or failed.',
  E_LOAD: 'The load generator could not drive the server (connection refused, only errors).',
  E_SNAPSHOT_PARSE: 'A heap snapshot file is truncated, corrupt or not a heap snapshot.',
  E_FILE_NOT_FOUND: 'An input file or directory does not exist or cannot be read.',
  E_REPORT_INVALID: 'A report.json is not valid JSON or does not match report.schema.json.',
  E_SERVER_ERRORS: 'The server under test answered only 5xx errors under load, so there is nothing to measure.',
  E_NOT_LOOPBACK: 'An inspector or server address is not on 127.0.0.1/localhost; leakbench only talks to loopback.',
  E_WORKLOAD: 'A workload or leakbench.config file is not valid: bad JSON or module, an unknown field value or template, a missing environment variable.',
  E_OPENAPI: 'An OpenAPI description (--openapi) cannot be read, is not valid OpenAPI 2.0/3.0/3.1, or leaves no operation to load.',
  E_NATIVE_TOOL: 'An allocation-site tool `--native` needs (heaptrack, python3 with tracemalloc, zstd) is missing or wrote no data.',
  E_CLINIC_MISSING: 'The Clinic view was asked for (--clinic or LEAKBENCH_CLINIC=1) but the optional package @clinic/heap-profiler is not installed.',
} as const;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error a user can act on: a stable `code`, a one-line message and an optional cause. */
export class LeakbenchError extends Error {
  override readonly name = 'LeakbenchError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `err` is a {@link LeakbenchError}, optionally with the given code. */
export function isLeakbenchError(err: unknown, code?: ErrorCode): err is LeakbenchError {
  return err instanceof LeakbenchError && (code === undefined || err.code === code);
}
