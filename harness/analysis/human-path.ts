/**
 * Retainer paths in words a person who never opened a heap snapshot can follow: the module
 * variable (the `context` edge's name on the module's closure scope, and the script that scope
 * belongs to), the `globalThis` property, the class whose static field holds the container, the
 * emitter and event name. The path itself is the engine's shortest path from the GC roots
 * (breadth-first over non-weak edges, as DevTools builds it).
 */
import type { HeapGraph } from '../heap/types.js';
import type { PathStep } from '../types.js';
import { edgeTargetByName } from './container-shape.js';

/** API keys (`lk_<id>_<checksum>`) never leave the analysis in clear: snapshots contain them. */
const KEY_MATERIAL = /lk_[0-9A-Za-z]{16,32}_[0-9a-f]{12}/g;

/** Replaces key material in a name with a redacted marker. */
export function redact(text: string): string {
  return text.replace(KEY_MATERIAL, 'lk_<redacted>');
}

/** Short, readable form of a script URL: the file name, or the `node:` module id. */
export function scriptLabel(url: string): string {
  if (url.startsWith('node:')) return url;
  const clean = url.replace(/^file:\/\//, '');
  const slash = clean.lastIndexOf('/');
  return slash >= 0 ? clean.slice(slash + 1) : clean;
}

/** The script a closure was compiled from (closure → shared function info → script), or ''. */
export function scriptOfClosure(g: HeapGraph, closure: number): string {
  const shared = edgeTargetByName(g, closure, 'shared');
  if (shared < 0) return '';
  let script = edgeTargetByName(g, shared, 'script_or_debug_info');
  if (script < 0) script = edgeTargetByName(g, shared, 'script');
  if (script < 0) return '';
  const name = g.nodeName(script);
  // A debug-info indirection (when breakpoints exist) leads to the script one step further.
  if (name.startsWith('system / ')) {
    const inner = edgeTargetByName(g, script, 'script');
    return inner >= 0 ? g.nodeName(inner) : '';
  }
  return name;
}

/** The script of the code a closure scope belongs to: found through a closure that uses the scope. */
export function scriptOfContext(g: HeapGraph, context: number, depth = 0): string {
  for (let r = g.firstRetainer(context), end = g.retainersEnd(context); r < end; r++) {
    const owner = g.retainerNode(r);
    if (g.nodeType(owner) === 'closure' && g.edgeNameIs(g.retainerEdge(r), 'context')) {
      const url = scriptOfClosure(g, owner);
      if (url !== '') return url;
    }
  }
  // A scope with no closure of its own: an inner scope's closure names the same script.
  if (depth < 2) {
    for (let r = g.firstRetainer(context), end = g.retainersEnd(context); r < end; r++) {
      const owner = g.retainerNode(r);
      if (g.nodeNameIs(owner, 'system / Context') && g.edgeNameIs(g.retainerEdge(r), 'previous')) {
        const url = scriptOfContext(g, owner, depth + 1);
        if (url !== '') return url;
      }
    }
  }
  return '';
}

/** `(module scope of file.js)` for a top-level scope, `(closure scope in file.js)` otherwise. */
export function contextLabel(g: HeapGraph, context: number): string {
  const url = scriptOfContext(g, context);
  const where = url === '' ? 'an unknown script' : scriptLabel(url);
  const previous = edgeTargetByName(g, context, 'previous');
  const isModuleScope = previous < 0 || g.nodeName(previous).includes('NativeContext');
  return isModuleScope ? `(module scope of ${where})` : `(closure scope in ${where})`;
}

/** True for V8's global object (`globalThis` in Node). */
export function isGlobalObject(g: HeapGraph, ordinal: number): boolean {
  const name = g.nodeName(ordinal);
  return g.nodeType(ordinal) === 'object' && (name === 'global' || name.startsWith('global /') || name.startsWith('Window'));
}

/** Human name of a node. */
export function nodeLabel(g: HeapGraph, ordinal: number): string {
  const type = g.nodeType(ordinal);
  const name = g.nodeName(ordinal);
  if (name === 'system / Context') return contextLabel(g, ordinal);
  if (isGlobalObject(g, ordinal)) return 'globalThis';
  if (type === 'closure') return name === '' ? '(anonymous function)' : `function ${redact(name)}`;
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
    const text = redact(name);
    return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
  }
  if (type === 'synthetic') return name === '' ? '(root)' : name;
  if (type === 'array' && name === '') return '(internal array)';
  return redact(g.className(ordinal));
}

/** Human label of an edge: `.name` for properties, `[i]` for elements, the variable for contexts. */
export function edgeLabel(g: HeapGraph, edge: number): string {
  const type = g.edgeType(edge);
  const name = redact(g.edgeName(edge));
  switch (type) {
    case 'element':
      return `[${name}]`;
    case 'hidden':
      return `<hidden ${name}>`;
    case 'internal':
      return `(${name})`;
    default:
      return name;
  }
}

