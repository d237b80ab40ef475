import { h } from './render.js';

// The message box: plain messages and replies, and slash commands typed as in Discord
// (`/imagine prompt: a fox aspect_ratio: 16:9`), with suggestions for the commands, options and choices the
// bot registered, and files by picker or drag and drop for attachment options and plain messages.

const OPTION = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  Number: 10,
  Attachment: 11,
};
const TYPE_NAMES = {
  3: 'text',
  4: 'whole number',
  5: 'true or false',
  6: 'user',
  7: 'channel',
  8: 'role',
  10: 'number',
  11: 'file',
};

/** Reads a command line against the registered commands: which command, its options so far, and what is being typed. */
export function parseCommandLine(line, commands) {
  const match = /^\/(\S*)(\s?)([\s\S]*)$/.exec(line);
  if (!match) return null;
  const [, name, space, rest] = match;
  const command = commands.find((c) => c.name === name && (c.type ?? 1) === 1);
  if (!command || !space) return { stage: 'command', typed: name, command: null };
  let options = command.options ?? [];
  const path = [command.name];
  let text = rest;
  // Subcommands (and groups) are words after the name, before any option.
  for (;;) {
    const sub = options.find((o) => o.type === OPTION.Subcommand || o.type === OPTION.SubcommandGroup);
    if (!sub) break;
    const word = /^(\S*)(\s?)([\s\S]*)$/.exec(text);
    const chosen = options.find(
      (o) => o.name === word[1] && (o.type === OPTION.Subcommand || o.type === OPTION.SubcommandGroup),
    );
    if (!chosen || !word[2]) return { stage: 'subcommand', typed: word[1], command, path, choices: options };
    path.push(chosen.name);
    options = chosen.options ?? [];
    text = word[3];
  }
  const names = options.map((o) => o.name).sort((a, b) => b.length - a.length);
  const marker = names.length ? new RegExp(`(^|\\s)(${names.map(escapeRegExp).join('|')}):\\s?`, 'g') : null;
  const values = {};
  const found = marker ? [...text.matchAll(marker)] : [];
  found.forEach((m, i) => {
    const start = m.index + m[0].length;
    const end = i + 1 < found.length ? found[i + 1].index : text.length;
    values[m[2]] = text.slice(start, end);
  });
  const lastOption = found.length ? found[found.length - 1][2] : null;
  const beforeFirst = found.length ? text.slice(0, found[0].index) : text;
  // A word typed after a finished value (or with no option yet) may be the start of an option name.
  const tail = /(^|\s)([a-z0-9_-]*)$/.exec(lastOption ? values[lastOption] : beforeFirst);
  return { stage: 'options', command, path, options, values, lastOption, partialName: tail ? tail[2] : '' };
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The suggestions for where the member is typing, as [{ label, detail, insert|pick }]. */
export function suggestionsFor(parsed, files) {
  if (!parsed) return [];
  if (parsed.stage === 'command') return [];
  if (parsed.stage === 'subcommand') {
    return parsed.choices
      .filter((o) => o.name.startsWith(parsed.typed))
      .map((o) => ({
        label: o.name,
        detail: o.description,
        complete: (line) => replaceTail(line, parsed.typed, `${o.name} `),
      }));
  }
  const { options, values, lastOption, partialName } = parsed;
  const current = lastOption ? options.find((o) => o.name === lastOption) : null;
  const typedValue = lastOption ? values[lastOption].trim() : '';
  const list = [];
  if (
    current?.choices?.length &&
    !current.choices.some((c) => String(c.value) === typedValue || c.name === typedValue)
  ) {
    for (const choice of current.choices) {
      if (
        !choice.name.toLowerCase().includes(typedValue.toLowerCase()) &&
        !String(choice.value).startsWith(typedValue)
      )
        continue;
      list.push({
        label: choice.name,
        detail: `${current.name}`,
        complete: (line) => `${line.slice(0, line.length - values[lastOption].length)}${choice.value} `,
      });
    }
    if (list.length > 0) return list;
  }
  if (current?.type === OPTION.Boolean && !['true', 'false'].includes(typedValue)) {
    return ['true', 'false'].map((v) => ({
      label: v,
      detail: current.name,
      complete: (line) => `${line.slice(0, line.length - values[lastOption].length)}${v} `,
    }));
  }
  // Option names not given yet; while a free-text value is being typed only when a name is started.
  const typingFreeText =
    current &&
    current.type !== OPTION.Attachment &&
    !current.choices &&
    typedValue !== '' &&
    partialName === typedValue;
  if (typingFreeText && partialName.length < 2) return [];
  for (const o of options) {
    if (o.name in values || (o.type === OPTION.Attachment && files[o.name])) continue;
    if (!o.name.startsWith(partialName)) continue;
    list.push({
      label: `${o.name}${o.required ? '' : ' (optional)'}`,
      detail: `${TYPE_NAMES[o.type] ?? 'value'} · ${o.description ?? ''}`,
      option: o,
      complete: (line) => replaceTail(line, partialName, `${o.name}: `),
    });
  }
  return list;
}

function replaceTail(line, typed, replacement) {
  return `${line.slice(0, line.length - typed.length)}${replacement}`;
}

/** The interaction options from a parsed line, typed as the command declares them; throws a readable problem. */
export function commandOptions(parsed, files) {
  const result = {};
  for (const o of parsed.options) {
    if (o.type === OPTION.Attachment) {
      if (files[o.name]) result[o.name] = files[o.name];
      else if (o.required) throw new Error(`${o.name} needs a file: pick one with + or drop it here`);
      continue;
    }
    const raw = parsed.values[o.name]?.trim();
    if (raw === undefined || raw === '') {
      if (o.required) throw new Error(`${o.name} is required`);
      continue;
    }
    const choice = o.choices?.find((c) => c.name === raw || String(c.value) === raw);
    if (o.choices && !choice)
      throw new Error(`${o.name} must be one of ${o.choices.map((c) => c.name).join(', ')}`);
    if (choice) result[o.name] = choice.value;
    else if (o.type === OPTION.Integer || o.type === OPTION.Number) {
      const n = Number(raw);
      if (!Number.isFinite(n) || (o.type === OPTION.Integer && !Number.isInteger(n)))
        throw new Error(`${o.name} must be a ${TYPE_NAMES[o.type]}`);
      result[o.name] = n;
    } else if (o.type === OPTION.Boolean) {
      if (raw !== 'true' && raw !== 'false') throw new Error(`${o.name} must be true or false`);
      result[o.name] = raw === 'true';
    } else result[o.name] = raw;
  }
  return result;
}

export async function readFile(file) {
  const buffer = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < buffer.length; i += 0x8000)
    binary += String.fromCharCode(...buffer.subarray(i, i + 0x8000));
  return { name: file.name, type: file.type || undefined, data: btoa(binary) };
}

