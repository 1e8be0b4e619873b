# svcplane's image: `docker build -t svcplane:0.1.0 .` (not built on the development machines,
# which have no container engine; see docs/operations.md).
#
# Stage 1 installs the production dependencies only. tsx is one of them: svcplane runs its
# TypeScript sources directly (cmd/svcplane.mjs registers tsx), so there is no compile step.
# Stage 2 is distroless Node.js 20, which runs as the non-root user 65532 and has no shell or
# package manager.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps --chown=65532:65532 /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY api-types ./api-types
COPY allocators ./allocators
COPY apiserver ./apiserver
COPY controllers ./controllers
COPY status ./status
COPY cmd ./cmd
USER 65532:65532
EXPOSE 10257 10258
# Arguments (the Deployment's `args`) follow the script: `node cmd/svcplane.mjs run --leader-elect …`.
ENTRYPOINT ["/nodejs/bin/node", "cmd/svcplane.mjs"]
CMD ["run"]
