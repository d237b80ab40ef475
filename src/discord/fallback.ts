import {
  DiscordAPIError,
  RESTJSONErrorCodes,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type Message,
} from 'discord.js';
import type { DeliverableImage } from '../core/images.js';
import type { DeliveredMessage, OnVisible } from '../core/job.js';
import type { Logger } from '../logger.js';

/** One message of a result, before a place turns it into Discord's options. */
export interface Outgoing {
  /** The words; the later groups of a many-picture result have none. */
  readonly content?: string | undefined;
  readonly images: readonly DeliverableImage[];
  /** The result's first message: it may edit the reply and mention the member; later groups do not. */
  readonly first: boolean;
  /** Rows under the first message (grounding links, the result's buttons); later groups have none. */
  readonly components?: readonly MessageRow[] | undefined;
  /** Every picture's description for screen readers. */
  readonly altText: string;
  /** Which part of its layout this is, so a place read in another language can say it its way (inLayout). */
  readonly piece?: Piece | undefined;
}

/** A message's part of a layout: its words, a later group of pictures, or the words that stand in for pictures. */
export type Piece =
  | { readonly kind: 'first' }
  | { readonly kind: 'group' }
  | { readonly kind: 'notPosted'; readonly problem: UploadProblem }
  | { readonly kind: 'restNotPosted'; readonly count: number; readonly problem: UploadProblem };

/** The same message from another layout of the same result (the same result in another language). */
export function inLayout(message: Outgoing, layout: Layout): Outgoing {
  const piece = message.piece;
  if (!piece) return message;
  const altText = layout.altText;
  switch (piece.kind) {
    case 'first':
      return { ...message, content: layout.content, components: layout.components, altText };
    case 'group':
      return { ...message, altText };
    case 'notPosted':
      return { ...message, content: layout.notPosted(piece.problem), components: layout.components, altText };
    case 'restNotPosted':
      return { ...message, content: layout.restNotPosted(piece.count, piece.problem), altText };
  }
}

export type MessageRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/** One way of reaching the member, tried in the order given. */
export interface Place {
  /** For logs: 'reply', 'follow-up', 'channel', 'dm'... */
  readonly name: string;
  /** Places that share one credential (the interaction token) stop working together. */
  readonly credential?: string | undefined;
  /** Only the first message can go here (an edit of the reply or of the placeholder). */
  readonly firstOnly?: boolean | undefined;
  /** Tried only once no other place took even the words (a DM). */
  readonly lastResort?: boolean | undefined;
  /** Whether messages here are in a thread (for refining; the cache may not know a new thread yet). */
  inThread(): boolean;
  /** Whether the place can be tried at all right now (an interaction token past its lifetime cannot). */
  usable?(): boolean | Promise<boolean>;
  post(message: Outgoing): Promise<Message>;
}

/** Thrown by a place that turns out not to exist (a channel the bot cannot see): try the next one. */
export class PlaceUnavailable extends Error {
  override readonly name = 'PlaceUnavailable';
}

/** Why images could not go where words can: the words-only message says it to the member. */
export type UploadProblem = 'attachFiles' | 'uploadFailed' | 'tooLarge' | 'refused';

/** What one failure means for the places left to try. */
type Verdict =
  | { readonly kind: 'credential' }
  | { readonly kind: 'place' }
  /** This place takes no files (a missing Attach Files), words may still go here. */
  | { readonly kind: 'images-here'; readonly problem: UploadProblem }
  /** The upload itself fails (Discord's 5xx, a network error): another channel would fail it too. */
  | { readonly kind: 'images-anywhere'; readonly problem: UploadProblem };

/** Discord's answers that say the interaction token is dead: every place using it is. */
const DEAD_CREDENTIAL_CODES: ReadonlySet<unknown> = new Set([
  RESTJSONErrorCodes.InvalidWebhookToken,
  RESTJSONErrorCodes.UnknownWebhook,
  RESTJSONErrorCodes.UnknownInteraction,
]);

