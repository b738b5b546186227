#!/usr/bin/env python3
"""Differential test: ikescope's dissection against tshark's, packet by packet.

For every capture given (files, or every capture listed in a pcaps-public
INVENTORY.tsv), runs `ikescope -r CAPTURE --json --packets` and `tshark -T fields` and
compares, for each IKE and ESP packet: IKE version, exchange type, message ID,
flags, SPIs, the payload type list, the notify types, and ESP SPI and sequence
number. Prints TAP, one line per capture.

It also asserts the robustness contract: ikescope must exit 0 (or 2 with a
"corrupt file" message after printing what it could) and never crash on any
capture; a sanitizer build turns any memory error into a crash here.

Known, deliberate differences are normalised, not hidden:
  * tshark lists IKE proposal (2) and transform (3) substructures among the
    payload types; ikescope lists only the chain, so 2 and 3 are removed from
    tshark's list.
  * Frames with ICMP or ICMPv6 are skipped: tshark dissects the packet quoted
    inside an ICMP error as if it were traffic.
  * IKE and ESP over TCP (RFC 8229): tshark 4.0 does not decode them.
  * When either side finds the message malformed, only the header fields are
    compared (the two may stop at different points); a message whose header
    is already invalid (length below 28, unknown version) is data to tshark.
  * The first fragment of an IP datagram that never completes: tshark
    dissects what it holds, ikescope reports the incomplete datagram.
"""
import json
import os
import subprocess
import sys

FIELDS = [
    "frame.number", "frame.protocols", "_ws.malformed", "isakmp.version",
    "isakmp.exchangetype", "isakmp.flags", "isakmp.messageid", "isakmp.ispi",
    "isakmp.rspi", "isakmp.typepayload", "isakmp.notify.msgtype", "esp.spi",
    "esp.sequence", "isakmp.length", "ip.flags.mf",
]

# Parse errors at which ikescope has only the fixed header: tshark shows
# such bytes as undissected data.
HEADER_ERRORS = ("short", "version", "length_small")


def tshark_packets(tshark, path):
    cmd = [tshark, "-n", "-r", path, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         timeout=300)
    out = {}
    for line in res.stdout.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        row = dict(zip(FIELDS, cols))
        try:
            out[int(row["frame.number"])] = row
        except ValueError:
            continue
    return out


