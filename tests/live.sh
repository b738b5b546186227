#!/bin/sh
# Live capture end to end (TAP): bundled captures are replayed with tcpreplay
# over a veth pair between two network namespaces made here, and ikescope -i
# on the far end, stopped by SIGINT, must report what it reports reading the
# same file: the same events, diagnoses, ESP packet counts and units; and it
# must have written answered exchanges before it was stopped. Needs root, ip
# netns and tcpreplay; skipped otherwise.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PY="${PYTHON3:-python3}"
ik="$top_builddir/ikescope"
pc="$top_srcdir/pcaps"
caps="ikev2-esp-udp ikev2-auth-stall-ipfrag ikev1-main-quick ikev2-ipv6"
n=0
failed=0
tmp=$(mktemp -d)
ns_a="ikescope-test-a-$$"
ns_b="ikescope-test-b-$$"

ok() { # ok COND-EXIT-STATUS NAME; returns COND-EXIT-STATUS
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
	return "$1"
}
skip_all() {
	for c in $caps; do
		n=$((n + 2))
		echo "ok $((n - 1)) - # SKIP $c: $1"
		echo "ok $n - # SKIP $c: $1"
	done
	echo "1..$n"
	exit 0
}
cleanup() {
	ip netns del "$ns_a" 2> /dev/null
	ip netns del "$ns_b" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
command -v tcpreplay > /dev/null || skip_all "tcpreplay not installed"
command -v ip > /dev/null || skip_all "ip (iproute2) not installed"
ip netns add "$ns_a" 2> /dev/null && ip netns add "$ns_b" 2> /dev/null &&
	ip link add iks-t$$ type veth peer name iks-r$$ 2> /dev/null ||
	skip_all "cannot make network namespaces"
ip link set iks-t$$ netns "$ns_a" && ip link set iks-r$$ netns "$ns_b" &&
	ip -n "$ns_a" link set iks-t$$ up && ip -n "$ns_b" link set iks-r$$ up ||
	skip_all "cannot set up the veth pair"

# What both runs must agree on, whatever the clock said when frames came.
digest() {
	"$PY" -c '
import json, sys
out = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    ev = e["event"]
    if ev == "diagnosis":
        out.append(("diagnosis", e["code"], e["severity"]))
    elif ev == "esp":
        out.append(("esp", e["spi"], e["packets"]))
    elif ev == "exchange":
        out.append(("exchange", e.get("exchange_name"), e.get("msg_id"), e["outcome"]))
    elif ev == "summary":
        # Frames differ: a file is read whole, live the kernel filters.
        out.append(("summary", sorted(e["units"].items()), e["sas"], e["flows"]))
    else:
        out.append((ev,))
for t in sorted(map(repr, out)):
    print(t)' "$1"
}

for c in $caps; do
	f="$pc/$c.pcap"
	ip netns exec "$ns_b" "$ik" -i iks-r$$ --json > "$tmp/live.json" 2> "$tmp/live.err" &
	pid=$!
	# Until ikescope listens: its packet socket is the namespace's only one.
	# Then a moment more, as libpcap drops what came before its filter.
	i=0
	while [ "$(ip netns exec "$ns_b" cat /proc/net/packet | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
	ip netns exec "$ns_a" tcpreplay -q -i iks-t$$ --mbps 50 "$f" > "$tmp/replay.out" 2>&1
	# Past the 1 s flush of held-back ESP packets: what is known is out.
	sleep 1.5
	cp "$tmp/live.json" "$tmp/live.early"
	kill -INT $pid
	wait $pid
	rc=$?
	"$ik" -r "$f" --json > "$tmp/file.json"
	frc=$?
	digest "$tmp/live.json" > "$tmp/live.digest"
	digest "$tmp/file.json" > "$tmp/file.digest"
	cmp -s "$tmp/live.digest" "$tmp/file.digest" && [ "$rc" -eq "$frc" ]
	if ! ok $? "$c: live capture over a veth reports what the file does (exit $rc, file $frc)"; then
		diff "$tmp/file.digest" "$tmp/live.digest" | sed 's/^/# /'
		sed 's/^/# /' "$tmp/live.err" "$tmp/replay.out"
	fi
	# Answered exchanges are events as soon as the answer comes, not at
	# the end: --json streams.
	early=$(grep -c '"outcome":"answered"' "$tmp/live.early")
	want=$(grep -c '"outcome":"answered"' "$tmp/file.json")
	[ "$early" -eq "$want" ]
	ok $? "$c: answered exchanges streamed before the capture ended ($early of $want)"
done

echo "1..$n"
[ $failed -eq 0 ]
