import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerFor, latencyFor, type AnsweringBehaviour } from './behaviour-answers.js';
import { ArrivalWaiters, newRecord } from './request-log.js';
import { streamChunks, writeSse } from './stream-answers.js';
import {
  apiKeyInvalid,
  apiKeyMissing,
  formatRetryDelay,
  invalidArgument,
  malformedJson,
  modelNotFound,
  quotaExceeded,
  unknownMethod,
} from './google-errors.js';
import {
  apiKeyOf,
  fromError,
  jsonAnswer,
  readBody,
  waitUnlessClosed,
  writeAnswer,
  type Answer,
} from './http-exchange.js';
import { ImageFactory } from './image-factory.js';
import { answerModelsApi, GET_MODEL_PATH, LIST_MODELS_PATH } from './models-api.js';
import { DEFAULT_MODELS, outputSize } from './model-catalogue.js';
import { MAX_REQUEST_BYTES, readTurns, validateRequest } from './request-reading.js';
import { SlidingWindowQuota } from './sliding-window-quota.js';
import type {
  ApiVersion,
  Behaviour,
  GenerateRoute,
  GeminiEmulator,
  GeminiEmulatorOptions,
  GeminiEmulatorStats,
  ModelsApiMode,
  RecordedGeminiRequest,
  RecordedModelLookup,
  WarmUpTarget,
} from './types.js';

const GENERATE_CONTENT_PATH = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const DEFAULT_BEHAVIOUR: Behaviour = { kind: 'image' };

class GeminiEmulatorServer implements GeminiEmulator {
  baseUrl = '';
  port = 0;
  readonly requests: RecordedGeminiRequest[] = [];
  readonly modelLookups: RecordedModelLookup[] = [];
  readonly stats: GeminiEmulatorStats = {
    received: 0,
    answered: 0,
    rejected429: 0,
    inFlight: 0,
    maxInFlight: 0,
  };

  private readonly server: Server;
  private readonly images = new ImageFactory();
  private readonly quota: SlidingWindowQuota;
  private readonly models: Set<string>;
  private readonly now: () => number;
  private modelsApi: ModelsApiMode;
  private queue: Behaviour[] = [];
  private defaultBehaviour: Behaviour = DEFAULT_BEHAVIOUR;
  private requestSerial = 0;
  private imageSerial = 0;
  private readonly arrivals = new ArrivalWaiters(this.requests);