/** The retainer path from the GC root to `ordinal` as {@link PathStep}s, root first. */
export function humanPath(g: HeapGraph, ordinal: number): PathStep[] {
  const steps = g.pathToRoot(ordinal);
  if (steps === undefined) return [];
  return steps.map((step, i) => {
    const out: PathStep = {
      node: nodeLabel(g, step.nodeOrdinal),
      edge: step.edgeOrdinal < 0 ? '' : edgeLabel(g, step.edgeOrdinal),
      edgeType: step.edgeOrdinal < 0 ? '' : g.edgeType(step.edgeOrdinal),
      nodeId: g.nodeId(step.nodeOrdinal),
    };
    if (i === steps.length - 1) out.isHolder = true;
    return out;
  });
}

/** How a holder is reached, as an access expression and the scope that owns its first name. */
export interface HolderName {
  /** e.g. `keyCache`, `globalThis.sessions`, `AuditLog.entries`, `bus._events.request`. */
  expression: string;
  /** e.g. `module scope of app.js`, or '' for `globalThis` and roots. */
  owner: string;
  /** The event name when the holder is an EventEmitter's listener array or `_events` object. */
  eventName?: string;
  /** The emitter's own name in the expression (e.g. `bus`), when there is one. */
  emitterName?: string;
}

/**
 * Names a holder from the end of its retainer path: walks back over property, element and
 * context edges until it reaches a closure scope (the variable name), the global object, a root,
 * or an internal edge, and joins the names into an access expression.
 */
export function holderName(g: HeapGraph, ordinal: number): HolderName {
  const steps = g.pathToRoot(ordinal);
  if (steps === undefined || steps.length < 2) return { expression: nodeLabel(g, ordinal), owner: '' };
  const parts: string[] = [];
  let owner = '';
  for (let i = steps.length - 1; i >= 1 && parts.length < 8; i--) {
    const step = steps[i]!;
    const from = steps[i - 1]!.nodeOrdinal;
    const type = g.edgeType(step.edgeOrdinal);
    const name = redact(g.edgeName(step.edgeOrdinal));
    if (type === 'context') {
      parts.unshift(name);
      owner = contextLabel(g, from).slice(1, -1);
      break;
    }
    if (type === 'property' || type === 'shortcut') {
      if (isGlobalObject(g, from)) {
        parts.unshift(`globalThis.${name}`);
        break;
      }
      parts.unshift(/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);
      continue;
    }
    if (type === 'element') {
      parts.unshift(`[${name}]`);
      continue;
    }
    // A value inside a Map's hash table: name it by its key (`.get("north")`) and step over the
    // table to the Map that owns it.
    if (type === 'internal' && i >= 2 && g.nodeType(from) === 'array' && g.edgeNameIs(steps[i - 1]!.edgeOrdinal, 'table')) {
      parts.unshift(`.get(${mapKeyLabel(g, from, step.edgeOrdinal)})`);
      i--;
      continue;
    }
    // An internal edge or a root: describe the node it leaves from and stop.
    parts.unshift(nodeLabel(g, from));
    break;
  }
  const expression = parts.join('').replace(/^\./, '');
  const result: HolderName = { expression, owner };
  const events = /^(.*?)\._events(?:\.([\w$]+)|\["(.*)"\])?$/.exec(expression);
  if (events) {
    result.emitterName = events[1]!;
    const eventName = events[2] ?? events[3];
    if (eventName !== undefined) result.eventName = eventName;
  }
  return result;
}

/** The key stored just before a Map value in its OrderedHashMap table, as code (`"north"` or `…`). */
function mapKeyLabel(g: HeapGraph, table: number, valueEdge: number): string {
  const index = Number(g.edgeName(valueEdge));
  for (let e = g.firstEdge(table), end = g.edgesEnd(table); e < end; e++) {
    if (g.edgeType(e) === 'internal' && Number(g.edgeName(e)) === index - 1) {
      const key = g.edgeTarget(e);
      const type = g.nodeType(key);
      if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
        const text = redact(g.nodeName(key));
        return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
      }
      return `<${nodeLabel(g, key)}>`;
    }
  }
  return '…';
}

/** Nodes the reverse search for an anchor visits at most (a holder is rarely far from one). */
const MAX_ANCHOR_SEARCH = 20_000;

/**
 * The path a person would write down: from the nearest anchor the user's code names — a variable
 * of a module or closure scope of a script outside Node core, a `globalThis` property, a static
 * field of a class defined outside Node core — to the holder, found by a breadth-first search
 * backwards over retainers (non-weak). When DevTools' shortest path reaches that anchor through
 * Node's own objects (timers, `http.Server`, a framework instance), those steps are folded into
 * one labelled first step. Undefined when no such anchor is within reach (the DevTools path stays
 * the only one). The full shortest path is kept separately (`Finding.path`).
 */
