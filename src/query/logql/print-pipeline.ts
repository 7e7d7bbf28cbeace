import type {
  LabelExtraction,
  LabelFilter,
  LabelFormatOp,
  LabelSelection,
  LineFilterValue,
  PipelineStage,
} from './logql-ast.js';
import { quoteLogqlString } from './logql-string.js';
import { printMatcher } from './print-matcher.js';

/** The stages of a log pipeline, each preceded by a space: ` |= "x" | json | a="b"`. */
export function printPipeline(stages: readonly PipelineStage[]): string {
  return stages.map((stage) => ` ${printStage(stage)}`).join('');
}

function printStage(stage: PipelineStage): string {
  switch (stage.kind) {
    case 'lineFilter':
      return `${stage.op} ${stage.values.map(printLineFilterValue).join(' or ')}`;
    case 'json':
      return joinWords('| json', printExtractions(stage.extractions));
    case 'logfmt':
      return joinWords('| logfmt', ...stage.flags, printExtractions(stage.extractions));
    case 'regexp':
      return `| regexp ${quoteLogqlString(stage.expression)}`;
    case 'pattern':
      return `| pattern ${quoteLogqlString(stage.expression)}`;
    case 'unpack':
      return '| unpack';
    case 'labelFilter':
      return `| ${printLabelFilter(stage.filter)}`;
    case 'lineFormat':
      return `| line_format ${quoteLogqlString(stage.template)}`;
    case 'labelFormat':
      return `| label_format ${stage.ops.map(printLabelFormatOp).join(', ')}`;
    case 'decolorize':
      return '| decolorize';
    case 'drop':
      return `| drop ${stage.labels.map(printSelection).join(', ')}`;
    case 'keep':
      return `| keep ${stage.labels.map(printSelection).join(', ')}`;
    default: {
      const never: never = stage;
      throw new Error(`unknown pipeline stage ${JSON.stringify(never)}`);
    }
  }
}

function joinWords(...words: string[]): string {
  return words.filter((word) => word !== '').join(' ');
}

function printLineFilterValue(value: LineFilterValue): string {
  const quoted = quoteLogqlString(value.value);
  return value.kind === 'ip' ? `ip(${quoted})` : quoted;
}

function printExtractions(extractions: readonly LabelExtraction[]): string {
  return extractions
    .map(({ label, expression }) =>
      expression === undefined ? label : `${label}=${quoteLogqlString(expression)}`,
    )
    .join(', ');
}

function printLabelFormatOp(op: LabelFormatOp): string {
  return op.kind === 'rename'
    ? `${op.dst}=${op.src}`
    : `${op.dst}=${quoteLogqlString(op.template)}`;
}

function printSelection(selection: LabelSelection): string {
  return selection.kind === 'name' ? selection.name : printMatcher(selection.matcher);
}

/** Prints the user's operators and parentheses as they were; no grouping is added. */
export function printLabelFilter(filter: LabelFilter): string {
  switch (filter.kind) {
    case 'matcher':
      return printMatcher(filter.matcher);
    case 'ip':
      return `${filter.name}${filter.op}ip(${quoteLogqlString(filter.value)})`;
    case 'compare':
      return `${filter.name} ${filter.op} ${filter.value}`;
    case 'paren':
      return `(${printLabelFilter(filter.filter)})`;
    case 'binary': {
      const op = filter.op === ',' ? ', ' : ` ${filter.op} `;
      return `${printLabelFilter(filter.left)}${op}${printLabelFilter(filter.right)}`;
    }
    default: {
      const never: never = filter;
      throw new Error(`unknown label filter ${JSON.stringify(never)}`);
    }
  }
}
