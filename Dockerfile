# plan's image: the tool and its runtime libraries on Debian bookworm-slim.
#
#   docker build -t plan .
#   docker run --rm -e DATABASE_URL -v "$PWD:/work" -w /work plan run release.plan.yaml
#
# In a service's own Dockerfile (any Debian bookworm based image, e.g. node:20-slim), take only
# the binary and install the libraries it needs next to it (Swift's runtime is inside plan):
#
#   FROM plan AS plan
#   FROM node:20-slim
#   RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libyaml-0-2 libssl3 \
#    && rm -rf /var/lib/apt/lists/*
#   COPY --from=plan /usr/bin/plan /usr/bin/plan
#
# The build stage is the Swift project's official image on Debian 12, with the toolchain plan
# is developed with (6.3); SWIFT_IMAGE overrides it. Building on bookworm is what sets the glibc
# floor (2.36), so the binary also runs on bookworm based images and anything newer.
# scripts/test-package runs the runtime stage's steps in a fresh bookworm root file system.

ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-dev libpq-dev libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN scripts/lib/release-build \
 && install -D -m 755 "$(scripts/lib/release-build --show-bin-path)/plan" /out/usr/bin/plan \
 && strip --strip-debug /out/usr/bin/plan

FROM debian:bookworm-slim AS runtime
# The libraries plan links (the .deb's Depends, less libc6 and libgcc-s1, which every Debian
# image has); scripts/test-package fails if this line and the .deb's Depends part.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libyaml-0-2 libssl3 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/usr/bin/plan /usr/bin/plan
COPY plans /usr/share/plan/plans
ENTRYPOINT ["plan"]
