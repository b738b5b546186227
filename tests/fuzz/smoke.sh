#!/bin/sh
# smoke.sh - fuzz smoke test (TAP): builds the seed corpora, then runs each
# libFuzzer target for FUZZ_SECONDS (default 45) with -max_len=4096 and
# tests/fuzz/ike.dict. A target that crashes, leaks, times out or breaks an
# output check is "not ok", with the reproducer's path and the log tail as
# TAP comments. Needs ./configure --enable-fuzz CC=clang.
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
seconds=${FUZZ_SECONDS:-45}
work=${FUZZ_WORKDIR:-$builddir/tests/fuzz/work}
targets="fuzz_packet fuzz_ike"

echo "1..2"
mkdir -p "$work"
if ! top_srcdir=$srcdir "$srcdir/tests/fuzz/make-seeds.sh" "$work/seeds" > "$work/seeds.log" 2>&1; then
	sed 's/^/# /' "$work/seeds.log"
	echo "# seed corpus could not be built; fuzzing from an empty corpus"
fi
mkdir -p "$work/seeds/packet" "$work/seeds/ike"

n=0
fail=0
for t in $targets; do
	n=$((n + 1))
	bin="$builddir/tests/fuzz/$t"
	case $t in fuzz_packet) seeds=$work/seeds/packet ;; *) seeds=$work/seeds/ike ;; esac
	if [ ! -x "$bin" ]; then
		echo "not ok $n - $t not built (configure --enable-fuzz CC=clang)"
		fail=1
		continue
	fi
	# New inputs go to the first directory so the seed corpus stays as built.
	mkdir -p "$work/corpus-$t"
	rm -f "$work/$t-"crash-* "$work/$t-"leak-* "$work/$t-"timeout-* "$work/$t-"oom-*
	"$bin" -max_len=4096 -dict="$srcdir/tests/fuzz/ike.dict" -max_total_time="$seconds" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/$t-" "$work/corpus-$t" "$seeds" > "$work/$t.log" 2>&1
	rc=$?
	artifact=$(ls "$work/$t-"* 2> /dev/null | head -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
		echo "ok $n - $t ran ${seconds}s without a crash (${execs:-?} inputs)"
	else
		echo "not ok $n - $t failed (exit $rc) reproducer: ${artifact:-none}"
		grep -E 'ERROR|SUMMARY|^ *#[0-9]+ ' "$work/$t.log" | head -n 40 | sed 's/^/# /'
		echo "# full log: $work/$t.log"
		fail=1
	fi
done
exit "$fail"
