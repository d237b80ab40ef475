import { escapeMarkdown } from 'discord.js';
import type { JobResult, JobStatus } from '../core/job.js';
import { spokenLanguages, voiceFor, type Voice } from '../text/catalogue.js';
import { shorten } from '../text/length.js';
import { groundingNote, MAX_LINK_ROWS } from './grounding-links.js';
import { oneLine } from './prompt.js';
import type { UploadProblem } from './fallback.js';

export const MESSAGE_LIMIT = 2000;

/**
 * Makes user or model text inert inside a message: no markdown that could break the layout, no
 * mention or link syntax that could ping or mislead (allowedMentions already stops pings; this also
 * stops "@everyone" from looking like one).
 */
export function inertText(text: string): string {
  // Masked links and headings too: `[Free Nitro](https://…)` must not become a link under the bot's name.
  return escapeMarkdown(text.replace(/\r/g, ''), { maskedLink: true, heading: true })
    .replace(/@(everyone|here)/gi, '@\u200b$1')
    .replace(/<(@[!&]?|#)(\d+)>/g, '<$1\u200b$2>')
    .replace(/<\/?(\w+):(\d+)>/g, '<\u200b$1:$2>');
}

/** The prompt as echoed back: one line, inert, short. */
export function echoPrompt(prompt: string, max = 300): string {
  return inertText(shorten(oneLine(prompt), max));
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** Joins lines and keeps the whole within Discord's limit, cutting the longest (last) part first. */
function fit(head: string, body: string, tail = ''): string {
  const room = MESSAGE_LIMIT - head.length - tail.length - 2;
  const middle = body ? `\n${room > 20 ? shorten(body, room) : ''}` : '';
  const whole = `${head}${middle}${tail ? `\n${tail}` : ''}`;
  return whole.length <= MESSAGE_LIMIT ? whole : shorten(whole, MESSAGE_LIMIT);
}

export function renderProgress(voice: Voice, status: JobStatus, prompt: string): string {
  const echo = echoPrompt(prompt, 200);
  if (status.state === 'queued') {
    return status.position <= 1
      ? voice.t('progress.next', { prompt: echo })
      : voice.t('progress.waiting', { prompt: echo, position: status.position });
  }
  const line =
    status.attempt > 1
      ? voice.t('progress.retrying', { prompt: echo, attempt: status.attempt })
      : voice.t('progress.generating', { prompt: echo });
  return status.draft ? `${line}\n${voice.t('progress.draft', { number: status.draft.number })}` : line;
}

const PROMPT_SLOT = '\u0001';
const MEMBER_SLOT = '\u0002';

/**
 * The prompt a result message was made from, read back from its first line (renderResult's
 * 'result.images' line, in any language the bot speaks), or undefined when the message has no
 * such line. Echoed prompts are shortened and made inert, so this is the prompt as far as the
 * message still holds it.
 */
export function promptOfResult(content: string): string | undefined {
  const first = content.split('\n')[0] ?? '';
  for (const language of spokenLanguages()) {
    const template = voiceFor(language).t('result.images', { prompt: PROMPT_SLOT, member: MEMBER_SLOT });
    const pattern = template
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(PROMPT_SLOT, '(.+?)')
      .replace(MEMBER_SLOT, '<@!?\\d+>');
    const match = new RegExp(`^${pattern}`).exec(first);
    // Undo inertText: markdown escapes and the zero-width spaces that break mentions.
    if (match?.[1]) return match[1].replace(/\\([^\w\s])/g, '$1').replace(/\u200b/g, '');
  }
  return undefined;
}

/** The words of a finished job; files travel beside them, and grounding links in `linkRows` rows. */
export function renderResult(
  voice: Voice,
  result: JobResult,
  prompt: string,
  userId: string,
  linkRows = MAX_LINK_ROWS,
): string {
  const echo = echoPrompt(prompt);
  switch (result.kind) {
    case 'images': {
      const notes = [...result.images.flatMap((i) => (i.note ? [i.note] : [])), ...(result.notes ?? [])]
        .map((note) => `-# ${voice.say(note)}`)
        .concat(groundingNote(voice, result, linkRows))
        .filter(Boolean)
        .join('\n');
      const words = result.text ? quote(inertText(result.text)) : '';
      return fit(voice.t('result.images', { prompt: echo, member: `<@${userId}>` }), words, notes);
    }
    case 'text':
      return fit(
        voice.t('result.text', { prompt: echo }),
        quote(inertText(result.text)),
        [voice.t('result.textHint'), groundingNote(voice, result, linkRows)].filter(Boolean).join('\n'),
      );
    case 'refused':
      return fit(
        voice.t('result.refused', { prompt: echo, explanation: result.explanation }),
        result.detail ? voice.t('result.geminiSaid', { detail: quote(inertText(result.detail)) }) : '',
      );
    case 'failed':
      return fit(
        voice.t('result.failed', { message: result.message }),
        '',
        voice.t('result.failedRequest', { prompt: echo }),
      );
  }
}

/** A picture's description for screen readers: the prompt, one line, within Discord's 1024 characters. */
export function altText(voice: Voice, prompt: string): string {
  return shorten(voice.t('result.altText', { prompt: shorten(oneLine(prompt), 900) }), 1024);
}

/** Why a picture could not be posted, in the member's words. */
function uploadProblem(voice: Voice, problem: UploadProblem): string {
  return voice.t(`delivery.problem.${problem}`);
}

/** The words that stand in for a result whose pictures could not be posted anywhere. */
export function renderNotPosted(
  voice: Voice,
  prompt: string,
  userId: string,
  problem: UploadProblem,
): string {
  return shorten(
    voice.t('delivery.notPosted', {
      prompt: echoPrompt(prompt),
      member: `<@${userId}>`,
      reason: uploadProblem(voice, problem),
    }),
    MESSAGE_LIMIT,
  );
}

/** The words that stand in for the later pictures of a result when they could not be posted. */
export function renderRestNotPosted(voice: Voice, count: number, problem: UploadProblem): string {
  return voice.t('delivery.restNotPosted', { count, reason: uploadProblem(voice, problem) });
}

/** A result's first message sent by DM says where it should have been, within Discord's limit. */
export function withDmIntro(voice: Voice, content: string | undefined, channelId: string): string {
  const intro = voice.t('delivery.dm', { channel: channelId });
  return content ? shorten(`${intro}\n${content}`, MESSAGE_LIMIT) : intro;
}
