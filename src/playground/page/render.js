// Draws messages from Discord's message JSON: content, attachments, embeds and components of any kind
// the bot may send (action rows, buttons, selects, and the layout components), without knowing the bot.

const LOADING = 1 << 7;
const COLOURS = ['#5865f2', '#eb459e', '#3ba55d', '#faa61a', '#ed4245', '#9b59b6'];
const IMAGE_NAME = /\.(png|jpe?g|webp|gif)$/i;

/** `h('div', { class: 'x', onclick }, child, 'text')`: a small element builder. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function displayName(user) {
  return user.global_name || user.username;
}

function avatar(user) {
  const colour = user.bot ? COLOURS[0] : COLOURS[Number(BigInt(user.id) % 5n) + 1];
  return h(
    'div',
    { class: 'avatar', style: `background:${colour}`, 'aria-hidden': 'true' },
    (user.username[0] ?? '?').toUpperCase(),
  );
}

/** Discord's markdown, the parts the bot uses: quotes, mentions, timestamps, bold, italics, code, links. */
export function renderMarkdown(text, ctx) {
  const out = document.createDocumentFragment();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const quote = /^> (.*)$/.exec(line);
    const subtext = /^-# (.*)$/.exec(line);
    if (quote) out.append(h('blockquote', {}, renderInline(quote[1], ctx)));
    else if (subtext) out.append(h('small', { class: 'subtext' }, renderInline(subtext[1], ctx)), '\n');
    else
      out.append(
        renderInline(line, ctx),
        i < lines.length - 1 && !/^> /.test(lines[i + 1] ?? '') ? '\n' : '',
      );
  });
  return out;
}

function renderInline(text, ctx) {
  const out = document.createDocumentFragment();
  const pattern =
    /<@!?(\d+)>|<t:(\d+)(?::([a-zA-Z]))?>|\*\*(.+?)\*\*|__(.+?)__|\*(.+?)\*|_(.+?)_|`([^`]+)`|\[([^\]]+)\]\((https?:[^)\s]+)\)|(https?:\/\/[^\s<]+)/gs;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    out.append(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1]) out.append(h('span', { class: 'mention' }, `@${ctx.nameOf(m[1])}`));
    else if (m[2])
      out.append(
        h(
          'time',
          { datetime: new Date(Number(m[2]) * 1000).toISOString() },
          formatTimestamp(Number(m[2]), m[3]),
        ),
      );
    else if (m[4] ?? m[5]) out.append(h('strong', {}, renderInline(m[4] ?? m[5], ctx)));
    else if (m[6] ?? m[7]) out.append(h('em', {}, renderInline(m[6] ?? m[7], ctx)));
    else if (m[8]) out.append(h('code', {}, m[8]));
    else if (m[9]) out.append(h('a', { href: m[10], target: '_blank', rel: 'noopener' }, m[9]));
    else if (m[11]) out.append(h('a', { href: m[11], target: '_blank', rel: 'noopener' }, m[11]));
  }
  out.append(text.slice(last));
  return out;
}

function formatTimestamp(seconds, style) {
  const date = new Date(seconds * 1000);
  if (style === 'R') {
    const diff = Math.round((date.getTime() - Date.now()) / 1000);
    const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    if (Math.abs(diff) < 60) return rtf.format(diff, 'second');
    if (Math.abs(diff) < 3600) return rtf.format(Math.round(diff / 60), 'minute');
    return rtf.format(Math.round(diff / 3600), 'hour');
  }
  return style === 'T' || style === 't' ? date.toLocaleTimeString() : date.toLocaleString();
}

/** One picture: a thumbnail that opens at full size, labelled when it is an offline placeholder. */
function picture(url, name, ctx, fromBot) {
  const placeholder = ctx.placeholders && fromBot;
  return h(
    'figure',
    { class: 'attachment', dataset: { placeholder: placeholder ? 'yes' : 'no' } },
    h('img', {
      src: url,
      alt: name,
      onclick: () => ctx.openPicture(url, placeholder),
      onload: (e) => ctx.pictureLoaded(e.currentTarget),
    }),
    placeholder
      ? h('figcaption', { class: 'placeholder-label' }, 'Offline placeholder, not a Gemini picture')
      : null,
  );
}

function attachmentsOf(message, ctx) {
  if (message.attachments.length === 0) return null;
  return h(
    'div',
    { class: 'attachments' },
    message.attachments.map((a) =>
      (a.content_type ?? '').startsWith('image/') || IMAGE_NAME.test(a.filename)
        ? picture(a.url, a.filename, ctx, message.author.bot)
        : h('a', { class: 'file', href: a.url, download: a.filename }, `📄 ${a.filename}`),
    ),
  );
}

/** `attachment://name` points into the message's own attachments. */
function mediaUrl(url, message) {
  if (typeof url !== 'string') return null;
  if (!url.startsWith('attachment://')) return url;
  return message.attachments.find((a) => a.filename === url.slice('attachment://'.length))?.url ?? null;
}

