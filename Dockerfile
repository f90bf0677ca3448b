# Candor's container image: the static binary and nothing else (no shell, no package manager).
# Git is not needed: Candor reads repositories with its own built-in git library.
#
#   docker run --rm -v "$PWD:/repo" ghcr.io/candor-project/candor:0.1.0 check
#   docker run --rm -v "$PWD:/repo" ghcr.io/candor-project/candor:0.1.0 build --out site
#
# The release workflow builds it from the release's static Linux binaries, unpacked to
# $BINARIES/amd64/candor and $BINARIES/arm64/candor. To build it from the source instead:
#   docker build --target from-source --tag candor .
# The `ci` target adds a shell (busybox) for CI systems whose jobs run scripts in the image
# (GitLab CI); the default target has none.

ARG BINARIES=image

FROM rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev make perl
WORKDIR /src
COPY . .
RUN RUSTFLAGS='--cfg getrandom_backend="linux_getrandom"' cargo build --release --locked && cp target/release/candor /candor

FROM scratch AS from-source
COPY --from=build /candor /usr/local/bin/candor
WORKDIR /repo
ENTRYPOINT ["/usr/local/bin/candor"]

FROM busybox:1.37-musl AS ci
ARG TARGETARCH
ARG BINARIES
COPY ${BINARIES}/${TARGETARCH}/candor /usr/local/bin/candor
WORKDIR /repo

FROM scratch
ARG TARGETARCH
ARG BINARIES
COPY ${BINARIES}/${TARGETARCH}/candor /usr/local/bin/candor
WORKDIR /repo
ENTRYPOINT ["/usr/local/bin/candor"]
