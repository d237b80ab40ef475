export type ApiVersion = 'v1beta' | 'v1';
export type ImageFormat = 'png' | 'jpeg';

export interface InlineDataJson {
  mimeType?: string;
  data?: string;
}

/** A part as it travels on the wire (the SDK keeps camelCase; raw clients may send snake_case). */
export interface GeminiPartJson {
  text?: string;
  inlineData?: InlineDataJson;
  thought?: boolean;
  thoughtSignature?: string;
  [field: string]: unknown;
}

export interface GeminiContentJson {
  role?: string;
  parts?: GeminiPartJson[];
}

export interface ImageConfigJson {
  aspectRatio?: string;
  imageSize?: string;
}

export interface ThinkingConfigJson {
  thinkingLevel?: string;
  includeThoughts?: boolean;
}

export interface GenerationConfigJson {
  responseModalities?: string[];
  candidateCount?: number;
  imageConfig?: ImageConfigJson;
  thinkingConfig?: ThinkingConfigJson;
  [field: string]: unknown;
}

export interface RecordedImage {
  mimeType: string;
  data: Buffer;
}

/** Which method the request called: the plain one, or the streamed one (SSE with `?alt=sse`). */
export type GenerateRoute = 'generateContent' | 'streamGenerateContent';

export interface RecordedGeminiRequest {
  /** Order of arrival since start, 1-based; never reset, so images stay distinct across `reset()`. */
  seq: number;
  route: GenerateRoute;
  /** Stream chunks written so far (streamGenerateContent only; 0 otherwise). */
  chunks: number;
  /** The request asked for Server-Sent Events (`?alt=sse`, as the SDK does). */
  sse: boolean;
  /** Arrival time on the emulator's clock (`now`). */
  at: number;
  model: string;
  apiVersion: ApiVersion;
  /** Parsed JSON body; the raw text when it was not JSON; undefined until the body has arrived. */
  body: unknown;
  /** Texts of the last user turn. */
  texts: string[];
  /** Decoded inline images of the last user turn. */
  images: RecordedImage[];
  /** Every content before the last user turn, as sent. */
  history: GeminiContentJson[];
  generationConfig: GenerationConfigJson | undefined;
  /** The request's `tools`, as sent (e.g. `[{ googleSearch: {} }]`). */
  tools: unknown[] | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** HTTP status answered; 0 while pending or when the client went away first. */
  status: number;
  /** The behaviour that produced the answer, once one was chosen (validation errors have none). */
  behaviour: Behaviour['kind'] | undefined;
  /** The client closed the connection before an answer was written. */
  aborted: boolean;
}

export type BlockedOutputReason =
  | 'SAFETY'
  | 'IMAGE_SAFETY'
  | 'PROHIBITED_CONTENT'
  | 'IMAGE_PROHIBITED_CONTENT'
  | 'RECITATION'
  | 'IMAGE_RECITATION'
  | 'BLOCKLIST'
  | 'SPII'
  | 'NO_IMAGE'
  | 'IMAGE_OTHER'
  | 'OTHER';

export type FinishReason = 'STOP' | 'MAX_TOKENS' | BlockedOutputReason;

export type PromptBlockReason =
  'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'IMAGE_SAFETY' | 'MODEL_ARMOR' | 'JAILBREAK';

export type ScriptedErrorStatus = 400 | 403 | 404 | 429 | 500 | 502 | 503 | 504;

export interface ImageBehaviour {
  kind: 'image';
  /** Final (non-thought) images in the answer. Default 1; 0 gives a text-only STOP answer. */
  count?: number;
  /** Text part before the first image; null for none. Default 'Here is your image.' unless the request asked for IMAGE only. */
  text?: string | null;
  width?: number;
  height?: number;
  /** Interim thought text + image(s) before the final parts. Default: true for gemini-3* models. */
  thoughts?: boolean;
  /** Interim (thought) images when thoughts are on: 0 to 2, as Gemini 3 draws. Default 1. */
  thoughtImages?: number;
  stream?: StreamScript;
  /** Minimum time before the answer is written (generation runs meanwhile). */
  latencyMs?: number;
  /** `mimeType` written in the part; defaults to the real type of `format`. */
  declaredMimeType?: string;
  /** Bytes actually sent. Default 'png'. */
  format?: ImageFormat;
  /** Make every final image at least this many bytes, with incompressible noise. */
  bytes?: number;
  finishReason?: FinishReason;
}

export interface TextBehaviour {
  kind: 'text';
  text: string;
  latencyMs?: number;
  stream?: StreamScript;
}

/**
 * How a streamGenerateContent answer is written. Chunks: each thought part alone (the thought text,
 * then each interim image), then one final chunk with the final parts, their signatures, the
 * finishReason, grounding and usage. The first chunk goes after the behaviour's latency.
 */
