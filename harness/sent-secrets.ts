/**
 * The secrets a run sent, as plain data shared by the load driver (which records them), the probe
 * (which searches the target's buffers for them) and the analysis (which searches the heap
 * snapshots for them). They live in the harness process only: never written to disk, never put
 * in a report (reports carry counts and fingerprints).
 *
 * What a secret looks like is a {@link SecretShape}: by default leakbench's own key scheme
 * (`lk_<id>_<checksum>`, scenarios/kit/api-key.ts), whose checksum is the secret part and whose id
 * is not secret; with `--secret-pattern <regex>` the user's regex, applied to every header value
 * and body the harness sent: the whole match is the credential, the first capture group (or the
 * group named `secret`) its secret part, a group named `id` its non-secret id.
 */
import { createHash } from 'node:crypto';
import { LeakbenchError } from './errors.js';

/** How secrets are recognised in the values the harness sends. */
export interface SecretShape {
  /** `leakbench-key` for the built-in key scheme, else the `--secret-pattern` source. */
  name: string;
  /** Global regex; see the module comment for its groups. */
  pattern: RegExp;
}

/** One credential the harness sent (deduplicated by its whole text). */
export interface SentSecret {
  /** The whole credential as the pattern matched it (`lk_<id>_<checksum>`, a bearer token). */
  whole: string;
  /** Its secret part (the key's checksum; the pattern's secret group); equal to `whole` when the pattern has no group. */
  secret: string;
  /** Its non-secret id part, when the shape has one (a key id). */
  id?: string;
  /** The header value as sent, when it holds more than the credential (`Bearer <token>`). */
  headerValue?: string;
  /**
   * Responses the load had received when the first request carrying it completed (1-based, the
   * load driver's counter, comparable with `SnapshotRef.requests`); 0 while none completed.
   */
  completedAtRequest: number;
}

/** Every credential of a run, and how they were recognised. */
export interface SentSecrets {
  shape: string;
  /** Requests that carried at least one credential. */
  requestsWithSecrets: number;
  secrets: SentSecret[];
}

/** leakbench's key scheme, unanchored: group 1 the id, group 2 the checksum (the secret part). */
const LEAKBENCH_KEY = /lk_([0-9A-Za-z]{16,32})_([0-9a-f]{12})/g;

/** The built-in shape: leakbench keys. */
export const LEAKBENCH_KEY_SHAPE: SecretShape = { name: 'leakbench-key', pattern: LEAKBENCH_KEY };

/**
 * The shape `--secret-pattern <regex>` describes. A pattern that does not compile, or matches the
 * empty string, is `E_USAGE`.
 */
export function parseSecretPattern(source: string): SecretShape {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'g');
  } catch (err) {
    throw new LeakbenchError('E_USAGE', `--secret-pattern is not a valid regular expression: ${(err as Error).message}`);
  }
  if (pattern.test('')) throw new LeakbenchError('E_USAGE', '--secret-pattern must not match the empty string');
  pattern.lastIndex = 0;
  return { name: source, pattern };
}

/** A credential found in one sent value (before deduplication). */
export interface FoundSecret {
  whole: string;
  secret: string;
  id?: string;
}

/** Every credential `shape` finds in `value`. */
export function findSecrets(value: string, shape: SecretShape): FoundSecret[] {
  const out: FoundSecret[] = [];
  const re = shape.pattern;
  re.lastIndex = 0;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (shape === LEAKBENCH_KEY_SHAPE) {
      out.push({ whole: m[0], secret: m[2]!, id: m[1]! });
      continue;
    }
    const secret = m.groups?.['secret'] ?? m[1] ?? m[0];
    const found: FoundSecret = { whole: m[0], secret: secret === '' ? m[0] : secret };
    const id = m.groups?.['id'];
    if (id !== undefined && id !== '') found.id = id;
    out.push(found);
  }
  re.lastIndex = 0;
  return out;
}

/**
 * ArrayBuffer contents searched through the inspector at the end of a run (heap snapshots do not
 * hold them): what was scanned and which buffers hold which credentials.
 */
export interface BufferScan {
  state: 'scanned' | 'not-scanned';
  /** Why not, or what was left out. */
  reason?: string;
  buffersScanned: number;
  bytesScanned: number;
  /**
   * Each ArrayBuffer holding material: its heap object id (the snapshots' id space: one inspector
   * session; 0 when it could not be resolved), its size, and per credential index (into `SentSecrets.secrets`) whether the whole
   * credential or only its secret part was found.
   */
  hits: Array<{ nodeId: number; sizeBytes: number; found: Array<{ secret: number; whole: boolean }> }>;
}

/**
 * A stable stand-in for a secret in outputs: a marker and the first 6 hex digits of its SHA-256
 * (`lk_…#a1b2c3` for leakbench keys). The same secret gives the same fingerprint; the fingerprint
 * gives nothing of the secret.
 */
export function secretFingerprint(secret: string, marker = 'lk_…#'): string {
  return `${marker}${createHash('sha256').update(secret).digest('hex').slice(0, 6)}`;
}
