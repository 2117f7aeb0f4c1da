import { isKeyed, perRequest, topClass, type Mechanism } from './mechanism.js';

/** Members a spread point needs: fewer growing children are reported through the largest one's mechanism. */
export const MIN_SPREAD_MEMBERS = 16;

/** Many small containers under one collection, each growing a little (per-tenant arrays under a Map). */
export const spreadOverManyContainers: Mechanism = {
  id: 'spread-over-many-containers',
  family: 'unbounded-map',
  signature: `a collection whose growth is spread over ${MIN_SPREAD_MEMBERS} or more growing members, none carrying most of it`,
  matches: (e) => e.members >= MIN_SPREAD_MEMBERS && (isKeyed(e.kind) || e.kind === 'array'),
  explain: (input) => {
    const count = input.members?.count ?? 0;
    const largest = input.members?.largest.length ? ` The largest: ${input.members.largest.join(', ')}.` : '';
    return {
      explanation:
        `${input.holder} holds ${count} containers that each grow a little on every request and never shrink: no single one is ` +
        `large, together they grow without bound.` + largest + perRequest(input) + topClass(input),
      fix:
        'Bound every member (cap each per-tenant list, or keep a ring buffer per member), or aggregate instead of keeping each ' +
        'record, and drop members whose owner is gone.',
    };
  },
};
