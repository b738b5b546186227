#!/bin/sh
# The engine holds ESP packets back in small batches to overlap their memory
# accesses, except with packet events on, where each packet is applied at
# once. Both must tell the same story: on every own and public capture, the
# events of `--json` equal those of `--json --packets` without the packet
# lines, byte for byte and in the same order; with the default caps, and
# with caps of two SAs and two flows, so that eviction runs too.
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
	name=${f#"$top_srcdir"/}
	name=${name#"$shared"/}
	for caps in "" "--max-sas 2 --max-flows 2"; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # $caps is two options or none
		"$ikescope" -r "$f" --json $caps > "$tmp.a" 2>/dev/null
		# shellcheck disable=SC2086
		"$ikescope" -r "$f" --json --packets $caps 2>/dev/null | grep -v '^{"event":"packet"' > "$tmp.b"
		if [ -s "$tmp.a" ] && cmp -s "$tmp.a" "$tmp.b"; then
			echo "ok $n - $name${caps:+ ($caps)}: same events batched and packet by packet"
		else
			echo "not ok $n - $name${caps:+ ($caps)}: events differ (or none)"
			diff "$tmp.a" "$tmp.b" | head -5 | sed 's/^/# /'
			fail=$((fail + 1))
		fi
	done
done < "$tmp.list"
echo "1..$n"
[ $fail -eq 0 ]
