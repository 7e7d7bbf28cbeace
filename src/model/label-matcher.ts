/** One PromQL/LogQL label matcher, e.g. namespace="team-a". */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** Matchers ANDed together: one label-policy selector such as {namespace="a", env!="dev"}. */
export type Selector = readonly LabelMatcher[];

/**
 * What a reader may see: the union (OR) of its selectors. `null` means unrestricted.
 * An empty array can never be produced by authorization (it would hide everything).
 */
export type LabelScope = readonly Selector[] | null;