def ikescope_packets(ikescope, path):
    res = subprocess.run([ikescope, "-r", path, "--json", "--packets"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=300)
    events = {}
    for line in res.stdout.decode("utf-8").splitlines():
        ev = json.loads(line)  # must always be valid JSON
        if ev.get("event") == "packet":
            events.setdefault(ev["frame"], []).append(ev)
    return res.returncode, res.stderr.decode("utf-8", "replace"), events


def ints(s, base=10):
    return [int(x, base) for x in s.split(",") if x != ""]


def compare_frame(fno, t, evs, problems):
    """Compares one frame; returns (ike_count, esp_count) compared."""
    ike = [e for e in evs if e["proto"] == "ike" and "exchange" in e.get("ike", {})
           and e["ike"].get("error") not in HEADER_ERRORS]
    esp = [e for e in evs if e["proto"] == "esp"]
    n_ike = n_esp = 0
    if any(p.startswith("icmp") for p in t["frame.protocols"].split(":")):
        return 0, 0
    # tshark 4.0 has no RFC 8229 dissector: TCP-encapsulated IKE/ESP is
    # checked by the golden and unit tests instead.
    if evs and all(e["transport"] == "tcp" for e in evs) and not t["isakmp.version"]:
        return 0, 0
    # tshark dissects the first fragment of a datagram that never completes;
    # ikescope reports the datagram as incomplete instead.
    if "1" in t["ip.flags.mf"].split(",") and not evs:
        return 0, 0
    t_versions = t["isakmp.version"].split(",") if t["isakmp.version"] else []
    if t_versions and len(ike) == 1 and len(t_versions) == 1:
        m = ike[0]["ike"]
        want = {
            "version": int(t_versions[0], 16) >> 4,
            "exchange": int(t["isakmp.exchangetype"]),
            "flags": int(t["isakmp.flags"], 16),
            "msg_id": int(t["isakmp.messageid"], 16),
            "ispi": t["isakmp.ispi"],
            "rspi": t["isakmp.rspi"],
        }
        for k, v in want.items():
            if m.get(k) != v:
                problems.append(f"frame {fno}: {k} ikescope={m.get(k)!r} tshark={v!r}")
        malformed = bool(t["_ws.malformed"]) or "error" in m
        if not malformed and not m.get("encrypted"):
            t_types = [x for x in ints(t["isakmp.typepayload"]) if x not in (2, 3)]
            mine = [p["type"] for p in m["payloads"]]
            if mine != t_types:
                problems.append(f"frame {fno}: payloads ikescope={mine} tshark={t_types}")
            t_notify = ints(t["isakmp.notify.msgtype"])
            my_notify = [p["notify"] for p in m["payloads"] if "notify" in p]
            if sorted(my_notify) != sorted(t_notify):
                problems.append(f"frame {fno}: notifies ikescope={my_notify} tshark={t_notify}")
        n_ike = 1
    elif t_versions or ike:
        # One side saw IKE where the other did not, or several messages in
        # one frame: compare the count of messages at least.
        if len(t_versions) != len(ike) and not t["_ws.malformed"]:
            problems.append(f"frame {fno}: IKE messages ikescope={len(ike)} tshark={len(t_versions)}")
    t_spis = t["esp.spi"].split(",") if t["esp.spi"] else []
    if t_spis or esp:
        t_seqs = ints(t["esp.sequence"])
        mine = [(int(e["esp"]["spi"], 16), e["esp"]["seq"]) for e in esp]
        theirs = list(zip([int(s, 16) for s in t_spis], t_seqs))
        if mine != theirs:
            problems.append(f"frame {fno}: ESP ikescope={mine} tshark={theirs}")
        n_esp = len(esp)
    return n_ike, n_esp


def check_capture(ikescope, tshark, path):
    rc, err, events = ikescope_packets(ikescope, path)
    problems = []
    if rc not in (0, 1, 2) or (rc == 2 and "corrupt" not in err and "truncated" not in err):
        problems.append(f"ikescope exited {rc}: {err.strip()[:300]}")
    tp = tshark_packets(tshark, path)
    n_ike = n_esp = 0
    for fno in sorted(set(tp) | set(events)):
        t = tp.get(fno)
        if t is None:
            continue
        a, b = compare_frame(fno, t, events.get(fno, []), problems)
        n_ike += a
        n_esp += b
    return n_ike, n_esp, problems


def captures_from_args(args):
    out = []
    for a in args:
        if a.endswith("INVENTORY.tsv"):
            base = os.path.dirname(a)
            with open(a, encoding="utf-8") as f:
                next(f)
                for line in f:
                    name = line.split("\t", 1)[0]
                    if name:
                        out.append(os.path.join(base, name))
        elif os.path.isdir(a):
            for root, _, files in os.walk(a):
                for n in sorted(files):
                    if n.endswith((".pcap", ".pcapng", ".cap", ".trace")):
                        out.append(os.path.join(root, n))
        else:
            out.append(a)
    return out


def main():
    if len(sys.argv) < 4:
        print("usage: tshark_diff.py IKESCOPE TSHARK CAPTURE|DIR|INVENTORY.tsv...", file=sys.stderr)
        return 2
    ikescope, tshark = sys.argv[1], sys.argv[2]
    caps = captures_from_args(sys.argv[3:])
    if not tshark or not os.path.exists(tshark):
        print("1..0 # SKIP tshark not installed")
        return 0
    failed = 0
    for i, path in enumerate(caps, 1):
        try:
            n_ike, n_esp, problems = check_capture(ikescope, tshark, path)
        except (subprocess.TimeoutExpired, json.JSONDecodeError) as e:
            n_ike = n_esp = 0
            problems = [f"{type(e).__name__}: {e}"]
        name = os.path.relpath(path)
        if problems:
            failed += 1
            print(f"not ok {i} - {name}")
            for p in problems[:10]:
                print(f"#   {p}")
            if len(problems) > 10:
                print(f"#   ... {len(problems) - 10} more")
        else:
            print(f"ok {i} - {name}: {n_ike} IKE and {n_esp} ESP packets agree with tshark")
    print(f"1..{len(caps)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
