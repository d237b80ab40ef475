import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithURL,
} from 'discord.js';
import type { Grounding } from '../core/generation.js';
import type { JobResult } from '../core/job.js';
import type { Voice } from '../text/catalogue.js';

/**
 * Google Search grounding, shown the way Discord allows. Google's rules ask for the Search
 * Suggestions as provided, each one tap away from Google's results page, and for sources (for
 * image search, the page that holds the image) that visibly are links. Discord cannot render the
 * HTML chip Google returns; its link buttons are the nearest thing: a labelled chip, one tap, no
 * markdown to escape, nothing that can ping, and no link previews. So: one row of "🔎 query"
 * buttons to google.com/search, then rows of source buttons, and the rest counted in the text.
 */

/** Discord allows five rows; one stays free for the result's own buttons. */
export const MAX_LINK_ROWS = 4;
/** At most two rows of searches, so sources always keep a row. */
const MAX_QUERY_ROWS = 2;
const BUTTONS_PER_ROW = 5;
/** Discord's limits on a button: label 80 characters, url 512. */
const LABEL_MAX = 80;
const URL_MAX = 512;
const SEARCH_URL = 'https://www.google.com/search?q=';

type LinkRow = APIActionRowComponent<APIButtonComponentWithURL>;

export interface GroundingLinks {
  readonly rows: readonly LinkRow[];
  readonly queriesShown: number;
  readonly sourcesShown: number;
  /** Valid searches and sources that did not fit: the text says "and N more". */
  readonly queriesHidden: number;
  readonly sourcesHidden: number;
}

const NONE: GroundingLinks = {
  rows: [],
  queriesShown: 0,
  sourcesShown: 0,
  queriesHidden: 0,
  sourcesHidden: 0,
};

/** Text from outside, as a button label: one line, no control or direction-changing characters, ≤ 80. */
export function linkLabel(value: string, prefix = ''): string {
  const clean = value
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(`${prefix}${clean}`);
  return chars.length <= LABEL_MAX ? chars.join('') : `${chars.slice(0, LABEL_MAX - 1).join('')}…`;
}

/** An https link Discord will take on a button, or undefined: no other scheme, no credentials, ≤ 512. */
export function safeLink(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' || url.username || url.password || !url.hostname) return undefined;
    return url.href.length <= URL_MAX ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Google's results page for a query; a very long query is shortened until its link fits. */
export function searchLink(query: string): string {
  let chars = Array.from(query);
  let url = SEARCH_URL + encodeURIComponent(chars.join(''));
  while (url.length > URL_MAX && chars.length > 1) {
    chars = chars.slice(0, Math.floor(chars.length * 0.9));
    url = SEARCH_URL + encodeURIComponent(chars.join(''));
  }
  return url;
}

const button = (label: string, url: string): APIButtonComponentWithURL => ({
  type: ComponentType.Button,
  style: ButtonStyle.Link,
  label,
  url,
});

function rowsOf(buttons: readonly APIButtonComponentWithURL[]): LinkRow[] {
  const rows: LinkRow[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + BUTTONS_PER_ROW) });
  }
  return rows;
}

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^www\./, '');
}

/**
 * The link buttons for a grounded answer, within Discord's limits and `maxRows` (fewer when the
 * result's own buttons need more than one row), and how many did not fit.
 */
export function groundingLinks(grounding: Grounding | undefined, maxRows = MAX_LINK_ROWS): GroundingLinks {
  if (!grounding) return NONE;
  const queries = [...new Set(grounding.queries.map((q) => q.trim()).filter(Boolean))].map((q) =>
    button(linkLabel(q, '🔎 '), searchLink(q)),
  );
  const seen = new Set<string>();
  const sources: APIButtonComponentWithURL[] = [];
  for (const source of grounding.sources) {
    const url = safeLink(source.uri);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const label = linkLabel(source.title ?? '') || linkLabel(hostOf(url));
    sources.push(button(label, url));
  }
  const rows = Math.min(maxRows, MAX_LINK_ROWS);
  // Searches take at most two rows and leave sources at least one.
  const queryRows = Math.min(MAX_QUERY_ROWS, rows - 1, Math.ceil(queries.length / BUTTONS_PER_ROW));
  const shownQueries = queries.slice(0, queryRows * BUTTONS_PER_ROW);
  const shownSources = sources.slice(0, (rows - queryRows) * BUTTONS_PER_ROW);
  return {
    rows: [...rowsOf(shownQueries), ...rowsOf(shownSources)],
    queriesShown: shownQueries.length,
    sourcesShown: shownSources.length,
    queriesHidden: queries.length - shownQueries.length,
    sourcesHidden: sources.length - shownSources.length,
  };
}

const groundingOf = (result: JobResult): Grounding | undefined =>
  result.kind === 'images' || result.kind === 'text' ? result.grounding : undefined;

/** The grounding links a result's message carries, in at most `maxRows` rows, or none. */
export function resultComponents(result: JobResult, maxRows = MAX_LINK_ROWS): LinkRow[] {
  return [...groundingLinks(groundingOf(result), maxRows).rows];
}

/** The small lines under a grounded result: that Google Search was used, and what did not fit. */
export function groundingNote(voice: Voice, result: JobResult, maxRows = MAX_LINK_ROWS): string {
  const links = groundingLinks(groundingOf(result), maxRows);
  if (links.rows.length === 0) return '';
  const lines = [`-# ${voice.t('grounding.note')}`];
  if (links.queriesHidden > 0)
    lines.push(`-# ${voice.t('grounding.moreQueries', { count: links.queriesHidden })}`);
  if (links.sourcesHidden > 0)
    lines.push(`-# ${voice.t('grounding.moreSources', { count: links.sourcesHidden })}`);
  return lines.join('\n');
}
