import type { Job, JobKind } from './job.js';
import type { ImageSize, ThinkingLevel } from './models.js';

/**
 * Where an input image can be found again, later and in another process: the buttons under a
 * picture make its request again after a restart, so the request must be kept as data.
 */
export type ReplayInput =
  /** An upload to a slash command: only its link is known, and Discord lets it expire in about a day. */
  | {
      readonly kind: 'link';
      readonly filename: string;
      readonly declaredSize?: number | undefined;
      readonly url: string;
    }
  /** The index-th image of a message, fetched again when the job starts (a fresh link). */
  | {
      readonly kind: 'attachment';
      readonly filename: string;
      readonly channelId: string;
      readonly messageId: string;
      readonly index: number;
    };

/** A request as the store keeps it, so that its result's controls can make it again. */
export interface StoredRequest {
  readonly kind: JobKind;
  /** What Gemini was asked. */
  readonly prompt: string;
  /** What the member asked, as echoed under the picture and pre-filled by Remix. */
  readonly shownPrompt: string;
  readonly inputs: readonly ReplayInput[];
  /** A refine: the picture it refined (its history is read again from the store) and that picture's image. */
  readonly refine?: { readonly parentMessageId: string; readonly previous: ReplayInput } | undefined;
  readonly imageSize?: ImageSize | undefined;
  readonly aspectRatio?: string | undefined;
  readonly thinkingLevel?: ThinkingLevel | undefined;
  readonly search?: boolean | undefined;
}

/** What a job that may get controls carries: the id its buttons name and what its member asked. */
export interface JobControls {
  /** Random and unguessable: a forged custom_id names nothing. */
  readonly id: string;
  readonly shownPrompt: string;
}

/** One delivered picture message's controls: which message, whose, and the request behind it. */
export interface ControlRecord {
  readonly controlId: string;
  readonly messageId: string;
  readonly channelId: string;
  readonly threadId: string | null;
  readonly guildId: string | null;
  /** The member who asked: the one who may delete it (with moderators). */
  readonly userId: string;
  /** The model that answered. */
  readonly model: string;
  readonly imageCount: number;
  readonly request: StoredRequest;
  readonly createdAt: number;
  /** Set once the picture was deleted with its Delete button. */
  readonly deletedAt: number | null;
}

/** Where controls are kept (the store implements it). */
export interface ControlLog {
  saveControls(record: ControlRecord): Promise<void>;
  getControls(controlId: string): Promise<ControlRecord | undefined>;
  markControlsDeleted(controlId: string, at: number): Promise<void>;
}

/**
 * The request of a job as data, or undefined when one of its inputs cannot be found again (then
 * its picture gets no controls that would fail later).
 */
export function storedRequest(job: Job, shownPrompt: string): StoredRequest | undefined {
  const inputs = job.inputs.map((i) => i.replay);
  if (inputs.some((i) => i === undefined)) return undefined;
  const previous = job.refine?.previous.replay;
  if (job.refine && !previous) return undefined;
  return {
    kind: job.kind,
    prompt: job.prompt,
    shownPrompt,
    inputs: inputs as ReplayInput[],
    ...(job.refine && previous ? { refine: { parentMessageId: job.refine.parentMessageId, previous } } : {}),
    ...(job.imageSize ? { imageSize: job.imageSize } : {}),
    ...(job.aspectRatio ? { aspectRatio: job.aspectRatio } : {}),
    ...(job.thinkingLevel ? { thinkingLevel: job.thinkingLevel } : {}),
    ...(job.search ? { search: true } : {}),
  };
}