/**
 * One message box, for the channel or a thread. `app` gives the commands, the member, the posting
 * functions and a way to show a problem.
 */
export class Composer {
  constructor(slot, app, channelId, label) {
    this.app = app;
    this.channelId = channelId;
    this.reply = null;
    this.files = [];
    this.commandFiles = {};
    this.active = 0;
    this.items = [];
    this.pendingOption = null;
    this.picker = h('input', {
      type: 'file',
      accept: 'image/*',
      multiple: true,
      hidden: true,
      'aria-label': 'Upload a file',
      onchange: () => this.takeFiles([...this.picker.files]),
    });
    this.input = h('textarea', {
      rows: 1,
      'aria-label': label,
      placeholder: `Message ${label.replace(/^Message /, '')} — type / for commands`,
      oninput: () => this.refresh(),
      onkeydown: (e) => this.onKey(e),
      // Later, so a click on a suggestion lands first; and not if the focus came back meanwhile
      // (a re-render or a closed dialog gives it back), or the list would vanish under the typing.
      onblur: () =>
        setTimeout(() => {
          if (document.activeElement !== this.input) this.hideSuggestions();
        }, 150),
      onfocus: () => this.refresh(),
    });
    this.replyBar = h('div', { class: 'composer-bar', hidden: true });
    this.chips = h('div', { class: 'chips', hidden: true });
    this.error = h('div', { class: 'composer-error', role: 'alert' });
    this.list = h('ul', { class: 'suggestions', role: 'listbox', hidden: true, 'aria-label': 'Suggestions' });
    this.box = h(
      'div',
      { class: 'composer' },
      this.replyBar,
      this.chips,
      h(
        'div',
        { class: 'composer-row' },
        h(
          'button',
          {
            class: 'upload',
            type: 'button',
            title: 'Upload a file',
            'aria-label': 'Upload a file',
            onclick: () => this.pick(null),
          },
          '+',
        ),
        this.input,
      ),
    );
    slot.replaceChildren(this.list, this.box, this.error, this.picker);
    for (const target of [slot]) {
      target.addEventListener('dragover', (e) => {
        e.preventDefault();
        this.box.classList.add('dragging');
      });
      target.addEventListener('dragleave', () => this.box.classList.remove('dragging'));
      target.addEventListener('drop', (e) => {
        e.preventDefault();
        this.box.classList.remove('dragging');
        this.takeFiles([...(e.dataTransfer?.files ?? [])]);
      });
    }
  }

