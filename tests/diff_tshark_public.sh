#!/bin/sh
# Differential test against tshark, and the no-crash contract, on every public
# capture in ../shared/pcaps-public (read in place, never copied into the tree;
# IKESCOPE_SHARED points elsewhere for builds outside the tree).
inv="${IKESCOPE_SHARED:-$top_srcdir/../shared}/pcaps-public/INVENTORY.tsv"
if [ ! -f "$inv" ]; then
	echo "1..0 # SKIP ../shared/pcaps-public not present"
	exit 0
fi
exec "${PYTHON3:-python3}" "$top_srcdir/tests/tshark_diff.py" "$top_builddir/ikescope" "${TSHARK:-$(command -v tshark)}" "$inv"
