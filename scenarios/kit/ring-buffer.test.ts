import { describe, expect, test } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  test('drains in insertion order and empties', () => {
    const ring = new RingBuffer<number>(4);
    ring.push(1);
    ring.push(2);
    expect(ring.size).toBe(2);
    expect(ring.drain()).toEqual([1, 2]);
    expect(ring.size).toBe(0);
    expect(ring.drain()).toEqual([]);
  });

  test('overwrites the oldest when full and counts the drops', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect(ring.dropped).toBe(4);
    expect(ring.drain()).toEqual([5, 6, 7]);
    ring.push(8);
    expect(ring.drain()).toEqual([8]);
  });

  test('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});
