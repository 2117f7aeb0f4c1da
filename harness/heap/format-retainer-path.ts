/**
 * Human-readable retainer paths, in DevTools' notation: `.name` for properties, `[i]` for
 * elements, `->name` for closure context variables, `(internal)`/`(hidden)`/`(shortcut)` marks.
 */
import type { HeapGraph, RetainerStep } from './types.js';

/** Formats one edge as DevTools labels it in the retainers view. */
export function formatEdge(graph: HeapGraph, edgeOrdinal: number): string {
  const type = graph.edgeType(edgeOrdinal);
  const name = graph.edgeName(edgeOrdinal);
  switch (type) {
    case 'element': return `[${name}]`;
    case 'property': return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
    case 'context': return `->${name}`;
    case 'hidden': return `[${name}] (hidden)`;
    default: return `.${name} (${type})`;
  }
}

/**
 * Formats a path (root first) as `ClassA.edge ClassB[0] ClassC`, dropping the synthetic root.
 * Long string names are shortened so API keys and payloads do not spill into output.
 */
export function formatRetainerPath(graph: HeapGraph, steps: RetainerStep[]): string {
  const parts: string[] = [];
  for (const step of steps) {
    if (step.nodeOrdinal === graph.rootOrdinal) continue;
    let label = graph.className(step.nodeOrdinal);
    if (label === '') label = `(${graph.nodeType(step.nodeOrdinal)})`;
    if (label.length > 40) label = `${label.slice(0, 37)}...`;
    // The edge from the synthetic root (to the global object or a GC root) is not shown.
    const edge = parts.length > 0 && step.edgeOrdinal >= 0 ? `${formatEdge(graph, step.edgeOrdinal)} ` : '';
    parts.push(`${edge}${label} @${graph.nodeId(step.nodeOrdinal)}`);
  }
  return parts.join(' ');
}
