#!/usr/bin/env bash
# Makes the base image every Dockerfile here builds FROM: $CONTENDER_RANK_BASE_IMAGE, by default
# contender-rank/debian:bookworm.
#   scripts/docker_base_image.sh             make it unless it exists (the cache: a no-op then)
#   scripts/docker_base_image.sh --rebuild   make it again
# Where a registry answers it is Debian's own debian:bookworm. Where none does it is built here the
# way Debian's image is made: a minbase root filesystem from Debian packages (mmdebstrap, installed
# when missing), imported with `docker import`. Either way the CA certificates this host adds to
# Debian's (/usr/local/share/ca-certificates/*.crt, e.g. a TLS-intercepting proxy's) are added, so
# that apt and pip inside image builds trust what the host trusts (CONTENDER_RANK_HOST_CAS=0: don't).
set -euo pipefail
# shellcheck source=scripts/docker_lib.sh
source "$(dirname "$0")/docker_lib.sh"

rebuild=0
case "${1:-}" in
    --rebuild) rebuild=1 ;;
    "") ;;
    *) die "usage: $0 [--rebuild]" ;;
esac

image="$CONTENDER_RANK_BASE_IMAGE"
upstream="${CONTENDER_RANK_DEBIAN_IMAGE:-debian:bookworm}"
mirror="${CONTENDER_RANK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${CONTENDER_RANK_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

require_engine "the base image $image"
if [ "$rebuild" = 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
    note "$image exists (cached; --rebuild makes it again)"
    exit 0
fi
started=$SECONDS

# 1. A plain Debian bookworm: pulled, or built from Debian packages.
if timeout 300 docker pull -q "$upstream" >/dev/null 2>"${TMPDIR:-/tmp}/contender-rank-pull.$$"; then
    rm -f "${TMPDIR:-/tmp}/contender-rank-pull.$$"
    plain="$upstream"
    note "pulled $upstream"
else
    why=$(grep -v '^$' "${TMPDIR:-/tmp}/contender-rank-pull.$$" | tail -n 1 || true)
    rm -f "${TMPDIR:-/tmp}/contender-rank-pull.$$"
    if [ "$image" = "$upstream" ]; then
        die "cannot pull $upstream ($why), and CONTENDER_RANK_BASE_IMAGE asks for exactly that image"
    fi
    note "cannot pull $upstream (${why:-no reason given}); building it from Debian packages with mmdebstrap"
    if ! command -v mmdebstrap >/dev/null 2>&1; then
        if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
            die "mmdebstrap is missing: install Debian's mmdebstrap package"
        fi
        note "installing mmdebstrap"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
    fi
    plain="${image}-minbase"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    # minbase: Essential packages and apt. The dpkg excludes keep documentation, manual pages and
    # translations out (as Debian's slim images do); the apt settings, written last, keep no .deb
    # files or package caches in the layers of images built on top (as Debian's images do).
    # shellcheck disable=SC2016  # the hooks are run by mmdebstrap, with the root directory as $1
    mmdebstrap --variant=minbase --quiet \
        --include=ca-certificates \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-include=/usr/share/locale/locale.alias' \
        --aptopt='Acquire::Languages "none"' \
        --customize-hook='printf "%s\n" "APT::Keep-Downloaded-Packages \"false\";" "Dir::Cache::pkgcache \"\";" "Dir::Cache::srcpkgcache \"\";" >"$1/etc/apt/apt.conf.d/docker-clean"' \
        --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
        bookworm "$work/rootfs.tar" \
        "deb $mirror bookworm main" \
        "deb $mirror bookworm-updates main" \
        "deb $security_mirror bookworm-security main"
    docker import --change 'CMD ["bash"]' \
        --change 'LABEL org.opencontainers.image.description="Debian bookworm minbase, built locally with mmdebstrap"' \
        "$work/rootfs.tar" "$plain" >/dev/null
    rm -rf "$work"
    note "built $plain from Debian packages"
fi

# 2. The host's own CA certificates on top (none: the plain image is the base image).
shopt -s nullglob
host_cas=(/usr/local/share/ca-certificates/*.crt)
shopt -u nullglob
if [ "${CONTENDER_RANK_HOST_CAS:-1}" = 0 ] || [ ${#host_cas[@]} = 0 ]; then
    docker tag "$plain" "$image"
else
    context=$(mktemp -d)
    trap 'rm -rf "$context"' EXIT
    cp "${host_cas[@]}" "$context/"
    cat >"$context/Dockerfile" <<DOCKERFILE
FROM $plain
COPY *.crt /usr/local/share/ca-certificates/
RUN if ! command -v update-ca-certificates >/dev/null; then \\
        apt-get update && apt-get install -y --no-install-recommends ca-certificates \\
        && rm -rf /var/lib/apt/lists/*; \\
    fi \\
    && update-ca-certificates
DOCKERFILE
    docker build --quiet --network host -t "$image" "$context" >/dev/null
    note "added the host's CA certificates: ${host_cas[*]##*/}"
fi
note "made $image in $((SECONDS - started)) s"
