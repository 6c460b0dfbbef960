#!/usr/bin/env bash
# The Debian package test (ctest package_deb): builds the package with
# `cpack -G DEB` from the build folder, unpacks it into a throwaway root
# (dpkg -x) and checks that
#   - the control data declares the dependencies and the conffile;
#   - <root>/usr/bin/vigild --version and vigil --version answer;
#   - vigild started from an unrelated working directory with the installed
#     conffile (data folder and port overridden by flags: the conffile names
#     /var/lib/vigil) finds its model and seed list relative to its own
#     location, creates its TOTP key file and answers /readyz 200;
#   - systemd-analyze verify accepts the unit without a warning and its
#     exposure stays at most 2.0 (skipped, saying so, without systemd-analyze).
# Usage: deb_test.sh BUILD_DIR
set -euo pipefail

build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
vigild_pid=""
cleanup() {
  if [ -n "${vigild_pid}" ]; then kill -KILL "${vigild_pid}" 2>/dev/null || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# 1. The package.
cpack -G DEB --config "${build}/CPackConfig.cmake" -B "${work}/cpack" \
  >"${work}/cpack.log" 2>&1 || { cat "${work}/cpack.log"; fail "cpack -G DEB"; }
debs=("${work}"/cpack/*.deb)
[ "${#debs[@]}" -eq 1 ] && [ -f "${debs[0]}" ] || fail "no .deb in ${work}/cpack"
deb="${debs[0]}"
echo "built $(basename "${deb}") ($(du -k "${deb}" | cut -f1) KiB)"

control="$(dpkg-deb -f "${deb}" Package Depends)"
echo "${control}"
grep -q '^Package: vigil$' <<<"${control}" || fail "package name"
for dep in adduser libc6 libssl3 libstdc++6; do
  grep -q "\b${dep}\b" <<<"${control}" || fail "Depends lacks ${dep}"
done
dpkg-deb --ctrl-tarfile "${deb}" | tar -xO ./conffiles | grep -qx /etc/vigil/vigild.toml \
  || fail "/etc/vigil/vigild.toml is not a conffile"
mkdir -p "${work}/control"
dpkg-deb -e "${deb}" "${work}/control"
for script in postinst prerm postrm; do
  [ -x "${work}/control/${script}" ] || fail "no executable ${script}"
  sh -n "${work}/control/${script}" || fail "${script} is not valid sh"
done
grep -q "adduser --system" "${work}/control/postinst" || fail "postinst makes no system user"

# 2. The installed files, in a throwaway root.
root="${work}/root"
dpkg -x "${deb}" "${root}"
for f in usr/bin/vigild usr/bin/vigil usr/share/vigil/models/default.toml \
         etc/vigil/vigild.toml lib/systemd/system/vigild.service; do
  [ -e "${root}/${f}" ] || fail "the package lacks /${f}"
done
version="$("${root}/usr/bin/vigild" --version)" || fail "vigild --version"
echo "${version}"
grep -Eq '^vigild [0-9]+\.[0-9]+\.[0-9]+' <<<"${version}" || fail "vigild --version: ${version}"
"${root}/usr/bin/vigil" --version | grep -Eq '^vigil [0-9]' || fail "vigil --version"
grep -q '^data_dir = "/var/lib/vigil"$' "${root}/etc/vigil/vigild.toml" \
  || fail "the conffile does not name /var/lib/vigil"

# 3. vigild from an unrelated working directory, with the installed conffile.
elsewhere="${work}/elsewhere"
mkdir -p "${elsewhere}"
data="${work}/data"
(cd "${elsewhere}" && exec "${root}/usr/bin/vigild" \
   --config "${root}/etc/vigil/vigild.toml" --data-dir "${data}" \
   --listen 127.0.0.1:0 >"${work}/stdout" 2>"${work}/stderr") &
vigild_pid=$!
address=""
for _ in $(seq 1 300); do
  address="$(sed -n 's/^listening on //p' "${work}/stdout")"
  [ -n "${address}" ] && break
  kill -0 "${vigild_pid}" 2>/dev/null || break
  sleep 0.1
done
[ -n "${address}" ] || { cat "${work}/stderr"; fail "vigild did not start"; }
status="$(curl -s -o /dev/null -w '%{http_code}' "http://${address}/readyz")"
[ "${status}" = 200 ] || { cat "${work}/stderr"; fail "/readyz answered ${status}"; }
echo "vigild from ${elsewhere} answers /readyz 200 on ${address}"
[ -z "$(ls -A "${elsewhere}")" ] || fail "vigild wrote into its working directory"
if [ -f "${root}/usr/share/vigil/pwned/zxcvbn-common.txt" ]; then
  # The log line may reach the file a moment after /readyz answers (the log
  # is written by its own thread): wait for it up to 10 s.
  for _ in $(seq 100); do
    grep -q "from ${root}/usr/share/vigil/pwned/zxcvbn-common.txt" "${work}/stderr" && break
    sleep 0.1
  done
  grep -q "from ${root}/usr/share/vigil/pwned/zxcvbn-common.txt" "${work}/stderr" \
    || { cat "${work}/stderr"; fail "the seed list was not imported from the install"; }
fi
[ "$(stat -c %a "${data}/mfa.key")" = 600 ] || fail "no ${data}/mfa.key with mode 600"
kill -TERM "${vigild_pid}"
code=0
wait "${vigild_pid}" || code=$?
vigild_pid=""
[ "${code}" = 0 ] || { cat "${work}/stderr"; fail "vigild exited with ${code} on SIGTERM"; }

# 4. The systemd unit. verify checks that ExecStart exists, so it reads a
# copy whose ExecStart is the unpacked binary.
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze is not installed (scripts/setup.sh installs systemd): the unit is not verified"
  exit 0
fi
unit="${work}/unit/vigild.service"
mkdir -p "${work}/unit"
sed "s|^ExecStart=/usr/bin/vigild |ExecStart=${root}/usr/bin/vigild |" \
  "${root}/lib/systemd/system/vigild.service" >"${unit}"
grep -q "^ExecStart=${root}/usr/bin/vigild " "${unit}" || fail "the unit's ExecStart is not /usr/bin/vigild"
out="$(systemd-analyze verify "${unit}" 2>&1)" || { echo "${out}"; fail "systemd-analyze verify"; }
[ -z "${out}" ] || { echo "${out}"; fail "systemd-analyze verify warns"; }
security="$(systemd-analyze security --offline=true --threshold=20 "${unit}" 2>&1)" \
  || { echo "${security}"; fail "the unit's exposure is above 2.0"; }
tail -n 1 <<<"${security}"
echo "PASS: package installs, runs from anywhere, unit verified"