export function classifyDeliveryError(err: unknown, withImages: boolean): Verdict {
  if (err instanceof PlaceUnavailable) return { kind: 'place' };
  if (err instanceof DiscordAPIError) {
    if (DEAD_CREDENTIAL_CODES.has(err.code) || err.status === 401) return { kind: 'credential' };
    if (!withImages) return { kind: 'place' };
    if (err.code === RESTJSONErrorCodes.MissingPermissions)
      return { kind: 'images-here', problem: 'attachFiles' };
    if (err.code === RESTJSONErrorCodes.RequestEntityTooLarge || err.status === 413)
      return { kind: 'images-anywhere', problem: 'tooLarge' };
    if (err.status >= 500) return { kind: 'images-anywhere', problem: 'uploadFailed' };
    // Unknown message, archived thread, missing access, unknown channel: this place is gone.
    if (
      err.code === RESTJSONErrorCodes.UnknownMessage ||
      err.code === RESTJSONErrorCodes.InvalidActionOnArchivedThread ||
      err.code === RESTJSONErrorCodes.MissingAccess ||
      err.code === RESTJSONErrorCodes.UnknownChannel ||
      err.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser
    )
      return { kind: 'place' };
    return { kind: 'images-here', problem: 'refused' };
  }
  // HTTPError (5xx after discord.js's own retries), timeouts and network errors: the request
  // carrying the files did not get through.
  return withImages ? { kind: 'images-anywhere', problem: 'uploadFailed' } : { kind: 'place' };
}

type PlaceState = 'open' | 'words-only' | 'closed';

export interface Posted {
  readonly message: Message;
  readonly place: Place;
  /** False when only the words got through. */
  readonly withImages: boolean;
}

/**
 * The places a result can go, in order, and what has been learnt about each. One chain serves all
 * the messages of a result, so a message that fails halfway through goes on from the next place
 * and the messages after it start there too: nothing is sent twice.
 */
export class FallbackChain {
  private readonly states = new Map<Place, PlaceState>();
  private problem: UploadProblem | undefined;
  /** Every failure, for the log line of a lost job. */
  readonly failures: { place: string; error: string }[] = [];

  constructor(
    private readonly places: readonly Place[],
    private readonly log: Logger,
    /** Told the name of the place of every message posted. */
    private readonly onPosted?: (place: string) => void,
  ) {}

  /**
   * Posts one message at the first place that takes it: images and all; else words alone where
   * images cannot go (`wordsInstead` says why); else, as a last resort, the same in a DM.
   * Undefined when nothing reached the member.
   */
  async post(
    message: Outgoing,
    wordsInstead: (problem: UploadProblem) => Outgoing,
  ): Promise<Posted | undefined> {
    const here = this.places.filter((p) => message.first || !p.firstOnly);
    const usual = here.filter((p) => !p.lastResort);
    const lastResort = here.filter((p) => p.lastResort);
    const withImages = message.images.length > 0;
    const words = () => wordsInstead(this.problem ?? 'refused');
    return (
      (await this.tryEach(usual, message)) ??
      (withImages ? await this.tryEach(usual, words()) : undefined) ??
      (await this.tryEach(lastResort, message)) ??
      (withImages ? await this.tryEach(lastResort, words()) : undefined)
    );
  }

  private async tryEach(places: readonly Place[], message: Outgoing): Promise<Posted | undefined> {
    const withImages = message.images.length > 0;
    for (const place of places) {
      const state = this.states.get(place) ?? 'open';
      if (state === 'closed' || (withImages && state === 'words-only')) continue;
      if (place.usable && !(await place.usable())) {
        this.states.set(place, 'closed');
        continue;
      }
      try {
        const posted = { message: await place.post(message), place, withImages };
        this.onPosted?.(place.name);
        return posted;
      } catch (err) {
        this.failed(place, err, withImages);
      }
    }
    return undefined;
  }

