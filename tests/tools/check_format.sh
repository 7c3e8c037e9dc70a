#!/usr/bin/env bash
# tests/tools/check_format.sh -- the C sources follow .clang-format (applied
# once to the whole tree; keep it so by running `clang-format -i` on what you
# change). Lists the files that would change and exits 1; 77 (skip) when
# clang-format is not installed (scripts/deps --test installs it).
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
command -v clang-format >/dev/null || { echo "clang-format not installed: skipped"; exit 77; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.c' '*.h')
else
    mapfile -t files < <(find common workers cli tests bench -name '*.c' -o -name '*.h' | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "no C sources found under $here"; exit 1; }
bad=()
for f in "${files[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
    echo "not formatted as .clang-format says (fix: clang-format -i FILE):"
    printf '  %s\n' "${bad[@]}"
    exit 1
fi
echo "${#files[@]} C files follow .clang-format"
