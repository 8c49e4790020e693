# netwatch in a container, watching the host it runs on:
#
#   npm ci && npm run build && docker build -t netwatch .
#   docker run --rm -it --pid=host --net=host -v /var/run/docker.sock:/var/run/docker.sock:ro netwatch
#
# The image holds the bundle that `npm run build` made (dist/bundle: netwatch with its libraries,
# no node_modules). BASE is any image with `node` (20 or later) and `sh` on its PATH.
ARG BASE=node:22-bookworm-slim
FROM ${BASE}
WORKDIR /opt/netwatch
COPY package.json LICENSE ./
COPY bin ./bin
COPY dist/bundle ./dist/bundle
ENTRYPOINT ["/opt/netwatch/bin/netwatch.js"]
