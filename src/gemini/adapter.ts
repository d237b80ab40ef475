import { GoogleGenAI, type Content, type GenerateContentConfig } from '@google/genai';
import type {
  GeminiAdapter,
  GeminiFailure,
  GeminiGate,
  GenerateOptions,
  ModelDirectory,
  Outcome,
} from '../core/generation.js';
import type { SniffImageType } from '../core/images.js';
import type { ModelRoster } from '../core/model-roster.js';
import { raceAbort, sleep } from '../core/abort.js';
import type { Logger } from '../logger.js';
import { UserError } from '../errors.js';
import { LogEvent } from '../log-events.js';
import { classifyGeminiError } from './errors.js';
import { responseToOutcome } from './outcome.js';
import { lookUpModel } from './model-lookup.js';
import { modelGoneMessage } from './model-messages.js';
import { buildContents, buildGenerationConfig } from './request.js';
import { InlineImages } from './inline-images.js';
import { nextRetryDelay, type RetryPolicy } from './retry.js';
import { readAnswerStream, type StreamedDraft } from './stream.js';
import type { Metrics } from '../metrics/metrics.js';

export interface GeminiAdapterOptions {
  readonly apiKey: string;
  /** The offered models; a request without `model` goes to the first. */
  readonly models: ModelRoster;
  readonly baseUrl?: string | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly gate: GeminiGate;
  /** Types each output image by its bytes (the images module's sniffer). */
  readonly imageType: SniffImageType;
  readonly log: Logger;
  /**
   * Stream answers (streamGenerateContent) and report interim images through onDraft. Off, every
   * attempt is the plain generateContent call the bot always made.
   */
  readonly previews?: boolean;
  /** Counts calls, their durations, 429s and retries. */
  readonly metrics?: Metrics | undefined;
}

/** The only place that talks to @google/genai. Every answer and every error becomes an Outcome. */
export function createGeminiAdapter(opts: GeminiAdapterOptions): GeminiAdapter & ModelDirectory {
  const inlineImages = new InlineImages();
  const ai = new GoogleGenAI({
    apiKey: opts.apiKey,
    httpOptions: {
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      timeout: opts.timeoutMs,
      fetch: inlineImages.fetch,
    },
  });
  const { models, gate, retry } = opts;
  let misconfiguredLogged = 0;
  const goneLogged = new Set<string>();

  /** What one request is: the model, its conversation and its generation config, fixed for every attempt. */
  interface Call {
    readonly model: string;
    readonly contents: Content[];
    readonly config: GenerateContentConfig;
  }

  async function attempt(
    call: Call,
    signal: AbortSignal | undefined,
    onDraft: ((draft: StreamedDraft) => void) | undefined,
  ): Promise<Outcome> {
    const params = {
      model: call.model,
      contents: call.contents,
      config: { ...call.config, ...(signal ? { abortSignal: signal } : {}) },
    };
    const response = opts.previews
      ? await readAnswerStream(
          // The SDK would reopen a dropped stream by itself, outside the gate and our retry
          // budget; every retry must be ours.
          await ai.models.generateContentStream({
            ...params,
            config: { ...params.config, automaticContinuation: false },
          }),
          onDraft,
        )
      : await ai.models.generateContent(params);
    const outcome = await responseToOutcome(response, opts.imageType);
    return outcome.kind === 'images' || outcome.kind === 'text' ? { ...outcome, model: call.model } : outcome;
  }

  function reportMisconfigured(failure: GeminiFailure, model: string, log: Logger): void {
    if (failure.status === 404) {
      // A model Google stopped serving mid-run: say which, once, and what to set instead.
      if (goneLogged.has(model)) return;
      goneLogged.add(model);
      log.error(
        { event: LogEvent.geminiModelNotFound, model, status: failure.status, detail: failure.message },
        modelGoneMessage(model, models.setting),
      );
      return;
    }
    // Loud, but not once per job: the operator must fix the key.
    if (misconfiguredLogged++ % 20 === 0) {
      log.error(
        { model, status: failure.status, detail: failure.message },
        'Gemini rejected the bot’s configuration: check GEMINI_API_KEY and GEMINI_MODEL',
      );
    }
  }

  /** Attempts through the gate until an outcome, a non-retryable failure, or the retry budget runs out. */
  async function withRetries(
    call: Call,
    { signal, log = opts.log, onAttempt, onDraft }: GenerateOptions,
  ): Promise<Outcome> {
    const started = Date.now();
    for (let n = 1; ; n++) {
      let failure: GeminiFailure;
      try {
        // A job waiting for its turn in the limiter (spacing, a 429 pause) stops waiting when it
        // is cancelled; if its turn comes later, the attempt ends at once without calling Gemini.
        return await raceAbort(
          gate.schedule(async () => {
            signal?.throwIfAborted();
            onAttempt?.(n);
            const began = Date.now();
            try {
              return await attempt(call, signal, onDraft && ((draft) => onDraft({ ...draft, attempt: n })));
            } finally {
              opts.metrics?.geminiCall(call.model, Date.now() - began);
            }
          }),
          signal,
        );
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        // The gate's own reason (its shared store is down) is for the member as it is.
        if (err instanceof UserError) throw err;
        failure = classifyGeminiError(err);
      }
      if (failure.kind === 'rate-limited') opts.metrics?.geminiRateLimited(call.model);
      if (failure.kind === 'rate-limited' && failure.retryAfterMs) gate.backOff(failure.retryAfterMs);
      if (failure.kind === 'misconfigured') {
        reportMisconfigured(failure, call.model, log);
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
      opts.metrics?.geminiRetried(call.model);
      log.warn(
        { attempt: n, failure: failure.kind, status: failure.status, delayMs: delay },
        'Gemini call failed; retrying',
      );
      await sleep(delay, signal);
    }
  }

  return {
    get model() {
      return models.defaultModel;
    },
    async generate(req, options = {}) {
      const model = req.model ?? models.defaultModel;
      // Built once for every attempt. Images are registered by token and encoded only while the
      // request is being sent (see InlineImages), then released.
      const tokens: string[] = [];
      const contents = buildContents(req, model, (data) => {
        const token = inlineImages.register(data);
        tokens.push(token);
        return token;
      });
      try {
        const config = buildGenerationConfig(req, model, { includeThoughts: opts.previews === true });
        return await withRetries({ model, contents, config }, options);
      } finally {
        inlineImages.release(tokens);
      }
    },
    lookUpModel: (model, signal) => lookUpModel(ai, model, signal),
  };
}
