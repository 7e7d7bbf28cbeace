import { quotePromqlString } from '../query/promql/promql-string.js';
import type { StreamLabels } from './stream-labels.js';

/**
 * Prints labels as the selector text of a protobuf push stream, `{app="shop", env="prod"}`: the
 * form Loki itself prints (Prometheus labels.String), which parseStreamLabels reads back.
 */
export function formatStreamLabels(labels: StreamLabels): string {
  const pairs = labels.map((label) => `${label.name}=${quotePromqlString(label.value)}`);
  return `{${pairs.join(', ')}}`;
}