export function anchorPath(g: HeapGraph, holder: number): PathStep[] | undefined {
  if (g.nodeNameIs(holder, 'system / Context') && isUserAnchor(g, holder, 'context')) {
    // The holder is a scope of the user's code itself (a string built in a module variable).
    const fold = internalsBefore(g, holder);
    const own: PathStep = { node: anchorLabel(g, holder), edge: '', edgeType: '', nodeId: g.nodeId(holder), isHolder: true };
    return fold === undefined ? [own] : [{ node: fold, edge: '', edgeType: 'folded' }, own];
  }
  // via: for each visited node, the node it retains on the way to the holder and the slot of
  // that retainer edge in the retained node's retainer list.
  const order: number[] = [holder];
  const via = new Map<number, { next: number; retainerSlot: number }>([[holder, { next: -1, retainerSlot: -1 }]]);
  let anchor = -1;
  let anchorSlot = -1;
  for (let head = 0; head < order.length && order.length < MAX_ANCHOR_SEARCH && anchor < 0; head++) {
    const at = order[head]!;
    for (let r = g.firstRetainer(at), end = g.retainersEnd(at); r < end; r++) {
      const edge = g.retainerEdge(r);
      const type = g.edgeType(edge);
      if (type === 'weak') continue;
      const from = g.retainerNode(r);
      if (via.has(from) || !g.isReachable(from)) continue;
      via.set(from, { next: at, retainerSlot: r });
      if (isUserAnchor(g, from, type)) {
        anchor = from;
        anchorSlot = r;
        break;
      }
      order.push(from);
    }
  }
  if (anchor < 0) return undefined;
  const steps: PathStep[] = [];
  const fold = internalsBefore(g, anchor);
  if (fold !== undefined) steps.push({ node: fold, edge: '', edgeType: 'folded' });
  steps.push({ node: anchorLabel(g, anchor), edge: '', edgeType: '', nodeId: g.nodeId(anchor) });
  // Walk from the anchor down to the holder along the search's links.
  let slot = anchorSlot;
  let at = via.get(anchor)!.next;
  for (let guard = 0; at >= 0 && guard < 64; guard++) {
    const edge = g.retainerEdge(slot);
    const step: PathStep = { node: nodeLabel(g, at), edge: edgeLabel(g, edge), edgeType: g.edgeType(edge), nodeId: g.nodeId(at) };
    if (at === holder) step.isHolder = true;
    steps.push(step);
    const link = via.get(at)!;
    if (link.next < 0) break;
    slot = link.retainerSlot;
    at = link.next;
  }
  return steps;
}

/** True when `from`, retaining through an edge of `type`, is a place the user's code names. */
function isUserAnchor(g: HeapGraph, from: number, type: string): boolean {
  if (type === 'context' && g.nodeNameIs(from, 'system / Context')) {
    const url = scriptOfContext(g, from);
    return url !== '' && !url.startsWith('node:');
  }
  if (type !== 'property') return false;
  if (isGlobalObject(g, from)) return true;
  if (g.nodeType(from) === 'closure') {
    const url = scriptOfClosure(g, from);
    return url !== '' && !url.startsWith('node:');
  }
  return false;
}

/** `module scope of app.js`, `globalThis`, `class AuditTrail (app.js)`. */
function anchorLabel(g: HeapGraph, anchor: number): string {
  if (isGlobalObject(g, anchor)) return 'globalThis';
  if (g.nodeType(anchor) === 'closure') {
    return `class ${redact(g.nodeName(anchor)) || '(anonymous)'} (${scriptLabel(scriptOfClosure(g, anchor))})`;
  }
  return contextLabel(g, anchor).slice(1, -1);
}

/**
 * One label for the Node-internal steps DevTools' shortest path takes before reaching the anchor
 * (`Node internals: node:timers, Server, request`), or undefined when the anchor hangs right off
 * a root.
 */
function internalsBefore(g: HeapGraph, anchor: number): string | undefined {
  const steps = g.pathToRoot(anchor);
  if (steps === undefined || steps.length <= 2) return undefined;
  const names: string[] = [];
  for (const step of steps.slice(1, -1)) {
    const o = step.nodeOrdinal;
    let name: string;
    if (g.nodeNameIs(o, 'system / Context')) {
      const url = scriptOfContext(g, o);
      if (url === '' || !url.startsWith('node:')) continue;
      name = url;
    } else if (g.nodeType(o) === 'object' && !isGlobalObject(g, o)) {
      name = g.className(o);
      if (name === 'Object' || name === 'Array' || name.startsWith('system /')) continue;
    } else continue;
    if (!names.includes(name)) names.push(redact(name));
    if (names.length === 4) break;
  }
  return names.length === 0 ? undefined : `Node internals: ${names.join(', ')}`;
}
