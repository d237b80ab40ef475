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

export function createLogger(
  options: { level: string; secrets: readonly string[] },
  destination?: pino.DestinationStream,
): Logger {
  const secrets = options.secrets.filter((s) => s.length >= 8);
  const scrub = (text: string) => secrets.reduce((acc, s) => acc.split(s).join('[REDACTED]'), text);
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: {
        // Scrub secrets from the message string; objects are scrubbed by the serializer below.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      formatters: {
        log: (obj) => JSON.parse(scrub(JSON.stringify(obj))) as Record<string, unknown>,
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
