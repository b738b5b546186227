#!/bin/sh
# Every detector fires on a capture that shows its failure and stays quiet on
# healthy tunnels: tests/detect/EXPECT lists, per capture, the diagnosis codes
# that must and must not be raised (from `ikescope --json`). Every piece of
# evidence must also name a frame and a time inside the capture. A diagnosis
# resolved later (a late answer) counts as neither warning nor error.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PY="${PYTHON3:-python3}"
exec "$PY" - "$top_builddir/ikescope" "$top_srcdir" "${IKESCOPE_SHARED:-$top_srcdir/../shared}" <<'PYEOF'
import json, os, subprocess, sys
ikescope, top, shared = sys.argv[1], sys.argv[2], sys.argv[3]
n = failed = 0
for line in open(f"{top}/tests/detect/EXPECT"):
    line = line.split("#", 1)[0].split()
    if not line:
        continue
    cap, want = line[0], line[1:]
    path = f"{shared}/{cap[7:]}" if cap.startswith("shared:") else f"{top}/{cap}"
    if not os.path.exists(path):
        n += 1
        print(f"ok {n} - {cap} # SKIP not present")
        continue
    res = subprocess.run([ikescope, "-r", path, "--json"], capture_output=True, timeout=120)
    events = [json.loads(l) for l in res.stdout.decode().splitlines()]
    key = lambda d: (d["code"], d.get("ispi"), d.get("spi"))
    resolved = {key(d) for d in events if d.get("event") == "diagnosis" and d.get("resolved")}
    diags = [d for d in events if d.get("event") == "diagnosis" and not d.get("resolved")]
    standing = [d for d in diags if key(d) not in resolved]
    summary = next(d for d in events if d.get("event") == "summary")
    codes = {d["code"] for d in diags}
    plus = {w[1:] for w in want if w.startswith("+")}
    for w in want:
        n += 1
        if w.startswith("+"):
            good, what = w[1:] in codes, f"raises {w[1:]}"
        elif w.startswith("~"):
            good, what = w[1:] in {k[0] for k in resolved}, f"raises {w[1:]} and resolves it"
        elif w.startswith("-"):
            good, what = w[1:] not in codes, f"does not raise {w[1:]}"
        elif w == "clean":
            bad = sorted(d["code"] for d in standing
                         if d["severity"] in ("warning", "error") and d["code"] not in plus)
            good, what = not bad, "no warning or error" + (f" (got {', '.join(bad)})" if bad else "")
        else:
            good, what = False, f"unknown expectation {w}"
        if good:
            print(f"ok {n} - {cap} {what}")
        else:
            failed += 1
            print(f"not ok {n} - {cap} {what}")
            print(f"#   diagnoses: {sorted(codes) or 'none'}; exit {res.returncode}")
    n += 1
    # ISO 8601 times of one width compare as strings.
    outside = [f"{d['code']} frame {ev['frame']} at {ev['time']}" for d in diags for ev in d["evidence"]
               if not (1 <= ev["frame"] <= summary["frames"]
                       and summary["first_seen"] <= ev["time"] <= summary["last_seen"])]
    if outside:
        failed += 1
        print(f"not ok {n} - {cap} evidence inside the capture: {'; '.join(outside)}")
    else:
        print(f"ok {n} - {cap} evidence inside the capture")
    n += 1
    # Texts are built in 384-byte buffers (DIAG_TEXT): one that fills it was cut short.
    cut = [f"{d['code']} {k}" for d in diags for k in ("message", "hint") if len(d.get(k, "").encode()) >= 383]
    if cut:
        failed += 1
        print(f"not ok {n} - {cap} texts whole: {'; '.join(cut)}")
    else:
        print(f"ok {n} - {cap} texts whole")
    n += 1
    want_rc = 1 if any(d["severity"] in ("warning", "error") for d in standing) else 0
    if res.returncode == want_rc:
        print(f"ok {n} - {cap} exit status {want_rc}")
    else:
        failed += 1
        print(f"not ok {n} - {cap} exit status {res.returncode}, want {want_rc}")
print(f"1..{n}")
sys.exit(1 if failed else 0)
PYEOF
