/**
 * Test support: build a small heap graph in code and serialize it as genuine `.heapsnapshot` JSON,
 * the way DevTools' own tests use a `HeapSnapshotBuilder`. Used by the heap engine's and the
 * analysis' unit tests; it is pure and allocates nothing big.
 *
 * ```ts
 * const b = new SnapshotBuilder();
 * const root = b.root();                     // synthetic root, always node 0
 * const gc = b.node('synthetic', '(GC roots)', 0);
 * b.edge(root, gc, 'element', 1);
 * const m = b.node('object', 'Map', 32, { id: 101 });
 * b.edge(gc, m, 'property', 'keyCache');
 * const text = b.toJson();                   // feed to parseSnapshot(text)
 * ```
 *
 * Node handles are plain numbers (the node ordinal in the written snapshot, in creation order).
 * Ids are assigned automatically (odd numbers, like V8's ids for heap objects) unless given, so a
 * test can write the "same" object with the same id into several snapshots to exercise diffs.
 */

/** Node types V8 writes (Node 20–24 order). */
export const V8_NODE_TYPES = [
  'hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic',
  'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape', 'wasm object',
] as const;

/** Edge types V8 writes. */
export const V8_EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'] as const;

/** A node type name (any string is accepted so tests can try types V8 may add later). */
export type BuilderNodeType = (typeof V8_NODE_TYPES)[number] | (string & {});
/** An edge type name. `element` and `hidden` edges carry an index, the others a name. */
export type BuilderEdgeType = (typeof V8_EDGE_TYPES)[number] | (string & {});

/**
 * Layout of the written file.
 * - `node20`: exactly what Node 20 writes (7 node fields incl. `trace_node_id`, `detachedness`).
 * - `variant`: reordered node and edge fields, no `trace_node_id`/`detachedness`, an extra node
 *   type and edge type at the end, `strings` written before `nodes`, pretty whitespace — to prove
 *   that a reader takes every offset from `snapshot.meta` rather than assuming V8's order.
 */
export type BuilderLayout = 'node20' | 'variant';

/** Options for {@link SnapshotBuilder.node}. */
export interface BuilderNodeOptions {
  /** V8 object id; auto-assigned (odd, increasing) when omitted. */
  id?: number;
  /** Allocation trace node id (0 = none). Ignored by the `variant` layout, which has no such field. */
  traceNodeId?: number;
}

/** Options for the builder. */
export interface SnapshotBuilderOptions {
  layout?: BuilderLayout;
}

interface BuiltNode {
  type: string;
  name: string;
  id: number;
  selfSizeBytes: number;
  traceNodeId: number;
  edges: BuiltEdge[];
}

interface BuiltEdge {
  type: string;
  nameOrIndex: string | number;
  to: number;
}

/** Builds a heap graph in code and writes it as `.heapsnapshot` JSON text. */
export class SnapshotBuilder {
  readonly layout: BuilderLayout;
  private readonly nodes: BuiltNode[] = [];
  private nextAutoId = 1;

  constructor(options: SnapshotBuilderOptions = {}) {
    this.layout = options.layout ?? 'node20';
    // V8's snapshot root: synthetic, empty name, always the first node.
    this.node('synthetic', '', 0, { id: 1 });
  }

  /** The synthetic root (node 0). */
  root(): number {
    return 0;
  }

  /**
   * Adds a node and returns its handle (ordinal).
   * @param type one of {@link V8_NODE_TYPES} (others are added to the meta's type list)
   * @param name constructor / class name, or the string's value for string nodes
   * @param selfSizeBytes shallow size
   */
  node(type: BuilderNodeType, name: string, selfSizeBytes: number, options: BuilderNodeOptions = {}): number {
    let id = options.id;
    if (id === undefined) {
      // Skip ids already taken explicitly so auto ids stay unique.
      while (this.nodes.some((n) => n.id === this.nextAutoId)) this.nextAutoId += 2;
      id = this.nextAutoId;
      this.nextAutoId += 2;
    }
    this.nodes.push({ type, name, id, selfSizeBytes, traceNodeId: options.traceNodeId ?? 0, edges: [] });
    return this.nodes.length - 1;
  }

