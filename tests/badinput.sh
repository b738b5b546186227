#!/bin/sh
# Bad input: missing, foreign, corrupt and hostile capture files, bad options.
# Each must give a clear one-line error and exit status 2, or be analyzed with
# per-packet errors and exit 0 - never a crash, never invalid JSON.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
IKESCOPE="$top_builddir/ikescope"
PY="${PYTHON3:-python3}"
good="$top_srcdir/pcaps/ikev2-esp-udp.pcap"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
t() { # description, condition result (0 = pass)
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=$((fail + 1)); fi
}
run() { # runs ikescope, saving stdout, stderr and status
	"$IKESCOPE" "$@" > "$tmp/out" 2> "$tmp/err"
	echo $? > "$tmp/rc"
}
rc() { cat "$tmp/rc"; }
one_line_err() { [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q '^ikescope: ' "$tmp/err"; }
valid_json() { "$PY" -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out"; }

run -r "$tmp/does-not-exist.pcap"
t "missing file: exit 2" "$([ "$(rc)" -eq 2 ]; echo $?)"
t "missing file: one clear line" "$(one_line_err && grep -qi 'no such file' "$tmp/err"; echo $?)"
t "missing file: no output" "$([ ! -s "$tmp/out" ]; echo $?)"

run -r "$top_srcdir/README.md"
t "not a capture: exit 2 with one line" "$([ "$(rc)" -eq 2 ] && one_line_err; echo $?)"

: > "$tmp/empty.pcap"
run -r "$tmp/empty.pcap"
t "empty file: exit 2 with one line" "$([ "$(rc)" -eq 2 ] && one_line_err; echo $?)"

"$PY" "$top_srcdir/tests/pcapmut.py" magic "$good" "$tmp/magic.pcap"
run -r "$tmp/magic.pcap"
t "wrong magic: exit 2 with one line" "$([ "$(rc)" -eq 2 ] && one_line_err; echo $?)"

"$PY" "$top_srcdir/tests/pcapmut.py" cut-header "$good" "$tmp/cuthdr.pcap"
run -r "$tmp/cuthdr.pcap"
t "file header cut: exit 2 with one line" "$([ "$(rc)" -eq 2 ] && one_line_err; echo $?)"

"$IKESCOPE" -r "$good" > "$tmp/full" 2>/dev/null
"$PY" "$top_srcdir/tests/pcapmut.py" cut-mid "$good" "$tmp/cut.pcap"
run -r "$tmp/cut.pcap"
t "file cut mid-packet: exit 2" "$([ "$(rc)" -eq 2 ]; echo $?)"
t "file cut mid-packet: says it is truncated" "$(grep -qi 'truncated' "$tmp/err"; echo $?)"
t "file cut mid-packet: packets before the cut are printed" \
	"$([ "$(wc -l < "$tmp/out")" -ge "$(($(wc -l < "$tmp/full") - 2))" ] && [ -s "$tmp/out" ]; echo $?)"

"$PY" "$top_srcdir/tests/pcapmut.py" snap96 "$good" "$tmp/snap96.pcap"
run -r "$tmp/snap96.pcap"
t "snaplen 96: exit 0" "$([ "$(rc)" -eq 0 ]; echo $?)"
t "snaplen 96: IKE messages marked truncated" "$(grep -q 'truncated' "$tmp/out"; echo $?)"
t "snaplen 96: every packet still listed" "$([ "$(wc -l < "$tmp/out")" -eq "$(wc -l < "$tmp/full")" ]; echo $?)"
run -r "$tmp/snap96.pcap" --json
t "snaplen 96: JSON valid" "$(valid_json; echo $?)"

"$PY" "$top_srcdir/tests/pcapmut.py" zerolen "$good" "$tmp/zero.pcap"
run -r "$tmp/zero.pcap"
t "zero-length packets: exit 0, same packets" "$([ "$(rc)" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq "$(wc -l < "$tmp/full")" ]; echo $?)"

"$PY" "$top_srcdir/tests/pcapmut.py" caplen-big "$good" "$tmp/big.pcap"
run -r "$tmp/big.pcap"
t "caplen above snaplen: no crash (exit 0 or 2)" "$([ "$(rc)" -le 2 ]; echo $?)"

"$PY" "$top_srcdir/tests/pcapmut.py" caplen-huge "$good" "$tmp/huge.pcap"
run -r "$tmp/huge.pcap"
t "16 MiB caplen: exit 2 with one line" "$([ "$(rc)" -eq 2 ] && one_line_err; echo $?)"

run -r - < "$good"
t "stdin (-r -): same output as the file" "$(cmp -s "$tmp/out" "$tmp/full"; echo $?)"

run -r "$good" -f 'port 500 and and'
t "bad filter: exit 2 with one line" "$([ "$(rc)" -eq 2 ] && one_line_err && grep -qi filter "$tmp/err"; echo $?)"

run -r "$good" -f 'udp port 500'
t "-f narrows the default filter" "$([ "$(rc)" -eq 0 ] && ! grep -q ' ESP ' "$tmp/out" && grep -q 'IKEv2' "$tmp/out"; echo $?)"

run -i ikescope-no-such-if0
t "no such interface: exit 2 with one line" "$([ "$(rc)" -eq 2 ] && one_line_err; echo $?)"

run --bogus
t "unknown option: exit 2" "$([ "$(rc)" -eq 2 ] && grep -q -- '--bogus' "$tmp/err"; echo $?)"

run --help
t "--help: exit 0 and usage on stdout" "$([ "$(rc)" -eq 0 ] && grep -q 'Usage: ikescope' "$tmp/out"; echo $?)"

run -r "$good" -c 3
t "-c 3 stops after three frames" "$([ "$(rc)" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -le 3 ] && [ -s "$tmp/out" ]; echo $?)"

echo "1..$n"
[ $fail -eq 0 ]