  private failed(place: Place, err: unknown, withImages: boolean): void {
    const verdict = classifyDeliveryError(err, withImages);
    this.failures.push({ place: place.name, error: err instanceof Error ? err.message : String(err) });
    this.log.warn(
      { err, place: place.name, verdict: verdict.kind },
      'could not deliver there; trying the next way',
    );
    switch (verdict.kind) {
      case 'credential':
        for (const p of this.places) {
          if (p === place || (p.credential !== undefined && p.credential === place.credential))
            this.states.set(p, 'closed');
        }
        return;
      case 'place':
        this.states.set(place, 'closed');
        return;
      case 'images-here':
        this.problem ??= verdict.problem;
        this.states.set(place, 'words-only');
        return;
      case 'images-anywhere':
        this.problem = verdict.problem;
        for (const p of this.places) {
          if (!p.lastResort && (this.states.get(p) ?? 'open') === 'open') this.states.set(p, 'words-only');
        }
        return;
    }
  }
}

/** Where a message landed, as the store keeps it. */
export function located(posted: Posted): DeliveredMessage {
  return {
    messageId: posted.message.id,
    channelId: posted.message.channelId,
    threadId: posted.place.inThread() ? posted.message.channelId : null,
  };
}

/** A result laid out as messages: the words with the first group of images, then the other groups. */
export interface Layout {
  readonly content: string;
  readonly components: readonly MessageRow[];
  readonly groups: readonly (readonly DeliverableImage[])[];
  readonly altText: string;
  /** The words that replace the first message when its images cannot be posted anywhere. */
  notPosted(problem: UploadProblem): string;
  /** The words that stand for the later groups when they cannot be posted. */
  restNotPosted(count: number, problem: UploadProblem): string;
}

/** Why a result reached no one; the target has logged the lost job already. */
export class DeliveryLost extends Error {
  override readonly name = 'DeliveryLost';
}

/**
 * Sends a result's messages in order down one chain. Reports the first message holding images as
 * soon as it exists; once only words get through, the rest are summed up in that message instead
 * of being tried again. Resolves to the images' first message, or undefined when only words went;
 * rejects with DeliveryLost when not even the first message's words reached the member.
 */
export async function sendLayout(
  chain: FallbackChain,
  layout: Layout,
  log: Logger,
  onVisible?: OnVisible,
): Promise<DeliveredMessage | undefined> {
  const groups = layout.groups.length > 0 ? layout.groups : [[]];
  let first: DeliveredMessage | undefined;
  for (const [i, images] of groups.entries()) {
    const isFirst = i === 0;
    const remaining = groups.slice(i).reduce((n, g) => n + g.length, 0);
    const posted = await chain.post(
      isFirst
        ? {
            content: layout.content,
            images,
            first: true,
            components: layout.components,
            altText: layout.altText,
            piece: { kind: 'first' },
          }
        : { images, first: false, altText: layout.altText, piece: { kind: 'group' } },
      (problem) => ({
        content: isFirst ? layout.notPosted(problem) : layout.restNotPosted(remaining, problem),
        images: [],
        first: isFirst,
        altText: layout.altText,
        ...(isFirst ? { components: layout.components } : {}),
        piece: isFirst
          ? { kind: 'notPosted', problem }
          : { kind: 'restNotPosted', count: remaining, problem },
      }),
    );
    if (!posted) {
      if (isFirst) throw new DeliveryLost('no way to reach the member');
      // The member has the first pictures and was told nothing more is wrong; say so here.
      log.warn(
        { notPosted: remaining, failures: chain.failures },
        'later pictures could not be posted anywhere',
      );
      return first;
    }
    if (isFirst && posted.withImages) {
      first = located(posted);
      onVisible?.(first);
    }
    if (!posted.withImages) break;
  }
  return first;
}
