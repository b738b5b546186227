#!/bin/sh
# Golden tests: each line of tests/golden/TESTLIST is "name capture [flags...]";
# the output of `ikescope -r capture flags` must equal tests/golden/name.out.
# Regenerate deliberately with `tests/golden.sh --regen` after reviewing a change.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
list="$top_srcdir/tests/golden/TESTLIST"
regen=0
[ "${1-}" = "--regen" ] && regen=1
n=0
failed=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
while read -r name cap flags; do
	case "$name" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	want="$top_srcdir/tests/golden/$name.out"
	# shellcheck disable=SC2086
	"$top_builddir/ikescope" -r "$top_srcdir/$cap" $flags > "$tmp" 2>&1
	echo "exit $?" >> "$tmp"
	if [ $regen -eq 1 ]; then
		cp "$tmp" "$want"
		echo "ok $n - $name (regenerated)"
	elif cmp -s "$tmp" "$want"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		diff -u "$want" "$tmp" | head -30 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done < "$list"
echo "1..$n"
[ $failed -eq 0 ]