export interface StreamScript {
  /** Time between chunks; default the emulator's `chunkLatencyMs` (0). */
  chunkLatencyMs?: number;
  /** Destroy the connection (a reset) after writing this many chunks. */
  breakAfterChunks?: number;
  /** After this many chunks, write an error event (`data: {"error": ...}`) and end the stream. */
  errorAfterChunks?: number;
}

export interface BlockedOutputBehaviour {
  kind: 'blockedOutput';
  finishReason: BlockedOutputReason;
  finishMessage?: string;
  latencyMs?: number;
}

export interface BlockedPromptBehaviour {
  kind: 'blockedPrompt';
  blockReason: PromptBlockReason;
  blockReasonMessage?: string;
  latencyMs?: number;
}

export interface NoCandidatesBehaviour {
  kind: 'noCandidates';
  latencyMs?: number;
}

export interface ErrorBehaviour {
  kind: 'error';
  status: ScriptedErrorStatus;
  /** Only for 429: adds a RetryInfo detail, e.g. '2s' or '0.5s'. Without it the 429 carries no RetryInfo. */
  retryDelay?: string;
  message?: string;
  /** Answer with Google's front-end HTML page instead of JSON; default true for 502 only, as the real front end does. */
  html?: boolean;
  latencyMs?: number;
}

export interface HangBehaviour {
  kind: 'hang';
}

export interface CustomAnswer {
  status: number;
  /** Sent as JSON, or verbatim when it is a string or Buffer. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface CustomBehaviour {
  kind: 'custom';
  respond: (request: RecordedGeminiRequest) => CustomAnswer | Promise<CustomAnswer>;
  latencyMs?: number;
}

export type Behaviour =
  | ImageBehaviour
  | TextBehaviour
  | BlockedOutputBehaviour
  | BlockedPromptBehaviour
  | NoCandidatesBehaviour
  | ErrorBehaviour
  | HangBehaviour
  | CustomBehaviour;

/**
 * How the Models API (GET models, GET models/{m}) behaves: as Google's, or as it does when the
 * lookup cannot be made: 500s, a hang, 501, or a gateway that has models/{m} but no list (404).
 */
export type ModelsApiMode = 'normal' | 'error' | 'hang' | 'not-implemented' | 'no-list';

export interface RecordedModelLookup {
  method: string;
  path: string;
  /** The model asked for; undefined for the list. */
  model: string | undefined;
  status: number;
}

export interface GeminiEmulatorOptions {
  /** Default 'normal'. */
  modelsApi?: ModelsApiMode;
  /** Default 0 (ephemeral). */
  port?: number;
  /** When set, requests must carry it (x-goog-api-key header or ?key=). */
  apiKey?: string;
  models?: string[];
  /** Requests per sliding 60 s window, counted on arrival. */
  quotaRpm?: number;
  /** Default minimum answer time for successful answers. */
  latencyMs?: number;
  /** Default time between the chunks of a streamed answer. */
  chunkLatencyMs?: number;
  /** Clock for the quota window and `at`. Default Date.now. */
  now?: () => number;
}

export interface GeminiEmulatorStats {
  received: number;
  answered: number;
  /** Every 429 answered: quota rejections and scripted 429s. */
  rejected429: number;
  inFlight: number;
  maxInFlight: number;
}

export interface WarmUpTarget {
  model: string;
  aspectRatio?: string;
  imageSize?: string;
  format?: ImageFormat;
}

export interface GeminiEmulator {
  /** http://127.0.0.1:PORT, what goes in GEMINI_BASE_URL / httpOptions.baseUrl. */
  baseUrl: string;
  port: number;
  requests: RecordedGeminiRequest[];
  /** Models API calls (kept apart from generateContent's `requests`). */
  modelLookups: RecordedModelLookup[];
  stats: GeminiEmulatorStats;
  /** Change how the Models API answers (see ModelsApiMode). */
  setModelsApi(mode: ModelsApiMode): void;
  /** Google shuts a model down: from now on it answers 404 everywhere. */
  retireModel(model: string): void;
  enqueue(...behaviours: Behaviour[]): void;
  setDefault(behaviour: Behaviour): void;
  /** Change the quota at run time; undefined removes it. Clears the window. */
  setQuotaRpm(rpm: number | undefined): void;
  /** Resolves once at least `count` requests have arrived (bodies read). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedGeminiRequest[]>;
  /** Pre-renders the image pool for these output sizes so first answers are fast too. */
  warmUp(targets: WarmUpTarget[]): Promise<void>;
  /** Clears requests, lookups, queue, stats and the quota window, and restores the default behaviour (not the models served or the Models API mode). */
  reset(): void;
  /** Closes the server and every connection, hanging requests included. */
  stop(): Promise<void>;
}
