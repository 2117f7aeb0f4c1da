/**
 * A leak of no registered shape (its right label is `unknown`). Every request inserts its key id
 * into an unbalanced binary search tree that nothing ever prunes. The growth is real but it is
 * neither a keyed collection, a sequence nor a single chain: a tree whose nodes hang off each other
 * in both directions.
 */
import { serve } from './serve.js';

class TreeNode {
  left: TreeNode | undefined;
  right: TreeNode | undefined;
  constructor(readonly key: string, readonly atMs: number) {}
}

let root: TreeNode | undefined;

function insert(key: string): void {
  const node = new TreeNode(key, Date.now());
  if (root === undefined) {
    root = node;
    return;
  }
  let at = root;
  for (;;) {
    if (key < at.key) {
      if (at.left === undefined) {
        at.left = node;
        return;
      }
      at = at.left;
    } else {
      if (at.right === undefined) {
        at.right = node;
        return;
      }
      at = at.right;
    }
  }
}

serve(({ keyId }) => {
  insert(keyId);
  return { ok: true };
});
