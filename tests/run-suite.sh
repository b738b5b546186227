#!/bin/sh
# The whole test suite, as CI and the README run it, from the top of the tree
# after `./bootstrap --deps && ./configure && make`:
#   1. make check in the normal build (unit, golden, differential, bad input)
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer
#   3. a short libFuzzer smoke run (clang)
#   4. make distcheck
# and ends with one line, "N passed, N failed", counting every test case.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
jobs=${JOBS:-2}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

step() { printf '\n=== %s\n' "$*"; }

# Records one pass/fail result for a step that is not itself a TAP suite.
record() {
	if [ "$2" -eq 0 ]; then echo ":test-result: PASS $1"; else echo ":test-result: FAIL $1"; fi >> "$results/steps.trs"
}

collect() { # copies a build's per-test .trs results under a label
	find "$1" -name '*.trs' -exec cat {} + 2>/dev/null | grep '^:test-result:' > "$results/$2.trs" || true
}

step "build and check"
[ -f configure ] || ./bootstrap
[ -f Makefile ] || ./configure --enable-werror
make -j"$jobs" >/dev/null && make -j"$jobs" check
record "make check ran" $?
collect "$top/tests" normal

# The sanitizer and fuzz builds are made from a copy of the distributed
# sources (make distdir), because this tree is configured in place.
export IKESCOPE_SHARED="$top/../shared"

step "sanitizer build (ASan + UBSan) and check"
rm -rf build-asan
make distdir distdir=build-asan >/dev/null &&
( cd build-asan && ./configure -q --enable-sanitizers --enable-werror CC="${SAN_CC:-gcc}" &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  make -j"$jobs" check IKESCOPE_SHARED="$IKESCOPE_SHARED" )
record "sanitizer make check ran" $?
collect "$top/build-asan/tests" asan

step "fuzz smoke (libFuzzer)"
if command -v clang >/dev/null 2>&1; then
	rm -rf build-fuzz
	make distdir distdir=build-fuzz >/dev/null &&
	( cd build-fuzz && ./configure -q --enable-fuzz CC=clang &&
	  make -j"$jobs" tests/fuzz/fuzz_packet tests/fuzz/fuzz_ike >/dev/null &&
	  top_srcdir=. top_builddir=. sh tests/fuzz/smoke.sh ) > "$results/fuzz.tap" 2>&1
	rc=$?
	cat "$results/fuzz.tap"
	grep -E '^(not )?ok ' "$results/fuzz.tap" | sed -e 's/^not ok.*/:test-result: FAIL fuzz/' -e 's/^ok.*/:test-result: PASS fuzz/' >> "$results/steps.trs"
	record "fuzz smoke ran" $rc
else
	record "fuzz smoke: clang missing" 1
fi

step "make distcheck"
make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
	IKESCOPE_SHARED="$IKESCOPE_SHARED" >"$results/distcheck.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -40 "$results/distcheck.log"
record "make distcheck" $rc

step "summary"
cat "$results"/*.trs > "$results/all"
pass=$(grep -c ':test-result: \(PASS\|XFAIL\)' "$results/all")
fail=$(grep -c ':test-result: \(FAIL\|XPASS\|ERROR\)' "$results/all")
grep ':test-result: \(FAIL\|XPASS\|ERROR\)' "$results/all" | sed 's/^/  /'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
