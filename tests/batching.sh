#!/bin/sh
# The engine holds ESP packets back in small batches to overlap their memory
# accesses, except with packet events on, where each packet is applied at
# once. Both must tell the same story: on every own and public capture, the
# events of `--json` equal those of `--json --packets` without the packet
# lines, byte for byte and in the same order.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
shared=${IKESCOPE_SHARED:-$top_srcdir/../shared}
ikescope=$top_builddir/ikescope
n=0
fail=0
tmp=${TMPDIR:-/tmp}/ikescope-batching.$$
trap 'rm -f "$tmp".a "$tmp".b "$tmp".list' EXIT
# Public capture names hold spaces: one per line.
{
	ls "$top_srcdir"/pcaps/*.pcap
	find "$shared/pcaps-public" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) 2>/dev/null | sort
} > "$tmp.list"
while IFS= read -r f; do
	n=$((n + 1))
	"$ikescope" -r "$f" --json > "$tmp.a" 2>/dev/null
	"$ikescope" -r "$f" --json --packets 2>/dev/null | grep -v '^{"event":"packet"' > "$tmp.b"
	name=${f#"$top_srcdir"/}
	name=${name#"$shared"/}
	if [ -s "$tmp.a" ] && cmp -s "$tmp.a" "$tmp.b"; then
		echo "ok $n - $name: same events batched and packet by packet"
	else
		echo "not ok $n - $name: events differ (or none)"
		diff "$tmp.a" "$tmp.b" | head -5 | sed 's/^/# /'
		fail=$((fail + 1))
	fi
done < "$tmp.list"
echo "1..$n"
[ $fail -eq 0 ]
