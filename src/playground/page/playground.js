import { Composer } from './composer.js';
import { displayName, h, messageOf } from './render.js';

// The page: a channel view fed by the server's event stream, a thread pane, a member switcher, the
// lightbox and the modal. Everything the members do goes to the playground's small JSON API.

const state = {
  placeholders: false,
  bot: null,
  members: [],
  commands: [],
  messages: new Map(),
  threads: new Map(),
  channelId: null,
};
const ui = {
  me: null,
  /** The Discord client language every interaction of this page carries (`interaction.locale`). */
  locale: localStorage.getItem('playground-locale') || 'en-US',
  openThread: null,
  rows: new Map(),
  /** Per message list: was it scrolled to the bottom (so new messages should keep it there)? */
  pinned: new Map(),
};
const $ = (id) => document.getElementById(id);

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: ui.me, locale: ui.locale, ...body }),
  });
  const answer = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(answer.error ?? `${res.status}`);
  return answer;
}

/** What every answer to an interaction may carry: a modal to show, or the bot's silence. */
function followInteraction(answer, where) {
  if (answer.modal) openModal(answer.interactionId, answer.modal);
  if (answer.problem) where.textContent = answer.problem;
}

const app = {
  commands: () => state.commands,
  async runCommand(body) {
    const answer = await post('/api/commands', body);
    followInteraction(answer, composerFor(body.channelId).error);
  },
  postMessage: (body) => post('/api/messages', body),
};

const ctx = {
  get placeholders() {
    return state.placeholders;
  },
  nameOf(id) {
    if (id === state.bot?.id) return state.bot.username;
    const member = state.members.find((m) => m.id === id);
    return member ? displayName(member) : id;
  },
  messageById: (id) => state.messages.get(id),
  threadById: (id) => state.threads.get(id),
  messageCommands: () => state.commands.filter((c) => c.type === 3),
  openPicture,
  openThread,
  /** A picture that arrives after its message grows the list: keep a list that was at the bottom there. */
  pictureLoaded(img) {
    const list = img.closest('.messages');
    if (list && ui.pinned.get(list) !== false) list.scrollTop = list.scrollHeight;
  },
  scrollTo(id) {
    ui.rows.get(id)?.scrollIntoView({ block: 'center' });
  },
  replyTo(message) {
    composerFor(message.channel_id).setReply(message);
  },
  async pressComponent(message, customId, values, element) {
    const composer = composerFor(message.channel_id);
    if (element) element.disabled = true;
    try {
      followInteraction(
        await post('/api/components', { messageId: message.id, customId, values }),
        composer.error,
      );
    } catch (err) {
      composer.error.textContent = err.message;
    } finally {
      if (element) element.disabled = false;
    }
  },
  openApps(message, row) {
    row.querySelector('.apps-menu')?.remove();
    const menu = h(
      'div',
      { class: 'apps-menu', role: 'menu' },
      ctx.messageCommands().map((c) =>
        h(
          'button',
          {
            type: 'button',
            role: 'menuitem',
            onclick: async () => {
              menu.remove();
              const composer = composerFor(message.channel_id);
              try {
                const answer = await post('/api/commands', {
                  name: c.name,
                  targetId: message.id,
                  channelId: message.channel_id,
                });
                followInteraction(answer, composer.error);
              } catch (err) {
                composer.error.textContent = err.message;
              }
            },
          },
          c.name,
        ),
      ),
    );
    row.append(menu);
    setTimeout(() => document.addEventListener('click', () => menu.remove(), { once: true }), 0);
  },
};

let channelComposer;
let threadComposer;
function composerFor(channelId) {
  return channelId === state.channelId || !threadComposer ? channelComposer : threadComposer;
}

function visible(message) {
  return !message.deleted && (message.visible_to === null || message.visible_to === ui.me);
}

function listFor(channelId) {
  if (channelId === state.channelId) return $('messages');
  if (channelId === ui.openThread) return $('thread-messages');
  return null;
}

/** Puts one message in its place (or takes it out), keeping the view pinned to the bottom if it was. */
function drawMessage(message) {
  const old = ui.rows.get(message.id);
  const list = listFor(message.channel_id);
  if (!list || !visible(message)) {
    old?.remove();
    ui.rows.delete(message.id);
    return;
  }
  const pinned = ui.pinned.get(list) !== false;
  const row = messageOf(message, ctx);
  if (old?.isConnected) old.replaceWith(row);
  else {
    const next = [...list.children].find((el) => BigInt(el.dataset.messageId) > BigInt(message.id));
    list.insertBefore(row, next ?? null);
  }
  ui.rows.set(message.id, row);
  if (pinned) list.scrollTop = list.scrollHeight;
}

function redrawAll() {
  $('messages').replaceChildren();
  $('thread-messages').replaceChildren();
  ui.rows.clear();
  for (const message of state.messages.values()) drawMessage(message);
}

function drawThreads() {
  $('thread-links').replaceChildren(
    ...[...state.threads.values()]
      .filter((t) => t.parent_id === state.channelId)
      .map((t) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              class: `channel${ui.openThread === t.id ? ' active' : ''}`,
              type: 'button',
              title: t.name,
              onclick: () => openThread(t.id),
            },
            `└ ${t.name}`,
          ),
        ),
      ),
  );
  const open = state.threads.get(ui.openThread);
  if (open)
    $('thread-title').textContent = `${open.name}${open.locked ? ' 🔒' : open.archived ? ' (archived)' : ''}`;
}

function openThread(id) {
  ui.openThread = id;
  $('thread-view').hidden = false;
  threadComposer = new Composer($('thread-composer'), app, id, `Message the thread`);
  drawThreads();
  redrawAll();
}

