import { pino, type Logger } from 'pino';

/**
 * The one place logs are configured: JSON lines on stdout. Nothing logs headers or bodies, and
 * the redaction below is a second guard in case a future top-level field carries a credential.
 */
const flushEveryMs = 1000;

export function createLogger(level: string): Logger {
  // Buffered, asynchronous writes: a write per request line would cost a syscall each on the
  // hot path. RunningGatehouse.close flushes on shutdown.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  // A quiet server still shows its lines within a second (the start-up line among them).
  setInterval(() => destination.flush(), flushEveryMs).unref();

  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Top-level keys only: wildcard paths cost about a tenth of a proxied request.
      redact: { paths: ['authorization', 'token', 'secret', 'headers'], censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger };
