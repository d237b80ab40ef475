import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear. The secrets themselves are also scrubbed from every
 * line by value (see secretCensor), because an error message can quote a token in free text.
 */
const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'config.discordToken',
  'config.geminiApiKey',
  'discordToken',
  'geminiApiKey',
];

/**
 * Scrubs secrets from every finished log line, after serializers have turned errors (message and
 * stack) into text: the one place that sees everything a line can carry. Tokens and API keys are
 * plain base64url-like text, so they appear in the JSON exactly as they are.
 */
function scrubbingStream(
  destination: pino.DestinationStream & { flush?: (cb?: (err?: Error) => void) => void },
  secrets: readonly string[],
): pino.DestinationStream {
  return {
    write(line: string) {
      let out = line;
      for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
      destination.write(out);
    },
    // pino's logger.flush() reaches the underlying destination through this.
    ...(destination.flush ? { flush: (cb?: (err?: Error) => void) => destination.flush!(cb) } : {}),
  } as pino.DestinationStream;
}

export function createLogger(
  options: { level: string; secrets: readonly string[] },
  destination?: pino.DestinationStream,
): Logger {
  const secrets = options.secrets.filter((s) => s.length >= 8);
  return pino(
    {
      level: options.level,
      // Known places by path (cheap, and keeps the field visible as redacted)...
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: pino.stdSerializers.err },
    },
    // ...and every other place by value.
    scrubbingStream(destination ?? pino.destination({ fd: 1, sync: false }), secrets),
  );
}
