import { parseArgs } from 'node:util';

export const DEFAULTS = {
  discordPort: 8790,
  geminiPort: 8791,
  token: 'emulator-bot-token-0123456789abcdefghijklmnop',
  key: 'emulator-gemini-key-0123456789',
};

// `custom` needs a function, which a JSON line cannot carry.
export const JSON_BEHAVIOURS = [
  'image',
  'text',
  'blockedOutput',
  'blockedPrompt',
  'noCandidates',
  'error',
  'hang',
];

export const USAGE = `Usage: npm run emulators -- [options]

Starts the Discord emulator (REST, gateway and CDN on one port) and the Gemini emulator on 127.0.0.1,
prints the .env lines that point the bot at them, and reads console commands until Ctrl-C.

Options:
  --discord-port <n>   Discord emulator port (default ${DEFAULTS.discordPort})
  --gemini-port <n>    Gemini emulator port (default ${DEFAULTS.geminiPort})
  --token <token>      bot token the Discord emulator accepts, 30+ characters
                       (default ${DEFAULTS.token})
  --key <key>          API key the Gemini emulator accepts, 10+ characters
                       (default ${DEFAULTS.key})
  --help               print this text and exit

Console commands (you are the user alice, in #general):
  imagine <prompt> [--ar 16:9]             run /imagine
  edit <prompt> <file1> [file2] [file3]    run /edit with local image files
  reply <messageId> <text> [--file <path>] reply to a message, pinging the bot
  say <channelOrThreadId> <text> [--file <path>]
                                           post a message that mentions the bot
  gemini <behaviour-json>                  queue Gemini's next answer (a JSON array queues several),
                                           e.g. gemini {"kind":"blockedOutput","finishReason":"IMAGE_SAFETY"}
                                           kinds: ${JSON_BEHAVIOURS.join(', ')}
  gemini default <behaviour-json>          answer so whenever the queue is empty ({"kind":"image"} restores)
  show [n]                                 list the last n messages (default 15)
  save <messageId> [dir]                   write that message's attachments to dir (default ./emulator-out)
  violations                               OpenAPI violations in the bot's requests to Discord
  help                                     list these commands
  quit                                     stop both emulators and exit

The bot's messages and edits, new threads and Gemini's answers are printed as they happen.`;

export interface Options {
  discordPort: number;
  geminiPort: number;
  token: string;
  key: string;
}

export function readOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'discord-port': { type: 'string' },
      'gemini-port': { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const port = (raw: string | undefined, fallback: number, flag: string) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`${flag} must be a port number`);
    return n;
  };
  const token = values.token ?? DEFAULTS.token;
  const key = values.key ?? DEFAULTS.key;
  // The bot refuses shorter secrets at start-up; better to say so here.
  if (token.length < 30 || /\s/.test(token)) throw new Error('--token must be 30+ characters, no spaces');
  if (key.length < 10 || /\s/.test(key)) throw new Error('--key must be 10+ characters, no spaces');
  return {
    discordPort: port(values['discord-port'], DEFAULTS.discordPort, '--discord-port'),
    geminiPort: port(values['gemini-port'], DEFAULTS.geminiPort, '--gemini-port'),
    token,
    key,
  };
}
