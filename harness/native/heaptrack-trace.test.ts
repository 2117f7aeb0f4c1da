import { describe, expect, test } from 'vitest';
import { isOwnCodeFrame, readableSymbol, readHeaptrackTrace } from './heaptrack-trace.js';

/**
 * A hand-built interpreted trace (heaptrack file format 3, numbers hex): one own-code site that
 * keeps every allocation (a static map's insert, via an inlined std frame), one that frees each
 * allocation (a per-request temporary), and a malloc with only C-library frames.
 */
function trace(): string[] {
  const lines = [
    'v 10400 3',
    'X ./server',
    's 8 ./server', // 1 module
    's 6 malloc', // 2
    's 1f /lib/x86_64-linux-gnu/libc.so.6', // 3
    's 2a _$LT$app..Leaky$u20$as$u20$kit..Variant$GT$::insert::h0123456789abcdef', // 4
    's f src/bin/app.rs', // 5
    's 13 alloc::alloc::alloc', // 6
    's 1b library/alloc/src/alloc.rs', // 7
    's 4 temp', // 8
    'i 1000 1 6 7 5f 4 5 22', // ip 1: alloc::alloc (std) inlined into insert at app.rs:34 (0x22)
    'i 2000 1 8 5 30', // ip 2: temp at app.rs:48
    'i 3000 3 2', // ip 3: malloc in libc, no debug info
    't 1 0', // trace 1: insert
    't 2 0', // trace 2: temp
    't 3 0', // trace 3: libc only
    'a 40 1', // info 0: 64 B at insert
    'a 100 2', // info 1: 256 B temp
    'a 10 3', // info 2: 16 B libc
    'c 0',
  ];
  // Instants at 100, 200, 300 ms: 10 inserts kept and 10 temporaries freed per step.
  for (const at of [0x64, 0xc8, 0x12c]) {
    for (let k = 0; k < 10; k++) lines.push('+ 0', '+ 1', '- 1');
    lines.push('+ 2', '- 2', `c ${at.toString(16)}`);
  }
  lines.push('c 190');
  return lines;
}

describe('readHeaptrackTrace', () => {
  test('live bytes per own-code site at each instant, from + and - of each allocation info', async () => {
    const reading = await readHeaptrackTrace(trace(), [0x64, 0xc8, 0x12c]);
    expect(reading.instantSeen).toEqual([true, true, true]);
    const insert = reading.sites.find((s) => s.frame.line === 0x22)!;
    expect(insert.frame.file).toBe('src/bin/app.rs');
    expect(insert.frame.functionName).toBe('<app::Leaky as kit::Variant>::insert');
    expect(insert.liveBytes).toEqual([640, 1280, 1920]);
    expect(insert.liveCount).toEqual([10, 20, 30]);
    const temp = reading.sites.find((s) => s.frame.line === 0x30)!;
    expect(temp.liveBytes).toEqual([0, 0, 0]);
    // Allocations between the first and last instant: 2 steps × (20 + 1).
    expect(reading.allocationsBetween).toBe(42);
    const libc = reading.sites.find((s) => s.outsideOwnCode);
    expect(libc?.frame.module).toBe('/lib/x86_64-linux-gnu/libc.so.6');
  });

  test('an instant after the end of the data is read at the end and flagged', async () => {
    const reading = await readHeaptrackTrace(trace(), [0x64, 0x5000]);
    expect(reading.instantSeen).toEqual([true, false]);
  });
});

describe('frames', () => {
  test('own code is a file outside the toolchain, system and registry paths', () => {
    const f = (file: string) => ({ functionName: 'f', file, line: 1, module: 'm' });
    expect(isOwnCodeFrame(f('src/main.rs'))).toBe(true);
    expect(isOwnCodeFrame(f('/home/me/api/src/db.c'))).toBe(true);
    for (const file of ['library/std/src/rt.rs', '/rustc/abc/library/alloc/src/vec.rs', '/usr/share/cargo/registry/hyper-0.14.19/src/x.rs', '/root/.cargo/registry/src/x/y.rs', './elf/dl-init.c', '../csu/libc-start.c', '/usr/include/c++/12/bits/new_allocator.h', '']) {
      expect(isOwnCodeFrame(f(file))).toBe(false);
    }
  });

  test('Rust legacy symbols become readable', () => {
    expect(readableSymbol('leakbench_scenarios::kit::serve::_$u7b$$u7b$closure$u7d$$u7d$::h63c65909168b65f5')).toBe('leakbench_scenarios::kit::serve::{{closure}}');
    expect(readableSymbol('_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$Clone$GT$::clone')).toBe('<alloc::vec::Vec<T> as Clone>::clone');
    expect(readableSymbol('operator new(unsigned long)')).toBe('operator new(unsigned long)');
  });
});
