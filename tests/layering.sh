#!/bin/sh
# The dependency direction is one-way: capture/ -> dissect/ -> ui/. Parsers and
# the engine never include pcap or curses headers and never print; capture/
# knows nothing of the dissectors or views; only ui/ knows curses.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
cd "$top_srcdir" || exit 2
n=0
fail=0
check() { # description, grep pattern, files...
	desc=$1 pat=$2
	shift 2
	n=$((n + 1))
	hits=$(grep -nE "$pat" "$@" 2>/dev/null)
	if [ -z "$hits" ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "$hits" | sed 's/^/# /'
		fail=$((fail + 1))
	fi
}
check "dissect/ includes no pcap or curses header" '#include *[<"](pcap|curses|ncurses)' dissect/*.c
check "dissect/ includes no capture or ui header" '#include *"(capture|json|packet_view|options|textout)\.h"' dissect/*.c
check "dissect/ does no output" '\b(printf|fprintf|puts|fputs|putchar|fwrite|perror)\(' dissect/*.c
check "capture/ includes no dissect or ui header" '#include *"(engine|event|ike|ike1|ike2|names|json|packet_view|options|textout)\.h"' capture/*.c
check "capture/ includes no curses header" '#include *[<"](curses|ncurses)' capture/*.c
check "capture/ does no output" '\b(printf|fprintf|puts|fputs|putchar|perror)\(' capture/*.c
check "headers in include/ pull in no pcap or curses" '#include *[<"](pcap|curses|ncurses)' include/*.h
echo "1..$n"
[ $fail -eq 0 ]