  constructor(private readonly options: GeminiEmulatorOptions) {
    this.now = options.now ?? Date.now;
    this.models = new Set(options.models ?? DEFAULT_MODELS);
    this.modelsApi = options.modelsApi ?? 'normal';
    this.quota = new SlidingWindowQuota(options.quotaRpm, this.now);
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.failInternally(response, error));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.baseUrl = `http://127.0.0.1:${this.port}`;
  }

  enqueue(...behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  setDefault(behaviour: Behaviour): void {
    this.defaultBehaviour = behaviour;
  }

  setModelsApi(mode: ModelsApiMode): void {
    this.modelsApi = mode;
  }

  retireModel(model: string): void {
    this.models.delete(model);
  }

  setQuotaRpm(rpm: number | undefined): void {
    this.quota.setLimit(rpm);
  }

  waitForRequests(count: number, timeoutMs = 5000): Promise<RecordedGeminiRequest[]> {
    return this.arrivals.wait(count, timeoutMs);
  }

  async warmUp(targets: WarmUpTarget[]): Promise<void> {
    await Promise.all(
      targets.map(({ model, aspectRatio, imageSize, format }) =>
        this.images.warmUp({ ...outputSize(model, aspectRatio, imageSize), format: format ?? 'png' }),
      ),
    );
  }

  reset(): void {
    this.requests.length = 0;
    this.modelLookups.length = 0;
    this.queue = [];
    this.defaultBehaviour = DEFAULT_BEHAVIOUR;
    this.quota.clear();
    Object.assign(this.stats, {
      received: 0,
      answered: 0,
      rejected429: 0,
      maxInFlight: this.stats.inFlight,
    });
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (
      request.method === 'GET' &&
      (GET_MODEL_PATH.test(url.pathname) || LIST_MODELS_PATH.test(url.pathname))
    ) {
      request.resume();
      const served = { apiKey: this.options.apiKey, models: this.models, mode: this.modelsApi };
      return answerModelsApi(request, url, response, served, this.modelLookups);
    }
    const route = GENERATE_CONTENT_PATH.exec(url.pathname);
    if (!route || request.method !== 'POST') {
      request.resume();
      this.write(response, undefined, fromError(unknownMethod()));
      return;
    }
    const record = this.track(request, response, route[1] as ApiVersion, decodeURIComponent(route[2] ?? ''));
    record.route = route[3] as GenerateRoute;
    record.sse = url.searchParams.get('alt') === 'sse';
    const body = await readBody(request);
    record.body = body === 'too-large' ? '' : body.toString('utf8');
    this.arrivals.notify();

    const rejection = this.admissionError(request, url, record);
    if (rejection) return this.write(response, record, rejection);
    if (body === 'too-large') {
      return this.write(
        response,
        record,
        fromError(invalidArgument(`Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.`)),
      );
    }
    try {
      record.body = JSON.parse(record.body as string) as unknown;
    } catch {
      return this.write(response, record, fromError(malformedJson()));
    }
    const turns = readTurns(record.body);
    Object.assign(record, {
      texts: turns.texts,
      images: turns.images,
      history: turns.history,
      generationConfig: turns.generationConfig,
      tools: turns.tools,
    });
    const invalid = validateRequest(record.model, record.body, turns);
    if (invalid) return this.write(response, record, fromError(invalid));

    const behaviour = this.queue.shift() ?? this.defaultBehaviour;
    record.behaviour = behaviour.kind;
    await this.answer(behaviour, record, response);
  }

  private track(
    request: IncomingMessage,
    response: ServerResponse,
    apiVersion: ApiVersion,
    model: string,
  ): RecordedGeminiRequest {
    const record = newRecord(++this.requestSerial, this.now(), request, apiVersion, model);
    this.requests.push(record);
    this.stats.received++;
    this.stats.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
    response.on('close', () => {
      this.stats.inFlight--;
      if (!response.writableFinished) record.aborted = true;
    });
    return record;
  }

  /** Key, model and quota, in the order Google's front end checks them. */
  private admissionError(
    request: IncomingMessage,
    url: URL,
    record: RecordedGeminiRequest,
  ): Answer | undefined {
    const expectedKey = this.options.apiKey;
    if (expectedKey !== undefined) {
      const key = apiKeyOf(request, url);
      if (key === undefined || key === '') return fromError(apiKeyMissing());
      if (key !== expectedKey) return fromError(apiKeyInvalid());
    }
    if (!this.models.has(record.model)) return fromError(modelNotFound(record.model, record.apiVersion));
    const decision = this.quota.tryAdmit();
    if (!decision.admitted) {
      const retryDelay = formatRetryDelay(decision.retryAfterMs);
      return fromError(quotaExceeded({ model: record.model, limit: this.quota.rpm, retryDelay }));
    }
    return undefined;
  }

  private async answer(behaviour: Behaviour, record: RecordedGeminiRequest, response: ServerResponse) {
    if (behaviour.kind === 'hang') {
      await waitUnlessClosed(Number.POSITIVE_INFINITY, response);
      return;
    }
    const latency = latencyFor(behaviour, this.options.latencyMs ?? 0);
    // Latency is the minimum answer time: generation runs while the clock ticks, as on the real service.
    const answer = answerFor(behaviour, record, this.images, () => ++this.imageSerial);
    answer.catch(() => undefined);
    const stillOpen = await waitUnlessClosed(latency, response);
    if (!stillOpen) return;
    let written: Answer;
    try {
      written = await answer;
    } catch (error) {
      this.failInternally(response, error, record);
      return;
    }
    if (record.route === 'streamGenerateContent' && written.status === 200 && isStructured(written)) {
      await this.stream(response, record, written, behaviour);
      return;
    }
    this.write(response, record, written);
  }

  /** Errors are answered before any chunk, as plain JSON; a 200 becomes chunks (see streamChunks). */
  private async stream(
    response: ServerResponse,
    record: RecordedGeminiRequest,
    answer: Answer,
    behaviour: AnsweringBehaviour,
  ): Promise<void> {
    const chunks = streamChunks(answer.body);
    const script = {
      chunkLatencyMs: this.options.chunkLatencyMs,
      ...('stream' in behaviour ? behaviour.stream : {}),
    };
    record.status = 200;
    if (!record.sse) {
      // Without alt=sse Google streams one JSON array; nothing here needs it chunk by chunk.
      this.write(response, record, jsonAnswer(200, chunks));
      return;
    }
    response.once('finish', () => this.stats.answered++);
    await writeSse(response, record, chunks, script);
  }

  private write(response: ServerResponse, record: RecordedGeminiRequest | undefined, answer: Answer): void {
    if (response.destroyed || response.writableEnded) return;
    if (record) {
      record.status = answer.status;
      if (answer.status === 429) this.stats.rejected429++;
      response.once('finish', () => this.stats.answered++);
    }
    writeAnswer(response, answer);
  }

  /** A bug in the emulator or a throwing custom behaviour: answer 500 rather than leave the client hanging. */
  private failInternally(response: ServerResponse, error: unknown, record?: RecordedGeminiRequest): void {
    const message = `gemini emulator: ${error instanceof Error ? error.message : String(error)}`;
    this.write(response, record, jsonAnswer(500, { error: { code: 500, message, status: 'INTERNAL' } }));
  }
}

/** A JSON answer (not one a custom behaviour wrote verbatim), so it can be cut into chunks. */
function isStructured(answer: Answer): boolean {
  return typeof answer.body === 'object' && answer.body !== null && !Buffer.isBuffer(answer.body);
}

export async function startGeminiEmulator(options: GeminiEmulatorOptions = {}): Promise<GeminiEmulator> {
  const emulator = new GeminiEmulatorServer(options);
  await emulator.listen();
  return emulator;
}
