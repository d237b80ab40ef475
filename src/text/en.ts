/**
 * Every sentence a member can read, in English: the catalogue other languages translate. Keys are
 * grouped by where the words appear; `{{name}}` is a parameter, and a `{ one, other }` pair is a
 * plural chosen by `count`. Prompts and model text are never in here: they are the member's own.
 */
export const en = {
  failure: {
    generic: 'Something went wrong on my side while making your picture. Please try again.',
    rateLimited: 'Gemini is over its usage quota right now. Please try again in a few minutes.',
    unavailable:
      'Gemini is overloaded or unavailable right now, even after several tries. Please try again in a minute.',
    timeout: 'Gemini took too long to answer. Please try again; a simpler request may be quicker.',
    network: 'I could not reach Gemini just now. Please try again shortly.',
    misconfigured:
      'I am misconfigured: Gemini rejected my API key or model name. Please tell the server’s admins; nothing is wrong with your request.',
    tooLarge: 'Your images are too large for Gemini together. Try fewer or smaller images.',
    badRequest: 'Gemini could not process this request. Try different wording or different images.',
    answerTooLarge: 'Gemini’s answer was too large for me to take. Try a smaller size or a simpler request.',
    damagedOutput: 'Gemini sent back a damaged picture that cannot be opened. Please try again.',
  },
  queue: {
    restarting: 'I am restarting right now. Please try again in a minute.',
    notStartedRestart:
      'I had to restart before your job started, so nothing was made and nothing counted against your limits. Please try again in a minute.',
    interruptedRestart:
      'I had to restart while making your picture, so it was not finished. Please try again in a minute.',
    full: 'I am very busy right now: the queue is full. Please try again shortly.',
    lostInRestart:
      'I restarted before your picture was finished, and it had waited too long to be started again, so nothing was made and nothing counted against your limits. Please try again.',
    failedTwice:
      'I restarted twice while making your picture, so I stopped trying; nothing counted against your limits. Please try again.',
    maybePosted:
      'I restarted while posting your picture. If you do not see it here, please try again; it did not count against your limits.',
    sharedStoreDown: 'My shared limits store is not answering right now. Please try again in a minute.',
    usageNotCounted:
      'I cannot keep count of pictures right now, so I did not start this one. Please try again in a minute.',
  },
  limits: {
    daily: {
      one: 'You have used your {{count}} picture for today. You can make more {{when}}.',
      other: 'You have used your {{count}} pictures for today. You can make more {{when}}.',
    },
    perMinute: {
      one: 'You are going a bit fast: {{count}} picture a minute at most. Try again {{when}}.',
      other: 'You are going a bit fast: {{count}} pictures a minute at most. Try again {{when}}.',
    },
  },
  refusal: {
    output: {
      SAFETY:
        'Gemini stopped because the result could break its safety rules. Try describing the scene differently.',
      IMAGE_SAFETY:
        'Gemini made an image but withheld it because it could break its safety rules. Try a tamer description.',
      PROHIBITED_CONTENT:
        'Gemini will not make this: the request touches content its usage policy prohibits.',
      IMAGE_PROHIBITED_CONTENT:
        'Gemini withheld the image because it would show content its usage policy prohibits.',
      RECITATION:
        'Gemini stopped because the result would copy existing material too closely. Ask for something more original.',
      IMAGE_RECITATION:
        'Gemini withheld the image because it resembled existing protected work too closely. Try making it more original.',
      BLOCKLIST: 'Gemini refused because the request contains blocked terms. Rephrase it without them.',
      SPII: 'Gemini refused because the result could reveal sensitive personal information.',
      NO_IMAGE:
        'Gemini could not produce an image for this request. Try being more specific about what to draw.',
      IMAGE_OTHER: 'Gemini could not produce an image this time. Try rephrasing the request.',
      OTHER: 'Gemini stopped without an image for an unspecified reason. Try rephrasing the request.',
      MAX_TOKENS: 'Gemini ran out of room before finishing the image. Try a shorter or simpler request.',
      MALFORMED_FUNCTION_CALL: 'Gemini produced an unusable answer. Please try again.',
      LANGUAGE: 'Gemini does not support the language of this request yet. Try writing it in English.',
      unknown: 'Gemini finished without an image. Try rephrasing the request.',
    },
    prompt: {
      SAFETY: 'Gemini blocked the request itself for safety reasons. Try describing it differently.',
      OTHER: 'Gemini blocked the request for an unspecified reason. Try rephrasing it.',
      BLOCKLIST: 'Gemini blocked the request because it contains blocked terms. Rephrase it without them.',
      PROHIBITED_CONTENT:
        'Gemini blocked the request because it asks for content its usage policy prohibits.',
      IMAGE_SAFETY: 'Gemini blocked the request because an attached image was flagged by its safety filters.',
      MODEL_ARMOR: 'Gemini’s protection layer blocked the request. Try rephrasing it.',
      JAILBREAK: 'Gemini blocked the request because it looked like an attempt to get around its rules.',
      unknown: 'Gemini blocked the request. Try rephrasing it.',
    },
  },
  input: {
    formats: 'PNG, JPEG, WebP, HEIC, GIF, AVIF, TIFF or BMP',
    theFile: 'the file',
    empty: '{{name}} is empty (0 bytes).',
    text: '{{name}} is a text file, not an image. Send a {{formats}} image.',
    unknown: '{{name}} is not an image I can read ({{formats}}).',
    svg: '{{name}} is an SVG drawing; SVGs are not supported (they can carry scripts). Export it as PNG.',
    pdf: '{{name}} is a PDF, not an image. Export the page as PNG or JPEG.',
    otherType: '{{name}} is in {{type}} format, not an image I can use ({{formats}}).',
    damaged: '{{name}} looks damaged or truncated; I could not read it.',
    huge: '{{name}} is {{width}}x{{height}} pixels, far larger than any photo; please send a smaller image.',
    bmpUnsupported: '{{name}} is a BMP I cannot read ({{what}}); save it as PNG.',
    declaredNotImage: '{{name}} is not an image (Discord says {{type}}).',
    tooLarge: '{{name}} is {{size}}; the most I accept is {{max}}.',
    tooLargeStream: '{{name}} is larger than {{max}}, the most I accept.',
    notAllowedHost: 'I can only use images uploaded to Discord; {{name}} comes from somewhere else.',
    redirectedAway: 'I could not download {{name}}: its link points somewhere other than Discord.',
    tooManyRedirects: 'I could not download {{name}} (too many redirects).',
    httpStatus: 'I could not download {{name}} (the server answered {{status}}). Try uploading it again.',
    tooSlow: 'Downloading {{name}} took too long. Try uploading it again.',
    downloadFailed: 'I could not download {{name}}. Try uploading it again.',
  },
  fit: {
    note: 'The original ({{original}}) was over Discord’s {{limit}} upload limit, so this is {{what}} ({{size}}).',
    lossless: 'a losslessly recompressed copy',
    jpeg: 'a high-quality JPEG copy',
    webp: 'a high-quality WebP copy',
    scaledDown: 'a {{type}} scaled down to {{width}}x{{height}}',
    altText: 'Generated with Gemini',
  },
  progress: {
    next: '⏳ Next in line: **{{prompt}}**',
    waiting: '⏳ Waiting in line (position {{position}}): **{{prompt}}**',
    generating: '🎨 Generating **{{prompt}}**…',
    retrying: '🎨 Still working on **{{prompt}}** (Gemini was busy; try {{attempt}})…',
    draft:
      '-# ✏️ Draft {{number}}, not the finished picture: Gemini is still drawing, and the final picture will replace it.',
    draftAltText: 'A rough draft while Gemini is still drawing, not the finished picture',
  },
  result: {
    images: '🎨 **{{prompt}}** — for {{member}}',
    text: '💬 Gemini answered in words instead of a picture for **{{prompt}}**:',
    textHint: '-# Try rephrasing the request as a description of the picture you want.',
    refused: '🚫 No picture for **{{prompt}}**. {{explanation}}',
    geminiSaid: 'Gemini said: {{detail}}',
    failed: '⚠️ {{message}}',
    failedRequest: '-# Request: **{{prompt}}**',
    damagedLeftOut: {
      one: '{{count}} more picture from Gemini was damaged and is left out.',
      other: '{{count}} more pictures from Gemini were damaged and are left out.',
    },
    omitted: {
      one: 'Gemini sent {{count}} picture more than I post at once; it is left out.',
      other: 'Gemini sent {{count}} pictures more than I post at once; they are left out.',
    },
  },
  delivery: {
    notPosted:
      '⚠️ {{member}}, your picture for **{{prompt}}** is made, but I could not post it. {{reason}} It does not count against your pictures for today.',
    restNotPosted: {
      one: '⚠️ I could not post {{count}} more picture. {{reason}}',
      other: '⚠️ I could not post {{count}} more pictures. {{reason}}',
    },
    dm: 'I could not post this in <#{{channel}}>, so here it is.',
    problem: {
      attachFiles:
        'I am not allowed to upload files there: I need the **Attach Files** permission. Please ask a server admin.',
      uploadFailed: 'Discord did not accept the upload. Please try again in a minute.',
      tooLarge: 'The file was too large for Discord.',
      refused: 'Discord refused the upload.',
    },
  },
  grounding: {
    note: 'Gemini looked this up on Google Search: its searches (🔎) and sources are the buttons below.',
    moreQueries: {
      one: 'and {{count}} more search not shown',
      other: 'and {{count}} more searches not shown',
    },
    moreSources: {
      one: 'and {{count}} more source not shown',
      other: 'and {{count}} more sources not shown',
    },
  },
  problem: '⚠️ {{message}}',
  access: {
    noDms: 'I only work in servers, not in direct messages.',
    guildNotEnabled: 'Sorry, I am not enabled for this server.',
    needAttachFiles:
      'I need the **Attach Files** permission in this channel to post pictures. Please ask a server admin.',
    unknownCommand: 'I do not know that command any more; it may be from an older version of me.',
  },
  prompt: {
    empty: 'Please describe what you want: the prompt is empty.',
    tooLong: 'That prompt is too long: {{max}} characters at most.',
  },
  refine: {
    unreadable:
      'I can’t read replies that don’t ping me. Reply again with the mention on (the @ toggle in the reply bar), or mention me in your message.',
    tooManyImages: {
      one: '⚠️ I can take at most {{count}} extra image with a refine (the picture itself is one more).',
      other: '⚠️ I can take at most {{count}} extra images with a refine (the picture itself is one more).',
    },
    cannotSee: 'I can no longer see the picture you replied to.',
    pictureGone: 'The picture you replied to is gone, so I cannot refine it.',
    threadName: 'Refinements',
  },
  help: {
    text: [
      '**Making pictures with Gemini**',
      '• `/imagine prompt:` describe the scene: subject, setting, style, lighting, camera. Full sentences work better than keyword lists. Pick an `aspect_ratio` for wide or tall pictures.',
      '• `/edit prompt: image:` change an image (“make the sky stormy”, “remove the person on the left”) or combine up to three (“put the dress from image 1 on the model in image 2”).',
      '• **Refine**: reply to one of my pictures with what to change (“make the lighting warmer”). I continue in a thread; every message there refines the latest picture, so you can keep going step by step.',
      '',
      '**Tips**: say what to keep as well as what to change (“keep her face and pose the same”); describe the mood and the materials; for text in the picture, put the exact words in quotes.',
      'When Gemini refuses, I tell you why; rephrasing usually helps.',
    ].join('\n'),
  },
  commands: {
    imagine: {
      description: 'Make a picture from a description',
      prompt: 'What to draw: subject, setting, style, lighting…',
      aspectRatio: 'Shape of the picture (default: square, or whatever suits the prompt)',
    },
    edit: {
      description: {
        one: 'Edit an image with an instruction',
        other: 'Edit or combine up to {{count}} images with an instruction',
      },
      prompt: 'What to change, e.g. “put the dress from image 1 on the model in image 2”',
      image: 'Image {{number}}',
    },
    help: { description: 'How to make and refine pictures' },
    options: {
      model: 'Which Gemini model draws it',
      size: 'How big: 1K is standard, 2K and 4K take longer and cost more',
      quality: 'Fast, or more careful (slower)',
      qualityFast: 'fast',
      qualityBest: 'best',
      search: 'Let Gemini look things up on Google first (weather, news, facts)',
    },
  },
  options: {
    modelGone: 'The model “{{name}}” is not offered any more. Pick another one from the list.',
    onlySize: '{{model}} only makes {{size}} pictures.',
    sizes: '{{model}} makes {{sizes}} pictures, not {{size}}.',
    ratio: '{{model}} does not make {{ratio}} pictures; it takes {{ratios}}.',
    references: '{{model}} takes at most {{max}} images in one request, not {{count}}.',
    search: '{{model}} cannot search Google while drawing; pick another model or leave search off.',
    alwaysThinks: '{{model}} always thinks before drawing; it takes no thinking level.',
    noThinking: '{{model}} has no thinking level to set.',
    or: '{{items}} or {{last}}',
  },
} as const;