  parsed() {
    return parseCommandLine(this.input.value, this.app.commands());
  }

  refresh() {
    this.error.textContent = '';
    this.input.style.height = 'auto';
    this.input.style.height = `${this.input.scrollHeight}px`;
    const line = this.input.value;
    const parsed = this.parsed();
    if (line.startsWith('/') && parsed?.stage === 'command') {
      this.items = this.app
        .commands()
        .filter((c) => (c.type ?? 1) === 1 && c.name.startsWith(parsed.typed))
        .map((c) => ({ label: `/${c.name}`, detail: c.description, complete: () => `/${c.name} ` }));
    } else {
      this.items = suggestionsFor(parsed, this.commandFiles);
    }
    this.active = 0;
    this.renderChips(parsed);
    this.renderSuggestions();
  }

  renderSuggestions() {
    if (this.items.length === 0 || document.activeElement !== this.input) return this.hideSuggestions();
    this.list.hidden = false;
    this.list.replaceChildren(
      ...this.items.map((item, i) =>
        h(
          'li',
          {
            role: 'option',
            'aria-selected': i === this.active ? 'true' : 'false',
            onmousedown: (e) => (e.preventDefault(), this.choose(i)),
          },
          h('span', { class: 'name' }, item.label),
          h('span', { class: 'desc' }, item.detail ?? ''),
        ),
      ),
    );
  }

  hideSuggestions() {
    this.list.hidden = true;
  }

  choose(i) {
    const item = this.items[i];
    if (!item) return;
    this.input.value = item.complete(this.input.value);
    this.input.focus();
    if (item.option?.type === OPTION.Attachment) this.pick(item.option.name);
    this.refresh();
  }

