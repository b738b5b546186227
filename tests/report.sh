#!/bin/sh
# The report and NDJSON views end to end (TAP): exit statuses 0/1/2, which
# events --json writes with and without --packets, colours only on a terminal
# and never with NO_COLOR or --no-color, deterministic reports, the caps, a
# live --interval run on the loopback interface when we may capture, and
# SIGINT on a read from a quiet pipe.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PY="${PYTHON3:-python3}"
ik="$top_builddir/ikescope"
pc="$top_srcdir/pcaps"
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
esc=$(printf '\033')

ok() { # ok COND-EXIT-STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
status() { # status WANT NAME -- COMMAND...
	want=$1 name=$2
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	[ "$got" -eq "$want" ]
	ok $? "$name (exit $got, want $want)"
}
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }

# Exit status: 0 nothing above info, 1 a warning or error, 2 usage/input.
status 0 "healthy IKEv2 tunnel, --report" -- "$ik" -r "$pc/ikev2-esp-udp.pcap" --report
status 0 "healthy IKEv1 tunnel, --json" -- "$ik" -r "$pc/ikev1-main-quick.pcap" --json
status 1 "no response, --report" -- "$ik" -r "$pc/ikev2-no-response.pcap" --report
status 1 "no proposal, --json" -- "$ik" -r "$pc/ikev2-no-proposal.pcap" --json
status 0 "packet lines alone exit 0 as before" -- "$ik" -r "$pc/ikev2-no-response.pcap"
status 1 "--packets --report takes the report's status" -- "$ik" -r "$pc/ikev2-no-response.pcap" --packets --report
status 2 "--report with --json" -- "$ik" -r "$pc/ikev2-esp-udp.pcap" --report --json
status 2 "missing capture" -- "$ik" -r "$tmp/none.pcap" --report
status 2 "bad --peer-proposals" -- "$ik" -r "$pc/ikev2-esp-udp.pcap" --report --peer-proposals aes999-foo
status 2 "--interval on a file" -- "$ik" -r "$pc/ikev2-esp-udp.pcap" --report --interval 2
status 2 "--max-sas 0" -- "$ik" -r "$pc/ikev2-esp-udp.pcap" --report --max-sas 0

# --json: valid NDJSON, the engine's events, packet events only with --packets.
events() { # events FILE -> "event:count ..." sorted
	"$PY" -c '
import json, sys, collections
c = collections.Counter(json.loads(l)["event"] for l in open(sys.argv[1]))
print(" ".join("%s:%d" % kv for kv in sorted(c.items())))' "$1"
}
"$ik" -r "$pc/ikev2-esp-udp.pcap" --json > "$tmp/j1"
got=$(events "$tmp/j1")
! echo "$got" | grep -q packet
ok $? "json events without packets ($got)"
echo "$got" | grep -q "summary:1" && echo "$got" | grep -q "exchange:3" && echo "$got" | grep -q "esp:2"
ok $? "json has exchange, esp and summary events"
tail -n 1 "$tmp/j1" | grep -q '^{"event":"summary"'
ok $? "summary is the last line"
"$ik" -r "$pc/ikev2-esp-udp.pcap" --json --packets > "$tmp/j2"
got=$(events "$tmp/j2")
echo "$got" | grep -q "packet:16"
ok $? "json --packets adds one packet event per unit ($got)"

# Deterministic report; packet lines first, then the report.
"$ik" -r "$pc/ikev2-rekey.pcap" --report > "$tmp/r1"
"$ik" -r "$pc/ikev2-rekey.pcap" --report > "$tmp/r2"
cmp -s "$tmp/r1" "$tmp/r2"
ok $? "two runs give the same report"
awk 'length($0) > 79 { bad = 1 } END { exit bad }' "$tmp/r1"
ok $? "report lines fit 79 columns"
"$ik" -r "$pc/ikev2-esp-udp.pcap" --packets --report > "$tmp/r3"
head -n 1 "$tmp/r3" | grep -q 'IKE_SA_INIT request' && grep -q '^Summary ===' "$tmp/r3"
ok $? "--packets --report: lines first, report at the end"

# Colours: never into a file, on a terminal unless NO_COLOR or --no-color.
! grep -q "$esc" "$tmp/r1"
ok $? "no escape sequences in a file"
if command -v script > /dev/null 2>&1; then
	script -qec "env -u NO_COLOR '$ik' -r '$pc/ikev2-no-response.pcap' --report" /dev/null > "$tmp/tty1" 2>&1
	grep -q "$esc\[31m" "$tmp/tty1"
	ok $? "colours on a terminal"
	script -qec "env NO_COLOR=1 '$ik' -r '$pc/ikev2-no-response.pcap' --report" /dev/null > "$tmp/tty2" 2>&1
	! grep -q "$esc\[" "$tmp/tty2"
	ok $? "NO_COLOR turns colours off"
	script -qec "env -u NO_COLOR '$ik' -r '$pc/ikev2-no-response.pcap' --report --no-color" /dev/null > "$tmp/tty3" 2>&1
	! grep -q "$esc\[" "$tmp/tty3"
	ok $? "--no-color turns colours off"
else
	skip "script(1) not installed"
	skip "script(1) not installed"
	skip "script(1) not installed"
fi

# Caps: one IKE SA slot on a capture with several keeps one and counts evictions.
"$ik" -r "$pc/ikev2-rekey.pcap" --json --max-sas 1 > "$tmp/j3"
"$PY" -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
sys.exit(0 if s["event"] == "summary" and s["sas_evicted"] >= 1 else 1)' "$tmp/j3"
ok $? "--max-sas 1 evicts and counts"

# Live: periodic reports and a final one on SIGINT (needs capture rights).
if "$ik" -i lo -c 1 -f "udp port 9" > /dev/null 2>&1 & pid=$!; sleep 1; kill -INT $pid 2>/dev/null; wait $pid; then
	timeout --preserve-status -s INT 3.5 "$ik" -i lo --report --interval 1 > "$tmp/live" 2>/dev/null
	rc=$?
	[ "$(grep -c '^---- report' "$tmp/live")" -ge 2 ] && [ "$(grep -c '^Summary ===' "$tmp/live")" -ge 3 ]
	ok $? "live --interval 1: periodic reports and a final one"
	[ $rc -eq 0 ]
	ok $? "SIGINT ends a live report with status 0 (got $rc)"
else
	skip "cannot capture on lo"
	skip "cannot capture on lo"
fi

# A quiet pipe: SIGINT ends the blocked read at once and the analysis of what
# was read is reported; the writer would have held it for 10 s.
if mkfifo "$tmp/fifo" 2> /dev/null; then
	(cat "$pc/ikev2-esp-udp.pcap"; exec sleep 10) > "$tmp/fifo" 2> /dev/null &
	writer=$!
	"$ik" -r "$tmp/fifo" --json > "$tmp/fifo.json" 2> "$tmp/fifo.err" &
	pid=$!
	sleep 1
	kill -INT $pid
	i=0
	while kill -0 $pid 2> /dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
	[ $i -lt 30 ]
	ok $? "SIGINT stops a read blocked on a quiet pipe within 3 s"
	kill $pid $writer 2> /dev/null
	wait $pid
	rc=$?
	[ $rc -eq 0 ] && tail -n 1 "$tmp/fifo.json" | grep -q '"event":"summary".*"exchanges":3'
	ok $? "... with status 0 (got $rc) and the summary of what was read"
else
	skip "mkfifo failed"
	skip "mkfifo failed"
fi

echo "1..$n"
[ $failed -eq 0 ]
