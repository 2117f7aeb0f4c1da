import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback-host.js';

describe('isLoopbackHost', () => {
  it('accepts loopback and refuses everything else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '127.255.255.255', 'localhost', 'LOCALHOST', '::1', '[::1]']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of [
      '0.0.0.0', '10.0.0.1', '128.0.0.1', '127.0.0', '127.0.0.1.5', '1127.0.0.1', 'example.com',
      'localhost.example.com', '::', '[::]', '::ffff:127.0.0.1', '', ' 127.0.0.1',
    ]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});
