import type { Tree } from '@lezer/common';

/** Where a lezer tree has its first error node, or undefined for a clean parse. */
export function firstErrorPosition(tree: Tree): number | undefined {
  let position: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (position === undefined && node.type.isError) position = node.from;
      return position === undefined;
    },
  });

  return position;
}
