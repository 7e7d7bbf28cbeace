import { json, text, type LokiAnswer } from './loki-answer.js';
import { v1, type LokiRequest } from './loki-request.js';

/**
 * The ruler API: YAML rule groups per namespace, kept in `rules` (enough to see what reached the
 * backend).
 */
export function rulesAnswer(request: LokiRequest, rules: Map<string, string[]>): LokiAnswer {
  const [namespace] = request.path
    .slice(`${v1}/rules`.length)
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);

  if (request.method === 'GET') return rulesYaml(rules, namespace);
  if (!namespace) return text(400, 'a namespace is required');
  if (request.method === 'POST') {
    rules.set(namespace, [...(rules.get(namespace) ?? []), request.body.toString()]);
  } else if (request.method === 'DELETE') {
    rules.delete(namespace);
  }
  return json(202, { status: 'success', data: null, errorType: '', error: '' });
}

function rulesYaml(rules: Map<string, string[]>, namespace: string | undefined): LokiAnswer {
  const yaml = [...rules]
    .filter(([name]) => namespace === undefined || name === namespace)
    .map(([name, groups]) => `${name}:\n${groups.map(indent).join('')}`)
    .join('');
  return { status: 200, type: 'application/yaml', body: yaml };
}

function indent(group: string): string {
  return group
    .trimEnd()
    .split('\n')
    .map((line, i) => `${i === 0 ? '- ' : '  '}${line}\n`)
    .join('');
}
