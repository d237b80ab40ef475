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
 * Interaction tokens ride in request URLs (`/webhooks/<app>/<token>/…`, `/interactions/<id>/<token>/…`)
 * and let anyone holding one post as the bot for 15 minutes. They are per interaction, so they
 * cannot be listed in advance like the bot token: they are recognised by where they sit instead.
 */
const INTERACTION_TOKEN_IN_PATH = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'\\]+/g;

/** A URL or any text with interaction tokens replaced. */
export function redactInteractionTokens(value: string): string {
  return value.replace(INTERACTION_TOKEN_IN_PATH, '$1[REDACTED]');
}

/** The fields of Discord's REST errors (DiscordAPIError, HTTPError, RateLimitError) worth keeping. */
interface DiscordRestErrorLike {
  readonly name: string;
  readonly message: string;
  readonly method: string;
  readonly url: string;
  readonly stack?: string | undefined;
  readonly code?: unknown;
  readonly status?: unknown;
  readonly retryAfter?: unknown;
  readonly global?: unknown;
}

/**
 * @discordjs/rest's errors carry the request itself (`requestBody` with every uploaded file, which
 * JSON shows as a number per byte) and the URL with the interaction token. Recognised by shape, so
 * that a second copy of the library cannot slip past an instanceof check.
 */
function isDiscordRestError(err: unknown): err is DiscordRestErrorLike {
  if (!(err instanceof Error)) return false;
  const e = err as unknown as Record<string, unknown>;
  return typeof e.method === 'string' && typeof e.url === 'string' && ('requestBody' in e || 'route' in e);
}

/** Serializes an error for a log line: Discord's REST errors without their request, others as pino does. */
export function serializeError(err: unknown): unknown {
  if (!isDiscordRestError(err)) {
    if (!(err instanceof Error)) return err;
    const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
    // Whatever else an error carries, a request body has no place in a log line.
    delete out.requestBody;
    if (err.cause !== undefined && isDiscordRestError(err.cause)) out.cause = serializeError(err.cause);
    return out;
  }
  const out: Record<string, unknown> = {
    type: err.constructor.name,
    name: err.name,
    message: err.message,
    method: err.method,
    url: redactInteractionTokens(err.url),
  };
  for (const key of ['code', 'status', 'retryAfter', 'global'] as const) {
    if (err[key] !== undefined) out[key] = err[key];
  }
  if (err.stack) out.stack = err.stack;
  return out;
}

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
      let out = redactInteractionTokens(line);
      for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
      destination.write(out);
    },
    // pino's logger.flush() reaches the underlying destination through this.
    ...(destination.flush ? { flush: (cb?: (err?: Error) => void) => destination.flush!(cb) } : {}),
  };
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
      serializers: { err: serializeError },
    },
    // ...and every other place by value.
    scrubbingStream(destination ?? pino.destination({ fd: 1, sync: false }), secrets),
  );
}