  onKey(e) {
    const open = !this.list.hidden && this.items.length > 0;
    if (open && e.key === 'ArrowDown') this.active = (this.active + 1) % this.items.length;
    else if (open && e.key === 'ArrowUp')
      this.active = (this.active - 1 + this.items.length) % this.items.length;
    else if (open && (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey && this.wantsSuggestion())))
      this.choose(this.active);
    else if (e.key === 'Enter' && !e.shiftKey) void this.send();
    else if (e.key === 'Escape') {
      if (open) this.hideSuggestions();
      else this.setReply(null);
      return;
    } else return;
    e.preventDefault();
    if (open) this.renderSuggestions();
  }

  /** Enter picks a suggestion, except an option name offered while a free-text value is typed: it sends. */
  wantsSuggestion() {
    const parsed = this.parsed();
    if (!parsed || parsed.stage !== 'options' || !parsed.lastOption) return true;
    const typed = parsed.values[parsed.lastOption].trim();
    return this.items[this.active]?.option === undefined || typed === '';
  }

  /** Opens the file picker, for one attachment option or (null) the next free one / a plain message. */
  pick(optionName) {
    this.pendingOption = optionName;
    this.picker.value = '';
    this.picker.click();
  }

  async takeFiles(list) {
    const parsed = this.parsed();
    for (const file of list) {
      const data = await readFile(file);
      if (parsed?.stage === 'options') {
        const free = parsed.options.filter((o) => o.type === OPTION.Attachment && !this.commandFiles[o.name]);
        const target =
          this.pendingOption && parsed.options.some((o) => o.name === this.pendingOption)
            ? this.pendingOption
            : free[0]?.name;
        this.pendingOption = null;
        if (!target) {
          this.error.textContent = `/${parsed.command.name} takes no more files`;
          continue;
        }
        this.commandFiles[target] = data;
        if (!(target in parsed.values))
          this.input.value = `${this.input.value.replace(/\s*$/, ' ')}${target}: ${file.name} `;
      } else {
        this.files.push(data);
      }
    }
    this.input.focus();
    this.refresh();
  }

  renderChips(parsed) {
    const chips = [];
    if (parsed?.stage === 'options') {
      for (const o of parsed.options) {
        const file = this.commandFiles[o.name];
        if (o.type === OPTION.Attachment && file) {
          chips.push(
            h(
              'span',
              { class: 'chip', dataset: { option: o.name } },
              `${o.name}: ${file.name}`,
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Remove ${o.name}`,
                  onclick: () => (delete this.commandFiles[o.name], this.refresh()),
                },
                '×',
              ),
            ),
          );
        } else if (o.required && !(o.name in parsed.values) && !file) {
          chips.push(h('span', { class: 'chip missing' }, `${o.name} (required)`));
        }
      }
    } else {
      this.files.forEach((f, i) =>
        chips.push(
          h(
            'span',
            { class: 'chip' },
            `📎 ${f.name}`,
            h(
              'button',
              {
                type: 'button',
                'aria-label': `Remove ${f.name}`,
                onclick: () => (this.files.splice(i, 1), this.refresh()),
              },
              '×',
            ),
          ),
        ),
      );
    }
    this.chips.hidden = chips.length === 0;
    this.chips.replaceChildren(...chips);
  }

  setReply(message) {
    this.reply = message;
    this.replyBar.hidden = !message;
    if (message) {
      this.replyBar.replaceChildren(
        h('span', {}, 'Replying to ', h('strong', {}, message.author.global_name || message.author.username)),
        h(
          'button',
          { type: 'button', 'aria-label': 'Cancel reply', onclick: () => this.setReply(null) },
          '×',
        ),
      );
      this.input.focus();
    }
  }

  async send() {
    const line = this.input.value;
    const parsed = this.parsed();
    try {
      if (line.startsWith('/')) {
        if (!parsed || parsed.stage !== 'options')
          throw new Error(`no command /${line.slice(1).split(/\s/)[0]}: type / to see them`);
        const options = commandOptions(parsed, this.commandFiles);
        this.input.value = '';
        this.commandFiles = {};
        this.refresh();
        await this.app.runCommand({ name: parsed.path.join(' '), options, channelId: this.channelId });
      } else {
        if (line.trim() === '' && this.files.length === 0) return;
        const body = { content: line, channelId: this.channelId, files: this.files, replyTo: this.reply?.id };
        this.input.value = '';
        this.files = [];
        this.setReply(null);
        this.refresh();
        await this.app.postMessage(body);
      }
    } catch (err) {
      this.error.textContent = err instanceof Error ? err.message : String(err);
    }
  }
}
