/**
 * Which credentials the load sent and which of their requests completed, kept in memory for the
 * key-residency scan (harness/analysis/key-residency.ts). Nothing here is written anywhere.
 *
 * The load driver calls {@link KeyLedger.sent} for every request it builds and
 * {@link KeyLedger.completed} when that request's response arrives. Requests whose key the request
 * mix marked invalid (bad checksum, malformed, missing) carry no secret: they grant nothing.
 */
import { findSecrets, LEAKBENCH_KEY_SHAPE, type SecretShape, type SentSecret, type SentSecrets } from '../sent-secrets.js';
import type { MixedRequest } from './request-mix.js';

/** Records the credentials of the requests a load sends. */
export class KeyLedger {
  private readonly byWhole = new Map<string, number>();
  private readonly secrets: SentSecret[] = [];
  /** Credential indexes of request `token - 1` (a number for one credential, an array for several). */
  private readonly requests: Array<number | number[]> = [];
  private requestsWithSecrets = 0;

  constructor(private readonly shape: SecretShape = LEAKBENCH_KEY_SHAPE) {}

  /**
   * Records the credentials `req` carries (in its header values and body); returns the token to
   * hand to {@link completed}, or 0 when it carries none.
   */
  sent(req: MixedRequest): number {
    if (req.keyKind === 'bad-checksum' || req.keyKind === 'malformed' || req.keyKind === 'missing') return 0;
    const found: number[] = [];
    for (const value of Object.values(req.headers)) this.collect(value, found);
    if (req.body !== undefined) this.collect(req.body, found);
    if (found.length === 0) return 0;
    this.requestsWithSecrets++;
    this.requests.push(found.length === 1 ? found[0]! : found);
    return this.requests.length;
  }

  /** The request of `token` completed; `requestsSoFar` is the load driver's response count, this one included. */
  completed(token: number, requestsSoFar: number): void {
    if (token <= 0) return;
    const entry = this.requests[token - 1];
    if (entry === undefined) return;
    for (const i of typeof entry === 'number' ? [entry] : entry) {
      const s = this.secrets[i]!;
      if (s.completedAtRequest === 0) s.completedAtRequest = requestsSoFar;
    }
  }

  /** Distinct credentials sent so far. */
  get size(): number {
    return this.secrets.length;
  }

  /** Everything recorded, as plain data (the same objects: do not modify). */
  snapshot(): SentSecrets {
    return { shape: this.shape.name, requestsWithSecrets: this.requestsWithSecrets, secrets: this.secrets };
  }

  private collect(value: string, into: number[]): void {
    for (const f of findSecrets(value, this.shape)) {
      let i = this.byWhole.get(f.whole);
      if (i === undefined) {
        i = this.secrets.length;
        const s: SentSecret = { whole: f.whole, secret: f.secret, completedAtRequest: 0 };
        if (f.id !== undefined) s.id = f.id;
        if (value !== f.whole && value.length <= 4 * f.whole.length) s.headerValue = value;
        this.secrets.push(s);
        this.byWhole.set(f.whole, i);
      }
      if (!into.includes(i)) into.push(i);
    }
  }
}