function closeThread() {
  ui.openThread = null;
  threadComposer = undefined;
  $('thread-view').hidden = true;
  drawThreads();
  redrawAll();
}

function openPicture(url, placeholder) {
  $('lightbox-image').src = url;
  $('lightbox-open').href = url;
  $('lightbox-label').hidden = !placeholder;
  $('lightbox').hidden = false;
}

/** A modal the bot opened: text inputs (in action rows or labels) and selects, submitted as Discord would. */
function openModal(interactionId, modal) {
  const dialog = $('modal');
  $('modal-title').textContent = modal.title;
  $('modal-error').textContent = '';
  const inputs = [];
  const field = (c, label, description) => {
    if (c.type === 4) {
      const props = {
        id: `modal-${c.custom_id}`,
        name: c.custom_id,
        placeholder: c.placeholder,
        required: c.required !== false,
        minlength: c.min_length,
        maxlength: c.max_length,
      };
      const input =
        c.style === 2
          ? h('textarea', { ...props, rows: 4 }, c.value ?? '')
          : h('input', { ...props, value: c.value ?? '' });
      inputs.push(input);
      return h(
        'div',
        {},
        h('label', { for: props.id }, label ?? c.label ?? c.custom_id),
        description ? h('p', { class: 'field-description' }, description) : null,
        input,
      );
    }
    if (c.type === 3) {
      const select = h(
        'select',
        { id: `modal-${c.custom_id}`, name: c.custom_id, required: c.required !== false },
        c.options.map((o) => h('option', { value: o.value, selected: o.default }, o.label)),
      );
      inputs.push(select);
      return h('div', {}, h('label', { for: select.id }, label ?? c.placeholder ?? c.custom_id), select);
    }
    if (c.type === 10) return h('p', {}, c.content ?? '');
    return null;
  };
  $('modal-fields').replaceChildren(
    ...modal.components.map((row) => {
      if (row.type === 1)
        return h(
          'div',
          {},
          (row.components ?? []).map((c) => field(c)),
        );
      if (row.type === 18) return field(row.component ?? {}, row.label, row.description);
      return field(row);
    }),
  );
  $('modal-form').onsubmit = async (e) => {
    e.preventDefault();
    const values = Object.fromEntries(inputs.map((i) => [i.name, i.value]));
    try {
      const answer = await post('/api/modals', { interactionId, values });
      dialog.close();
      followInteraction(answer, channelComposer.error);
    } catch (err) {
      $('modal-error').textContent = err.message;
    }
  };
  dialog.showModal();
}

function setMember(id) {
  ui.me = id;
  localStorage.setItem('playground-member', id);
  redrawAll();
}

function applySnapshot(snapshot) {
  state.placeholders = snapshot.placeholders;
  state.bot = snapshot.bot;
  state.channelId = snapshot.channel.id;
  state.members = snapshot.members;
  state.commands = snapshot.commands;
  state.messages = new Map(snapshot.messages.map((m) => [m.id, m]));
  state.threads = new Map(snapshot.threads.map((t) => [t.id, t]));
  $('offline-note').hidden = !state.placeholders;
  const select = $('member');
  if (select.options.length === 0) {
    const saved = localStorage.getItem('playground-member');
    ui.me = state.members.some((m) => m.id === saved) ? saved : state.members[0]?.id;
    select.replaceChildren(
      ...state.members.map((m) => h('option', { value: m.id, selected: m.id === ui.me }, displayName(m))),
    );
  }
  channelComposer ??= new Composer($('channel-composer'), app, state.channelId, 'Message #general');
  drawThreads();
  redrawAll();
}

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => ($('status').textContent = ''));
  events.addEventListener('error', () => ($('status').textContent = 'reconnecting…'));
  events.addEventListener('snapshot', (e) => applySnapshot(JSON.parse(e.data)));
  events.addEventListener('message', (e) => {
    const message = JSON.parse(e.data);
    state.messages.set(message.id, message);
    drawMessage(message);
    // A reply shows a line of the message it answers: redraw replies when that message changes.
    for (const other of state.messages.values()) {
      if (other.message_reference?.message_id === message.id) drawMessage(other);
    }
  });
  events.addEventListener('thread', (e) => {
    const thread = JSON.parse(e.data);
    state.threads.set(thread.id, thread);
    drawThreads();
    for (const m of state.messages.values()) if (m.thread?.id === thread.id) drawMessage(m);
  });
  events.addEventListener('commands', (e) => {
    state.commands = JSON.parse(e.data);
  });
}

for (const list of [$('messages'), $('thread-messages')]) {
  list.addEventListener('scroll', () =>
    ui.pinned.set(list, list.scrollHeight - list.scrollTop - list.clientHeight < 80),
  );
}
$('member').addEventListener('change', (e) => setMember(e.target.value));
$('locale').value = ui.locale;
$('locale').addEventListener('change', (e) => {
  ui.locale = e.target.value;
  localStorage.setItem('playground-locale', ui.locale);
});
$('thread-close').addEventListener('click', closeThread);
$('channel-link').addEventListener('click', () => ui.openThread && closeThread());
$('lightbox-close').addEventListener('click', () => ($('lightbox').hidden = true));
$('lightbox').addEventListener('click', (e) => {
  if (e.target === $('lightbox') || e.target.classList.contains('lightbox-body')) $('lightbox').hidden = true;
});
$('modal-cancel').addEventListener('click', () => $('modal').close());
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') $('lightbox').hidden = true;
});
connect();
