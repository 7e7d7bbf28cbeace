/** The Prometheus HTTP API envelope (prometheus/web/api/v1), as far as Gatehouse reads it. */
export interface PrometheusAnswer<T = unknown> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

export function isSuccess(body: unknown): body is PrometheusAnswer & { status: 'success' } {
  return (
    typeof body === 'object' && body !== null && (body as PrometheusAnswer).status === 'success'
  );
}

/** Warnings of several answers, each once, in first-seen order. */
export function mergedNotes(
  answers: PrometheusAnswer[],
  key: 'warnings' | 'infos',
): string[] | undefined {
  const notes = [...new Set(answers.flatMap((answer) => answer[key] ?? []))];
  return notes.length > 0 ? notes : undefined;
}
