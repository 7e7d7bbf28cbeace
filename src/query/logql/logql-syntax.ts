import type { SyntaxNode } from '@lezer/common';

import type { GatehouseError } from '../../errors/gatehouse-error.js';
import { parseError, unsupported, type ParseWhat } from '../promql/promql-errors.js';
import { unquoteLogqlString } from './logql-string.js';

/**
 * Read access to a lezer-logql tree that has no error node: node text, named children without
 * comments, and decoded strings. Shared by the expression and pipeline builders.
 */
export class LogqlSyntax {
  constructor(
    private readonly source: string,
    readonly what: ParseWhat,
  ) {}

  text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  /** Named children in source order; `# comments` are skipped like whitespace. */
  children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.type.name !== 'LineComment') {
        out.push(child);
      }
    }
    return out;
  }

  /** The first child named `name`, or a parse error naming the node that lacks it. */
  child(node: SyntaxNode, name: string): SyntaxNode {
    const found = this.children(node).find((child) => child.type.name === name);
    if (!found) {
      throw parseError(this.what, `incomplete ${node.type.name} at position ${node.from}`);
    }
    return found;
  }

  optionalChild(node: SyntaxNode, name: string): SyntaxNode | undefined {
    return this.children(node).find((child) => child.type.name === name);
  }

  /** The decoded value of a String node. */
  string(node: SyntaxNode): string {
    const decoded = unquoteLogqlString(this.text(node));
    if ('error' in decoded) {
      throw parseError(this.what, decoded.error);
    }
    return decoded.value;
  }

  /**
   * Items of a left-recursive list such as `Matchers { Matcher | Matchers "," Matcher }`: nested
   * list nodes are flattened and the items kept in source order. Any other node fails closed.
   */
  listItems(node: SyntaxNode, itemName: string): SyntaxNode[] {
    const items: SyntaxNode[] = [];
    for (const child of this.children(node)) {
      if (child.type.name === node.type.name) {
        items.push(...this.listItems(child, itemName));
      } else if (child.type.name === itemName) {
        items.push(child);
      } else {
        throw this.unknown(child, node.type.name);
      }
    }
    return items;
  }

  /**
   * Fails closed when `node` has a child of a kind outside `allowed`: a builder that picks
   * children by name must not skip grammar it does not know.
   */
  expectKinds(node: SyntaxNode, allowed: readonly string[]): void {
    const unknown = this.children(node).find((child) => !allowed.includes(child.type.name));
    if (unknown) {
      throw this.unknown(unknown, node.type.name);
    }
  }

  /** A node kind the builders do not know: Gatehouse does not rewrite what it cannot read. */
  unknown(node: SyntaxNode, where: string): GatehouseError {
    return unsupported(`unsupported LogQL syntax ${node.type.name} in ${where}`);
  }

  fail(reason: string): never {
    throw parseError(this.what, reason);
  }
}
