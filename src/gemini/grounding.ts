import type { Grounding } from '../core/generation.js';

/** Bounds on what one answer may hand on: a Discord message shows a handful of links at most. */
export const MAX_QUERIES = 10;
export const MAX_SOURCES = 20;
const MAX_QUERY_CHARS = 300;
const MAX_TITLE_CHARS = 200;
const MAX_URI_CHARS = 2000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** Only absolute http(s) links: a source is shown to members as a link, so nothing else may pass. */
function safeUri(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URI_CHARS) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function cleanText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Control characters would break a message line; the rest is escaped where it is rendered.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const text = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return text ? text.slice(0, max) : undefined;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((q) => cleanText(q, MAX_QUERY_CHARS) ?? []);
}

/**
 * Reads a candidate's groundingMetadata (trusted for nothing): the web and image search queries,
 * and for each grounding chunk its page, a web chunk's `uri` or an image chunk's containing page
 * (`sourceUri`, which Google's rules require linking to). Bounded, deduplicated, http(s) only.
 */
export function readGrounding(value: unknown): Grounding | undefined {
  if (!isObject(value)) return undefined;
  const queries = [
    ...new Set([...strings(own(value, 'webSearchQueries')), ...strings(own(value, 'imageSearchQueries'))]),
  ].slice(0, MAX_QUERIES);
  const chunks = own(value, 'groundingChunks');
  const sources: { uri: string; title?: string }[] = [];
  const seen = new Set<string>();
  for (const chunk of Array.isArray(chunks) ? chunks : []) {
    if (sources.length >= MAX_SOURCES) break;
    if (!isObject(chunk)) continue;
    const web = own(chunk, 'web');
    const image = own(chunk, 'image');
    const page = isObject(web) ? web : isObject(image) ? image : undefined;
    if (!page) continue;
    const uri = safeUri(own(page, page === web ? 'uri' : 'sourceUri'));
    if (!uri || seen.has(uri)) continue;
    seen.add(uri);
    const title = cleanText(own(page, 'title'), MAX_TITLE_CHARS);
    sources.push(title ? { uri, title } : { uri });
  }
  if (queries.length === 0 && sources.length === 0) return undefined;
  return { queries, sources };
}
