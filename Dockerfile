FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# glibc malloc keeps a swelling arena per busy thread (libvips uses several); two is sharp's advice.
ENV NODE_ENV=production DATA_DIR=/data MALLOC_ARENA_MAX=2
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Not root: the bot needs nothing but its volume. The folder is made before VOLUME so a new named
# volume starts owned by this user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
# node directly, not npm: npm does not pass SIGTERM on, and the bot drains its queue on SIGTERM.
CMD ["node", "dist/src/index.js"]
