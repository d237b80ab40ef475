import type { Phrase } from '../text/catalogue.js';
import type { Logger } from '../logger.js';
import type { HistoryTurn } from './conversation.js';
import type { JobControls, ReplayInput } from './controls.js';
import type { Grounding } from './generation.js';
import type { DeliverableImage, DraftImage } from './images.js';
import type { ImageSize, ThinkingLevel } from './models.js';

export type JobKind = 'imagine' | 'edit' | 'refine';

/**
 * Where an input can be found again by a process that has only the job journal: a link (an
 * attachment of the command; Discord's signed links last hours, longer than a job may wait to be
 * resumed) or a picture in a message, looked up again (a bot picture being refined).
 */
export type InputRef =
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'message-image';
      readonly channelId: string;
      readonly messageId: string;
      /** Which of the message's images (from 0); unset: the first. */
      readonly index?: number | undefined;
    };

/** An image the job needs, fetched only when the job starts (queued jobs hold no bytes). */
export interface InputSource {
  readonly filename: string;
  readonly declaredSize?: number | undefined;
  /** Resolved at start: Discord attachment URLs are signed and can expire while a job waits. */
  url(): Promise<string>;
  /** How to find it again after a crash; a source without one makes its job unjournaled. */
  readonly ref?: InputRef | undefined;
  /** Where the image can be found again later, for the result's controls; unset: nowhere. */
  readonly replay?: ReplayInput | undefined;
}

/**
 * How to reach a job's member again from another process: the interaction's reply (its token
 * lasts 15 minutes; after that the channel, mentioning the member) or a reply in a channel or
 * thread (a refine).
 */
export type TargetRef =
  | {
      readonly kind: 'interaction';
      readonly applicationId: string;
      readonly token: string;
      /** When the interaction was made: its token dies 15 minutes later. */
      readonly createdAt: number;
      readonly channelId: string;
      readonly userId: string;
      readonly prompt: string;
      readonly uploadLimit: number;
      /** The reply was ephemeral: the result stays out of the channel (InteractionTargetOptions). */
      readonly private?: boolean | undefined;
    }
  | {
      readonly kind: 'message';
      readonly channelId: string;
      readonly replyTo: string | undefined;
      readonly userId: string;
      readonly prompt: string;
      readonly uploadLimit: number;
      /** The progress message posted for the job: a process resuming it edits this one. */
      readonly placeholderId?: string | undefined;
    };

export type JobStatus =
  | { readonly state: 'queued'; readonly position: number }
  | {
      readonly state: 'generating';
      readonly attempt: number;
      /** Gemini's latest interim picture of this attempt, shown in the progress message. */
      readonly draft?: DraftImage | undefined;
    };

/** What the user gets, already decided (phrases, said in the member's language by delivery). */
export type JobResult =
  | {
      readonly kind: 'images';
      readonly images: readonly DeliverableImage[];
      readonly text: string;
      /** Sentences about the set: pictures left out (damaged, over the cap). */
      readonly notes?: readonly Phrase[];
      /** What Google Search found, shown under the picture as Google's rules ask. */
      readonly grounding?: Grounding | undefined;
    }
  | { readonly kind: 'text'; readonly text: string; readonly grounding?: Grounding | undefined }
  | { readonly kind: 'refused'; readonly explanation: Phrase; readonly detail?: string | undefined }
  | { readonly kind: 'failed'; readonly message: Phrase };

export interface DeliveredMessage {
  readonly messageId: string;
  readonly channelId: string;
  readonly threadId: string | null;
}

/**
 * Told the moment the first message holding a job's images exists, before any later group of
 * images is sent: from then on a member can see the picture and may already reply to it.
 */
export type OnVisible = (message: DeliveredMessage) => void;

/** Where a job's progress and result go; implemented once, in the Discord delivery module. */
export interface DeliveryTarget {
  /** The most one uploaded file may weigh here (the interaction's attachment_size_limit). */
  readonly uploadLimit: number;
  progress(status: JobStatus): Promise<void>;
  /**
   * Posts the result, falling back to other ways of reaching the member; for images resolves to
   * the message that holds them (undefined when only words got through). Rejects only when the
   * member could not be reached at all.
   */
  deliver(result: JobResult, onVisible?: OnVisible): Promise<DeliveredMessage | undefined>;
  /** How another process reaches the same member after a crash; without one the job is not journaled. */
  readonly ref?: TargetRef | undefined;
  /** Told the new ref whenever it changes (a progress message was posted that a crash should not orphan). */
  onRefChange?(listener: (ref: TargetRef) => void): void;
}

export interface RefineContext {
  readonly parentMessageId: string;
  readonly previous: InputSource;
  readonly history: readonly HistoryTurn[];
}

/** What an entry point asks for: who, where, what. Every way into the bot builds one of these. */
export interface JobRequest {
  readonly kind: JobKind;
  readonly userId: string;
  readonly guildId: string | null;
  readonly channelId: string;
  /** The channel a thread is in, for the server's channel rules. */
  readonly parentChannelId?: string | undefined;
  readonly prompt: string;
  readonly inputs: readonly InputSource[];
  readonly refine?: RefineContext | undefined;
  /** The model to ask (default: the first one offered) and the settings checked against it. */
  readonly model?: string | undefined;
  readonly imageSize?: ImageSize | undefined;
  readonly aspectRatio?: string | undefined;
  readonly thinkingLevel?: ThinkingLevel | undefined;
  readonly search?: boolean | undefined;
  /** Set when the result gets controls (buttons): the store keeps the request under this id. */
  readonly controls?: JobControls | undefined;
  /** The member's roles in the server (for role-only models and sizes); empty in DMs. */
  readonly memberRoles?: readonly string[] | undefined;
  /** Answer only the member who asked (a channel the server keeps results out of). */
  readonly private?: boolean | undefined;
  /** The catalogue language the member is answered in ('en', 'ja', …), kept for a resumed job. */
  readonly locale?: string | undefined;
  /** The server's language, for an interaction's result posted in the channel instead of its reply. */
  readonly serverLocale?: string | undefined;
}

/** What the admission door found out about a job's server: its own limits, within the operator's. */
export interface AdmissionPolicy {
  /** Pictures per member per UTC day in this server; undefined: the operator's USER_DAILY_LIMIT. */
  readonly dailyPictureLimit?: number | undefined;
  /** The server's daily budget in USD; undefined: only the bot's. */
  readonly guildDailyBudgetUsd?: number | undefined;
}

/** How a job ended, for whoever watches (the moderation log). */
export interface JobReport {
  readonly job: Job;
  readonly result: JobResult['kind'];
  /** Where its pictures are, when it delivered some. */
  readonly delivered: DeliveredMessage | undefined;
}

/** An admitted request with its identity and the place its answers go. */
export interface Job extends JobRequest {
  readonly id: string;
  readonly target: DeliveryTarget;
  readonly log: Logger;
}