function embedOf(embed, message, ctx) {
  const colour =
    typeof embed.color === 'number' ? `#${embed.color.toString(16).padStart(6, '0')}` : undefined;
  const image = mediaUrl(embed.image?.url, message);
  return h(
    'div',
    { class: 'embed', style: colour ? `border-left-color:${colour}` : undefined },
    embed.author?.name ? h('div', { class: 'embed-author' }, embed.author.name) : null,
    embed.title
      ? h(
          'div',
          { class: 'embed-title' },
          embed.url ? h('a', { href: embed.url, target: '_blank' }, embed.title) : embed.title,
        )
      : null,
    embed.description ? h('div', { class: 'content' }, renderMarkdown(embed.description, ctx)) : null,
    (embed.fields ?? []).map((f) => [
      h('div', { class: 'embed-field-name' }, f.name),
      h('div', { class: 'content' }, renderMarkdown(f.value, ctx)),
    ]),
    image ? picture(image, 'embed image', ctx, message.author.bot) : null,
    embed.footer?.text ? h('div', { class: 'embed-footer' }, embed.footer.text) : null,
  );
}

function button(c, message, ctx) {
  const label = [c.emoji?.name, c.label].filter(Boolean).join(' ') || '​';
  if (c.style === 5) {
    return h(
      'a',
      { class: 'btn s5', href: c.url, target: '_blank', rel: 'noopener noreferrer' },
      label,
      ' ↗',
    );
  }
  if (c.style === 6)
    return h('button', { class: 'btn s2', disabled: true, type: 'button' }, label || 'Premium');
  return h(
    'button',
    {
      class: `btn s${c.style ?? 2}`,
      type: 'button',
      disabled: c.disabled,
      dataset: { customId: c.custom_id },
      onclick: (e) => ctx.pressComponent(message, c.custom_id, undefined, e.currentTarget),
    },
    label,
  );
}

function stringSelect(c, message, ctx) {
  const multiple = (c.max_values ?? 1) > 1;
  const select = h(
    'select',
    {
      class: 'select',
      disabled: c.disabled,
      multiple,
      'aria-label': c.placeholder ?? 'Make a selection',
      dataset: { customId: c.custom_id },
    },
    multiple
      ? null
      : h(
          'option',
          { value: '', disabled: true, selected: !c.options.some((o) => o.default) },
          c.placeholder ?? 'Make a selection',
        ),
    c.options.map((o) =>
      h(
        'option',
        { value: o.value, selected: o.default, title: o.description },
        [o.emoji?.name, o.label].filter(Boolean).join(' '),
      ),
    ),
  );
  const send = () => {
    const values = [...select.selectedOptions].map((o) => o.value).filter(Boolean);
    if (values.length >= (c.min_values ?? 1)) ctx.pressComponent(message, c.custom_id, values, select);
  };
  if (!multiple) {
    select.addEventListener('change', send);
    return select;
  }
  return h(
    'div',
    { class: 'action-row' },
    select,
    h('button', { class: 'btn s2', type: 'button', onclick: send }, 'Choose'),
  );
}

