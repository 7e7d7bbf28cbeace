import { pino, type Logger } from 'pino';

/**
 * The one place logs are configured: JSON lines on stdout. Nothing logs headers or bodies, and
 * the redaction below is a second guard in case a future field carries a credential.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'gatehouse' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'authorization',
        'token',
        'secret',
        '*.authorization',
        '*.token',
        '*.secret',
        'headers',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
