#!/usr/bin/env bash
# Proves the repository stands alone: nothing in it refers to a folder beside
# it (a folder beside the clone, such as a workplace's shared notes, is not part of it).
#
#   scripts/check-standalone.sh           search the tracked files (ctest runs this)
#   scripts/check-standalone.sh --clone   also clone HEAD into an empty temporary
#                                         folder (nothing beside it) and run the
#                                         README's test command there (~10 min)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

self="scripts/check-standalone.sh"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files)
else
  files=$(find . -type f -not -path './build*' -not -path './.git/*' | sed 's|^\./||')
fi
# A reference to a sibling folder of the repository, in any spelling a path
# in a script, a build file, a test or a document would use.
pattern='\.\./shared|shared/(testdata|evaluation|DESIGN)'
hits=$(printf '%s\n' "$files" | grep -v -x "$self" |
       xargs -d '\n' grep -n -I -E "$pattern" -- 2>/dev/null || true)
if [ -n "$hits" ]; then
  echo "check-standalone: the repository refers to a folder outside it:" >&2
  printf '%s\n' "$hits" >&2
  exit 1
fi
echo "check-standalone: $(printf '%s\n' "$files" | wc -l) tracked files, no reference outside the repository"

if [ "${1:-}" = "--clone" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git clone -q . "$tmp/vigil"
  [ ! -e "$tmp/shared" ] || { echo "check-standalone: $tmp/shared exists" >&2; exit 1; }
  (cd "$tmp/vigil" && scripts/test.sh)
fi