/** Any component, recursively: unknown kinds are shown as such rather than dropped. */
export function componentOf(c, message, ctx) {
  switch (c.type) {
    case 1:
      return h(
        'div',
        { class: 'action-row' },
        (c.components ?? []).map((child) => componentOf(child, message, ctx)),
      );
    case 2:
      return button(c, message, ctx);
    case 3:
      return stringSelect(c, message, ctx);
    case 5:
    case 6:
    case 7:
    case 8:
      return h(
        'select',
        { class: 'select', disabled: true },
        h('option', {}, c.placeholder ?? 'Pick (not emulated)'),
      );
    case 9:
      return h(
        'div',
        { class: 'section' },
        h(
          'div',
          {},
          (c.components ?? []).map((child) => componentOf(child, message, ctx)),
        ),
        c.accessory ? componentOf(c.accessory, message, ctx) : null,
      );
    case 10:
      return h('div', { class: 'content' }, renderMarkdown(c.content ?? '', ctx));
    case 11:
      return h(
        'div',
        { class: 'thumbnail' },
        picture(mediaUrl(c.media?.url, message), c.description ?? 'thumbnail', ctx, message.author.bot),
      );
    case 12:
      return h(
        'div',
        { class: 'gallery' },
        (c.items ?? []).map((item) =>
          picture(mediaUrl(item.media?.url, message), item.description ?? 'picture', ctx, message.author.bot),
        ),
      );
    case 13: {
      const url = mediaUrl(c.file?.url, message);
      return h(
        'a',
        { class: 'file', href: url, download: true },
        `📄 ${url?.split('/').pop()?.split('?')[0] ?? 'file'}`,
      );
    }
    case 14:
      return h('hr', { class: 'separator' });
    case 17:
      return h(
        'div',
        {
          class: 'container',
          style:
            typeof c.accent_color === 'number'
              ? `border-left-color:#${c.accent_color.toString(16).padStart(6, '0')}`
              : undefined,
        },
        (c.components ?? []).map((child) => componentOf(child, message, ctx)),
      );
    default:
      return h('div', { class: 'system-line' }, `(component of type ${c.type})`);
  }
}

/**
 * The message a row answers: a reply's, or the one whose button or modal it answers (Discord shows a
 * component's answer as a reply to the message the component was on).
 */
function referenceOf(message, ctx) {
  const id = message.message_reference?.message_id ?? message.interaction?.message_id;
  return id ? ctx.messageById(id) : null;
}

/** The whole message row. */
export function messageOf(message, ctx) {
  const loading = (message.flags & LOADING) !== 0 && message.content === '';
  const reference = referenceOf(message, ctx);
  const body = h(
    'div',
    { class: 'body' },
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'author' }, displayName(message.author)),
      message.author.bot ? h('span', { class: 'bot-tag' }, 'APP') : null,
      h('span', { class: 'time' }, new Date(message.timestamp).toLocaleTimeString()),
    ),
    loading
      ? h('div', { class: 'thinking' }, `${displayName(message.author)} is thinking`)
      : message.content
        ? h(
            'div',
            { class: 'content' },
            renderMarkdown(message.content, ctx),
            message.edited_timestamp ? h('span', { class: 'edited' }, ' (edited)') : null,
          )
        : null,
    attachmentsOf(message, ctx),
    message.embeds.map((e) => embedOf(e, message, ctx)),
    message.components.length > 0
      ? h(
          'div',
          { class: 'components' },
          message.components.map((c) => componentOf(c, message, ctx)),
        )
      : null,
    message.thread
      ? h(
          'button',
          { class: 'thread-link', type: 'button', onclick: () => ctx.openThread(message.thread.id) },
          'Thread: ',
          h('span', {}, message.thread.name),
          ` · ${ctx.threadById(message.thread.id)?.message_count ?? 0} messages`,
        )
      : null,
    message.visible_to ? h('div', { class: 'ephemeral-note' }, '👁 Only you can see this') : null,
  );
  const actions = h(
    'div',
    { class: 'message-actions' },
    message.visible_to
      ? null
      : h('button', { type: 'button', onclick: () => ctx.replyTo(message), title: 'Reply' }, 'Reply'),
    ctx.messageCommands().length > 0 && !message.visible_to
      ? h(
          'button',
          {
            type: 'button',
            onclick: (e) => ctx.openApps(message, e.currentTarget.closest('.message')),
            title: 'Apps',
          },
          'Apps',
        )
      : null,
  );
  return h(
    'li',
    {
      class: `message${message.visible_to ? ' ephemeral' : ''}`,
      dataset: { messageId: message.id, author: message.author.username },
    },
    reference
      ? h(
          'div',
          { class: 'reply-line', onclick: () => ctx.scrollTo(reference.id) },
          `↱ @${displayName(reference.author)} `,
          reference.content.slice(0, 100) ||
            (reference.attachments.length > 0 ? 'Click to see attachment' : ''),
        )
      : message.interaction?.name
        ? h(
            'div',
            { class: 'used-line' },
            `${ctx.nameOf(message.interaction.user_id)} used /${message.interaction.name}`,
          )
        : null,
    avatar(message.author),
    body,
    actions,
  );
}
