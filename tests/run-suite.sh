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

step "sanitizer build (ASan + UBSan) and check"
mkdir -p build-asan
( cd build-asan && { [ -f Makefile ] || "$top/configure" -q --enable-sanitizers CC="${SAN_CC:-gcc}"; } &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  make -j"$jobs" check )
record "sanitizer make check ran" $?
collect "$top/build-asan/tests" asan

step "fuzz smoke (libFuzzer)"
if command -v clang >/dev/null 2>&1; then
	mkdir -p build-fuzz
	( cd build-fuzz && { [ -f Makefile ] || "$top/configure" -q --enable-fuzz CC=clang; } &&
	  make -j"$jobs" fuzz-targets >/dev/null &&
	  sh "$top/tests/fuzz/smoke.sh" "$top/build-fuzz" ) > "$results/fuzz.tap" 2>&1
	rc=$?
	cat "$results/fuzz.tap"
	grep -E '^(not )?ok ' "$results/fuzz.tap" | sed -e 's/^not ok.*/:test-result: FAIL fuzz/' -e 's/^ok.*/:test-result: PASS fuzz/' >> "$results/steps.trs"
	record "fuzz smoke ran" $rc
else
	record "fuzz smoke: clang missing" 1
fi

step "make distcheck"
make -j"$jobs" distcheck >"$results/distcheck.log" 2>&1
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
