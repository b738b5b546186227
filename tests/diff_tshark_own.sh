#!/bin/sh
# Differential test against tshark on the project's own captures (pcaps/).
exec "${PYTHON3:-python3}" "$top_srcdir/tests/tshark_diff.py" "$top_builddir/ikescope" "${TSHARK:-$(command -v tshark)}" "$top_srcdir/pcaps"
