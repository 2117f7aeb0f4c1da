/**
 * Maps positions in the JavaScript a server ran back to its sources, through the source maps the
 * compiler wrote (`//# sourceMappingURL=` at the end of each file: a `.map` next to it or an inline
 * `data:` URL). Uses Node's own `module.SourceMap` (the V3 decoder behind `--enable-source-maps`),
 * so no dependency is needed. Files are read once and cached; a missing file or a broken map
 * leaves the position as it was (a report should still say *something*).
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A resolved position: `file` relative to the working directory when it lies under it. */
export interface ResolvedPosition {
  file: string;
  /** Absolute path of `file` when it is a file on disk (for reading the source), else undefined. */
  absolutePath?: string;
  /** 1-based. */
  line: number;
  column: number;
  /** True when a source map moved the position. */
  sourceMapped: boolean;
}

interface LoadedMap {
  map: SourceMap;
  /** Directory the map's `sources` are relative to (with `sourceRoot` applied). */
  sourcesDir: string;
}

// The last `sourceMappingURL` comment of a file wins (ECMA-426 §"Linking generated code").
const MAPPING_URL = /\/\/[#@]\s*sourceMappingURL=([^\s'"]+)\s*$/;

/** Resolves script names as V8 reports them (`file:///…`, absolute paths, `node:…`). */
export class SourceMapResolver {
  private readonly maps = new Map<string, LoadedMap | null>();
  private readonly cwd: string;

  /** @param cwd Paths are shown relative to this directory (default: the working directory). */
  constructor(cwd: string = process.cwd()) {
    this.cwd = cwd;
  }

  /**
   * Resolves a 1-based `line`/`column` in `scriptName`. Built-in modules (`node:…`), code without
   * a script and files without a map come back unchanged (file made relative when possible).
   */
  resolve(scriptName: string, line: number, column: number): ResolvedPosition {
    const file = scriptPath(scriptName);
    if (file === undefined) return { file: scriptName === '' ? '(native)' : scriptName, line, column, sourceMapped: false };
    const unmapped: ResolvedPosition = { file: this.display(file), absolutePath: file, line, column, sourceMapped: false };
    if (line < 1) return unmapped;
    const loaded = this.load(file);
    if (!loaded) return unmapped;
    // SourceMap#findEntry takes and returns 0-based positions; it answers the closest mapping at
    // or before the position on that line, and `{}` when there is none.
    const entry = loaded.map.findEntry(line - 1, Math.max(0, column - 1)) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) {
      return unmapped;
    }
    const source = sourcePath(entry.originalSource, loaded.sourcesDir);
    return {
      file: this.display(source),
      absolutePath: source,
      line: entry.originalLine + 1,
      column: entry.originalColumn + 1,
      sourceMapped: true,
    };
  }

  /**
   * Uses `sourceMapUrl` for `scriptName` instead of the comment in the file on disk: for code that
   * was transformed in memory before V8 ran it (vitest/vite evaluate TypeScript as JavaScript with
   * an inline `data:` map the file on disk does not have; V8 reports it as the script's
   * `sourceMapURL`). A map that cannot be read leaves the script unmapped.
   */
  useSourceMap(scriptName: string, sourceMapUrl: string): void {
    const file = scriptPath(scriptName);
    if (file === undefined) return;
    let loaded: LoadedMap | null = null;
    try {
      loaded = mapFromUrl(sourceMapUrl, file);
    } catch {
      loaded = null;
    }
    this.maps.set(file, loaded);
  }

  private display(file: string): string {
    const rel = path.relative(this.cwd, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
  }

  private load(file: string): LoadedMap | null {
    const cached = this.maps.get(file);
    if (cached !== undefined) return cached;
    let loaded: LoadedMap | null = null;
    try {
      loaded = loadMap(file);
    } catch {
      loaded = null;
    }
    this.maps.set(file, loaded);
    return loaded;
  }
}

function loadMap(file: string): LoadedMap | null {
  const code = readFileSync(file, 'utf8');
  // Only the tail can hold the comment; a big bundle need not be scanned whole.
  const tail = code.slice(-4096).trimEnd().split('\n').at(-1) ?? '';
  const url = MAPPING_URL.exec(tail)?.[1];
  if (url === undefined) return null;
  return mapFromUrl(url, file);
}

/** Reads the map a `sourceMappingURL` value names (a `data:` URL, or a path relative to `file`). */
function mapFromUrl(url: string, file: string): LoadedMap {
  let payload: SourceMapPayload;
  let mapDir: string;
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const meta = url.slice(5, comma);
    const data = url.slice(comma + 1);
    payload = JSON.parse(meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data)) as SourceMapPayload;
    mapDir = path.dirname(file);
  } else {
    const mapFile = url.startsWith('file:') ? fileURLToPath(url) : path.resolve(path.dirname(file), decodeURIComponent(url));
    payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
    mapDir = path.dirname(mapFile);
  }
  const root = payload.sourceRoot ?? '';
  return { map: new SourceMap(payload), sourcesDir: root.startsWith('file:') ? fileURLToPath(root) : path.resolve(mapDir, root) };
}

/** Absolute path of a script V8 names, or undefined when it is not a file (`node:…`, `evalmachine`, ''). */
function scriptPath(scriptName: string): string | undefined {
  if (scriptName.startsWith('file://')) {
    try {
      return fileURLToPath(scriptName);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(scriptName) ? scriptName : undefined;
}

function sourcePath(source: string, sourcesDir: string): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  return path.resolve(sourcesDir, source);
}
