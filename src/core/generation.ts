import type { Phrase } from '../text/catalogue.js';
import type { Logger } from '../logger.js';
import type { HistoryTurn, StoredPart } from './conversation.js';
import type { GeneratedImage, ImageInput } from './images.js';
import type { ImageSize, ThinkingLevel } from './models.js';

/** What a job asks of the model; the Gemini adapter turns it into a request. */
export interface GenerateRequest {
  readonly prompt: string;
  readonly images: readonly ImageInput[];
  readonly aspectRatio?: string | undefined;
  /** Earlier turns, oldest first; the last one's image comes as previousImage. */
  readonly history?: readonly HistoryTurn[];
  readonly previousImage?: ImageInput | undefined;
  /** The model to ask; default: the first one offered (GEMINI_MODELS / GEMINI_MODEL). */
  readonly model?: string | undefined;
  /** Output size; sent only to models that take it (see the catalogue in models.ts). */
  readonly imageSize?: ImageSize | undefined;
  /** Sent only to models with a thinking level (3.1 Flash). */
  readonly thinkingLevel?: ThinkingLevel | undefined;
  /** Ground the picture in Google Search (`tools: [{ googleSearch: {} }]`) where the model can. */
  readonly search?: boolean | undefined;
}

export type RefusalSource = 'prompt' | 'output';

export interface Usage {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Thinking tokens, billed as output (usageMetadata.thoughtsTokenCount). */
  readonly thoughtsTokens?: number;
}

/** What Google Search grounding found: the queries it ran and the pages (or image pages) it used. */
export interface Grounding {
  readonly queries: readonly string[];
  readonly sources: readonly { readonly uri: string; readonly title?: string }[];
}

/** Every Gemini answer becomes exactly one of these; delivery switches on kind. */
export type Outcome =
  | {
      readonly kind: 'images';
      readonly images: readonly GeneratedImage[];
      readonly text: string;
      /** The model turn as it must be replayed later (signatures kept, images by index). */
      readonly modelParts: readonly StoredPart[];
      /** Images the response held beyond the ones kept (see the adapter's cap). */
      readonly omitted?: number;
      readonly usage?: Usage;
      /** The model that answered (the adapter sets it). */
      readonly model?: string;
      readonly grounding?: Grounding;
    }
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly usage?: Usage;
      readonly model?: string;
      readonly grounding?: Grounding;
    }
  | {
      readonly kind: 'refused';
      readonly source: RefusalSource;
      readonly reason: string;
      readonly explanation: Phrase;
      readonly detail?: string;
      /** A refusal can still bill the prompt's tokens. */
      readonly usage?: Usage;
    }
  | { readonly kind: 'failed'; readonly error: GeminiFailure };

export type GeminiFailureKind =
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'bad-request'
  | 'misconfigured'
  | 'too-large'
  | 'answer-too-large'
  | 'unknown';

export interface GeminiFailure {
  readonly kind: GeminiFailureKind;
  readonly status?: number;
  /** Safe for logs: never carries the key. */
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** The slot every Gemini attempt must hold: the global quota and concurrency. */
export interface GeminiGate {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Gemini said the quota is exhausted: nobody may call it for this long. */
  backOff(ms: number): void;
}

export interface GenerateOptions {
  readonly signal?: AbortSignal;
  readonly log?: Logger;
  /** Called when an attempt starts (after the gate let it through). */
  readonly onAttempt?: (attempt: number) => void;
  /**
   * Called with each interim "thought" image as it streams in (Gemini 3 draws up to two before
   * the final one). For progress only: a draft is never part of the Outcome. Must not throw.
   */
  readonly onDraft?: (draft: InterimImage) => void;
}

/** A picture Gemini drew while thinking, as it arrived: full size, untyped bytes. */
export interface InterimImage {
  readonly mimeType: string;
  readonly data: Buffer;
  /** 1 for the first interim image of its attempt, then 2. */
  readonly number: number;
  /** The attempt that drew it: a draft of a failed attempt is stale once the next one starts. */
  readonly attempt: number;
}

/** The model behind the jobs; the Gemini adapter is the one implementation. */
export interface GeminiAdapter {
  /** The default model: where a request without `model` goes. */
  readonly model: string;
  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<Outcome>;
}

/** What the Models API says about one model id. */
export type ModelLookup =
  | { readonly kind: 'found'; readonly model: string; readonly displayName?: string }
  /** Google does not serve it to this key; `usable` lists the image models the key can use. */
  | { readonly kind: 'not-found'; readonly model: string; readonly usable: readonly string[] }
  /** The lookup could not be made (network, 5xx, a gateway without the endpoint, the deadline). */
  | { readonly kind: 'unavailable'; readonly model: string; readonly reason: string };

/** The Models API, through the adapter (the only importer of @google/genai). */
export interface ModelDirectory {
  lookUpModel(model: string, signal?: AbortSignal): Promise<ModelLookup>;
}
