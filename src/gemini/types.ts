/** An image's bytes in a file (see the images module's spool), read only while they are sent. */
export interface FileBytes {
  readonly path: string;
  readonly size: number;
}

/** What a job asks of the model; the adapter turns it into a generateContent request. */
export interface ImageInput {
  readonly mimeType: string;
  readonly data: Buffer | FileBytes;
}

/**
 * One earlier exchange in a refine conversation. Model parts keep their thought signatures; image
 * bytes are not stored, only which delivered image a part was (imageIndex), and are re-attached
 * from the delivered message when the turn is replayed.
 */
export interface StoredPart {
  readonly text?: string;
  readonly imageIndex?: number;
  readonly thoughtSignature?: string;
}

export interface HistoryTurn {
  readonly prompt: string;
  readonly modelParts: readonly StoredPart[];
}

export interface GenerateRequest {
  readonly prompt: string;
  readonly images: readonly ImageInput[];
  readonly aspectRatio?: string | undefined;
  /** Earlier turns, oldest first; the last one's image comes as previousImage. */
  readonly history?: readonly HistoryTurn[];
  readonly previousImage?: ImageInput | undefined;
}

export interface GeneratedImage {
  readonly mimeType: string;
  readonly data: Buffer;
  readonly extension: string;
  readonly thoughtSignature?: string;
}

export type RefusalSource = 'prompt' | 'output';

export interface Usage {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
}

/** Every Gemini answer becomes exactly one of these; delivery switches on kind. */
export type Outcome =
  | {
      readonly kind: 'images';
      readonly images: readonly GeneratedImage[];
      readonly text: string;
      /** The model turn as it must be replayed later (signatures kept, images by index). */
      readonly modelParts: readonly StoredPart[];
      readonly usage?: Usage;
    }
  | { readonly kind: 'text'; readonly text: string; readonly usage?: Usage }
  | {
      readonly kind: 'refused';
      readonly source: RefusalSource;
      readonly reason: string;
      readonly explanation: string;
      readonly detail?: string;
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
  | 'unknown';

export interface GeminiFailure {
  readonly kind: GeminiFailureKind;
  readonly status?: number;
  /** Safe for logs: never carries the key. */
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}
