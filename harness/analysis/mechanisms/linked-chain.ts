import { externalNote, perRequest, topClass, type Mechanism } from './mechanism.js';

/** A chain shorter than this is a few linked records, not an accumulating sequence. */
export const MIN_CHAIN_LENGTH = 8;
/**
 * Share of the new objects of the chain's class that the chain must link: a linked list links
 * (nearly) all of them; a tree or a graph of records has long paths too, but each covers a
 * small part of its nodes.
 */
export const MIN_CHAIN_COVERAGE = 0.5;

/** Each new object keeps the previous one alive through the same property (`current.previous…`). */
export const linkedChain: Mechanism = {
  id: 'linked-chain',
  family: 'uncleaned-audit-cache',
  signature: `a chain of ${MIN_CHAIN_LENGTH}+ new objects of one class linked through one property, covering most of that class's new objects`,
  matches: (e) =>
    e.chainLength >= MIN_CHAIN_LENGTH && e.chainClassCount > 0 && e.chainLength >= MIN_CHAIN_COVERAGE * e.chainClassCount,
  explain: (input) => {
    const chain = input.chain ?? { length: 0, link: 'next', className: 'object' };
    return {
      explanation:
        `${input.holder} reaches a chain of ${chain.length} ${chain.className} objects, each keeping the one before it alive ` +
        `through its \`${chain.link}\` property. A new one is linked in front again and again and the tail is never cut, so every ` +
        'generation — and everything it references — lives as long as the process.' + externalNote(input) + perRequest(input) + topClass(input),
      fix:
        `Cut the chain: once an older ${chain.className} is no longer needed, set \`${chain.link}\` to null (or keep a fixed ` +
        'number of generations), and swap the current one atomically so nothing else still points at the old.',
    };
  },
};
