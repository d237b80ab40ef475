import { GoogleGenAI, type Content } from '@google/genai';
import type {
  GeminiAdapter,
  GeminiFailure,
  GeminiGate,
  GenerateOptions,
  Outcome,
} from '../core/generation.js';
import type { SniffImageType } from '../core/images.js';
import { raceAbort, sleep } from '../core/abort.js';
import type { Logger } from '../logger.js';
import { UserError } from '../errors.js';
import { classifyGeminiError } from './errors.js';
import { responseToOutcome } from './outcome.js';
import { buildContents } from './request.js';
import { InlineImages } from './inline-images.js';
import { nextRetryDelay, type RetryPolicy } from './retry.js';

export interface GeminiAdapterOptions {
  readonly apiKey: string;
  readonly model: string;
  readonly baseUrl?: string | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly gate: GeminiGate;
  /** Types each output image by its bytes (the images module's sniffer). */
  readonly imageType: SniffImageType;
  readonly log: Logger;
}

/** The only place that talks to @google/genai. Every answer and every error becomes an Outcome. */
export function createGeminiAdapter(opts: GeminiAdapterOptions): GeminiAdapter {
  const inlineImages = new InlineImages();
  const ai = new GoogleGenAI({
    apiKey: opts.apiKey,
    httpOptions: {
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      timeout: opts.timeoutMs,
      fetch: inlineImages.fetch,
    },
  });
  const { model, gate, retry } = opts;
  let misconfiguredLogged = 0;

  async function attempt(
    contents: Content[],
    aspectRatio: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const response = await ai.models.generateContent({
      model,
      contents,
      config: {
        responseModalities: ['TEXT', 'IMAGE'],
        ...(aspectRatio ? { imageConfig: { aspectRatio } } : {}),
        ...(signal ? { abortSignal: signal } : {}),
      },
    });
    return responseToOutcome(response, opts.imageType);
  }

  /** Attempts through the gate until an outcome, a non-retryable failure, or the retry budget runs out. */
  async function withRetries(
    contents: Content[],
    aspectRatio: string | undefined,
    { signal, log = opts.log, onAttempt }: GenerateOptions,
  ): Promise<Outcome> {
    const started = Date.now();
    for (let n = 1; ; n++) {
      let failure: GeminiFailure;
      try {
        // A job waiting for its turn in the limiter (spacing, a 429 pause) stops waiting when it
        // is cancelled; if its turn comes later, the attempt ends at once without calling Gemini.
        return await raceAbort(
          gate.schedule(() => {
            signal?.throwIfAborted();
            onAttempt?.(n);
            return attempt(contents, aspectRatio, signal);
          }),
          signal,
        );
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        // The gate's own reason (its shared store is down) is for the member as it is.
        if (err instanceof UserError) throw err;
        failure = classifyGeminiError(err);
      }
      if (failure.kind === 'rate-limited' && failure.retryAfterMs) gate.backOff(failure.retryAfterMs);
      if (failure.kind === 'misconfigured') {
        // Loud, but not once per job: the operator must fix the key or model name.
        if (misconfiguredLogged++ % 20 === 0) {
          log.error(
            { model, status: failure.status, detail: failure.message },
            'Gemini rejected the bot’s configuration: check GEMINI_API_KEY and GEMINI_MODEL',
          );
        }
        return { kind: 'failed', error: failure };
      }
      const delay = nextRetryDelay(failure, n, Date.now() - started, retry);
      if (delay === undefined) {
        log.warn(
          { attempt: n, failure: failure.kind, status: failure.status, detail: failure.message },
          'Gemini call failed; giving up',
        );
        return { kind: 'failed', error: failure };
      }
      log.warn(
        { attempt: n, failure: failure.kind, status: failure.status, delayMs: delay },
        'Gemini call failed; retrying',
      );
      await sleep(delay, signal);
    }
  }

  return {
    model,
    async generate(req, options = {}) {
      // Built once for every attempt. Images are registered by token and encoded only while the
      // request is being sent (see InlineImages), then released.
      const tokens: string[] = [];
      const contents = buildContents(req, model, (data) => {
        const token = inlineImages.register(data);
        tokens.push(token);
        return token;
      });
      try {
        return await withRetries(contents, req.aspectRatio, options);
      } finally {
        inlineImages.release(tokens);
      }
    },
  };
}
