#!/usr/bin/env bash
# Runs @redocly/cli (the OpenAPI linter and docs builder of docs/openapi.yaml)
# at a pinned version with a pinned sha512, installed from the npm registry
# into a cache folder on first use and offline afterwards.
#
#   scripts/redocly.sh [--cache DIR] ARGS...   e.g. lint docs/openapi.yaml
#
# DIR defaults to data/cache/redocly. Exit 77 (ctest's skip code) when npm is
# not installed and the cache is empty; otherwise redocly's own exit code.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="@redocly/cli"
VER="2.77.0"
SHA512="sha512-XUa4hURDWLPG9WukIXo+UBqa9VpeTndmLI5PHu9QDkwtwH990Jsgz9nl2m1pZjsWrKFPP7avn6etRxxDbuD2Bg=="

CACHE="${ROOT}/data/cache/redocly"
if [[ "${1:-}" == "--cache" ]]; then
  CACHE="$2"
  shift 2
fi
DIR="${CACHE}/${VER}"
BIN="${DIR}/node_modules/.bin/redocly"

if [[ ! -x "${BIN}" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "redocly: npm is not installed (scripts/setup.sh installs it); skipped" >&2
    exit 77
  fi
  work="$(mktemp -d "${TMPDIR:-/tmp}/vigil-redocly.XXXXXX")"
  trap 'rm -rf "${work}"' EXIT
  echo "redocly: npm pack ${PKG}@${VER} into ${DIR}" >&2
  tgz="$(cd "${work}" && npm pack --silent "${PKG}@${VER}" 2>/dev/null | tail -n 1)"
  if [[ -z "${tgz}" || ! -f "${work}/${tgz}" ]]; then
    echo "redocly: npm pack did not produce a tarball for ${PKG}@${VER}" >&2
    exit 1
  fi
  got="sha512-$(openssl dgst -sha512 -binary "${work}/${tgz}" | base64 -w0)"
  if [[ "${got}" != "${SHA512}" ]]; then
    echo "redocly: checksum mismatch for ${PKG}@${VER}: got ${got}" >&2
    exit 1
  fi
  # The package bundles its dependencies: installing the verified tarball
  # fetches nothing else.
  rm -rf "${DIR}"
  mkdir -p "${DIR}"
  npm install --prefix "${DIR}" --no-save --no-audit --no-fund --offline \
    --loglevel=error "${work}/${tgz}" >&2
fi

# No telemetry, no update check: the runs stay offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
# Node 18 (Debian 12's nodejs) has no global WebCrypto unless asked, and
# build-docs needs it (with it, the page is the same byte for byte).
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if (( node_major > 0 && node_major < 19 )); then
  export NODE_OPTIONS="${NODE_OPTIONS:+${NODE_OPTIONS} }--experimental-global-webcrypto"
fi
cd "${ROOT}"
exec "${BIN}" "$@"