  /**
   * Adds an edge `from → to`. For `element` and `hidden` edges `nameOrIndex` is the index (a
   * number); for the other types it is the property / variable / internal name.
   */
  edge(from: number, to: number, type: BuilderEdgeType, nameOrIndex: string | number): this {
    const source = this.nodes[from];
    if (source === undefined || this.nodes[to] === undefined) {
      throw new RangeError(`edge ${from} -> ${to}: no such node`);
    }
    source.edges.push({ type, nameOrIndex, to });
    return this;
  }

  /** The V8 node id of handle `node` (what edge names such as WeakMap pairs refer to). */
  idOf(node: number): number {
    const n = this.nodes[node];
    if (n === undefined) throw new RangeError(`no node ${node}`);
    return n.id;
  }

  /** Number of nodes so far (root included). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Serializes the graph as `.heapsnapshot` JSON text. */
  toJson(): string {
    const strings: string[] = [];
    const stringIndex = new Map<string, number>();
    const intern = (s: string): number => {
      let i = stringIndex.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        stringIndex.set(s, i);
      }
      return i;
    };
    const nodeTypes: string[] = [...V8_NODE_TYPES];
    const edgeTypes: string[] = [...V8_EDGE_TYPES];
    if (this.layout === 'variant') {
      nodeTypes.push('future node type');
      edgeTypes.push('future edge type');
    }
    for (const n of this.nodes) {
      if (!nodeTypes.includes(n.type)) nodeTypes.push(n.type);
      for (const e of n.edges) if (!edgeTypes.includes(e.type)) edgeTypes.push(e.type);
    }
    const nodeFields =
      this.layout === 'variant'
        ? ['name', 'type', 'self_size', 'id', 'edge_count']
        : ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
    const edgeFields = this.layout === 'variant' ? ['name_or_index', 'to_node', 'type'] : ['type', 'name_or_index', 'to_node'];
    const nodeFieldTypes = nodeFields.map((f) => (f === 'type' ? nodeTypes : f === 'name' ? 'string' : 'number'));
    const edgeFieldTypes = edgeFields.map((f) => (f === 'type' ? edgeTypes : f === 'name_or_index' ? 'string_or_number' : 'node'));

    const nodeRows: string[] = [];
    const edgeRows: string[] = [];
    let edgeCount = 0;
    for (const n of this.nodes) {
      const values: Record<string, number> = {
        type: nodeTypes.indexOf(n.type),
        name: intern(n.name),
        id: n.id,
        self_size: n.selfSizeBytes,
        edge_count: n.edges.length,
        trace_node_id: n.traceNodeId,
        detachedness: 0,
      };
      nodeRows.push(nodeFields.map((f) => values[f] ?? 0).join(','));
      for (const e of n.edges) {
        const byIndex = e.type === 'element' || e.type === 'hidden';
        const nameOrIndex = byIndex ? Number(e.nameOrIndex) : intern(String(e.nameOrIndex));
        const ev: Record<string, number> = {
          type: edgeTypes.indexOf(e.type),
          name_or_index: nameOrIndex,
          to_node: e.to * nodeFields.length,
        };
        edgeRows.push(edgeFields.map((f) => ev[f] ?? 0).join(','));
        edgeCount++;
      }
    }
    const meta = {
      node_fields: nodeFields,
      node_types: nodeFieldTypes,
      edge_fields: edgeFields,
      edge_types: edgeFieldTypes,
      trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
      trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
      sample_fields: ['timestamp_us', 'last_assigned_id'],
      location_fields: ['object_index', 'script_id', 'line', 'column'],
    };
    const head = JSON.stringify({ meta, node_count: this.nodes.length, edge_count: edgeCount, trace_function_count: 0 });
    const stringsJson = `[${strings.map((s) => JSON.stringify(s)).join(',\n')}]`;
    if (this.layout === 'variant') {
      return (
        `{\n  "snapshot" : ${head},\n  "strings" : ${stringsJson},\n` +
        `  "nodes" : [\n    ${nodeRows.join(' ,\n    ')}\n  ],\n  "edges" : [ ${edgeRows.join(' , ')} ],\n` +
        `  "unknown_future_section" : {"a": [1, "x]\\"", {"b": null}]},\n  "locations" : [ ]\n}\n`
      );
    }
    return (
      `{"snapshot":${head},\n"nodes":[${nodeRows.join('\n,')}],\n"edges":[${edgeRows.join('\n,')}],\n` +
      `"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":${stringsJson}}`
    );
  }
}
