#!/usr/bin/env bash
# Sets up what is missing and runs vigil's main job: vigild on 127.0.0.1:8080
# with its embedded defaults (RocksDB under var/data, models/default.toml,
# the DB-IP data fetched by data/fetch.sh), and a development API key.
# This is the README's first command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
data/fetch.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target vigild vigil

mkdir -p var
key_file="var/dev-api-key"
config="var/vigild-dev.toml"
if [[ ! -s "${key_file}" || ! -s "${config}" ]]; then
  # The key is printed once on the first line, the TOML to append after it.
  created="$(build/tools/vigil apikey create --name dev --scopes evaluate,mfa,admin)"
  head -n 1 <<<"${created}" >"${key_file}"
  chmod 600 "${key_file}"
  {
    echo "# Development configuration written by scripts/run.sh."
    echo "# Everything else takes the defaults of service/vigild.toml."
    echo
    echo "[storage]"
    echo "data_dir = \"var/data\""
    echo
    tail -n +2 <<<"${created}"
  } >"${config}"
fi
key="$(cat "${key_file}")"

cat <<TXT

vigild is starting on http://127.0.0.1:8080 (Ctrl-C stops it).
Development API key (scopes evaluate, mfa, admin): ${key}
Try:

  curl -s http://127.0.0.1:8080/v1/evaluate \\
    -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
    -d '{"user_id":"alice","ip":"81.2.69.160","outcome":"success",
         "user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"}'

TXT
exec build/service/vigild --config "${config}" --listen 127.0.0.1:8080
