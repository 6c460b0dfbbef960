#!/usr/bin/env bash
# Installs every Debian package vigil needs to build, test and run. Idempotent:
# packages already present are not touched, and apt-get runs only when one is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libabsl-dev librocksdb-dev libmaxminddb-dev mmdb-bin
  libssl-dev liboath-dev oathtool libqrencode-dev
  # WebAuthn: CBOR (attestation objects, COSE keys).
  libcbor-dev
  libboost1.81-dev libboost-json1.81-dev
  libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm curl ca-certificates openssl python3 python3-aiosmtpd
  # The OpenAPI contract tests validate vigild's responses with these
  # (tests/service/openapi_check.py, run by /usr/bin/python3).
  python3-jsonschema python3-yaml
  librsvg2-bin zbar-tools wrk
  chromium
  # The package test (ctest package_deb): cpack's dependency list needs
  # dpkg-shlibdeps, and systemd brings systemd-analyze for the unit check
  # (installing it in a container is harmless: it is not PID 1 there).
  dpkg-dev systemd
  # The Dovecot end-to-end test (ctest -L dovecot) runs a real Dovecot.
  dovecot-imapd
  # The Redis Cluster client (core/src/store/redis): hiredis, and a real
  # local cluster for its tests (scripts/redis-cluster.sh, ctest -L redis).
  libhiredis-dev redis-server
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm may come from a non-Debian Node.js install; accept that.
if command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
