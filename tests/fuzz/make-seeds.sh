#!/bin/sh
# make-seeds.sh - builds the fuzz seed corpora from the project's captures
# (pcaps/) and the public ones (../shared/pcaps-public/):
#   OUTDIR/packet/  one file per frame: a link-type selector byte (the index
#                   into fuzz_packet.c's linktypes[]) then the frame; and from
#                   Linux cooked v2 captures (-i any), runs of 8 frames: the
#                   selector with its top bit set, then each frame after its
#                   16-bit big-endian length;
#   OUTDIR/ike/     one file per IKE message found on UDP 500/4500 (non-ESP
#                   marker removed) in IPv4/IPv6 frames, for fuzz_ike.
# Files are named by content hash, so duplicates collapse. Frames are cut to
# 4096 bytes, the -max_len the smoke test uses.
# Usage: make-seeds.sh OUTDIR [capture-dir ...]
set -eu

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
py=${PYTHON3:-python3}
[ -n "$py" ] || py=python3
out=${1:?usage: make-seeds.sh OUTDIR [capture-dir ...]}
shift
if [ $# -eq 0 ]; then
	set -- "$srcdir/pcaps"
	shared=${IKESCOPE_SHARED:-$srcdir/../shared}
	[ -d "$shared/pcaps-public" ] && set -- "$@" "$shared/pcaps-public"
fi
mkdir -p "$out/packet" "$out/ike"

"$py" - "$out" "$@" <<'PY'
import hashlib, os, struct, sys

MAX_LEN = 4096
# Must match linktypes[] in tests/fuzz/fuzz_packet.c.
SELECTOR = {1: 0, 101: 1, 0: 2, 108: 3, 113: 4, 276: 5, 228: 6, 229: 7}


def pcap_frames(b):
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    if len(b) < 24:
        return
    lt = struct.unpack(e + "I", b[20:24])[0] & 0xFFFF
    off = 24
    while off + 16 <= len(b):
        incl = struct.unpack(e + "I", b[off + 8:off + 12])[0]
        off += 16
        if incl > len(b) - off:
            return
        yield lt, b[off:off + incl]
        off += incl


def pcapng_frames(b):
    off, e, ifs = 0, "<", []
    while off + 12 <= len(b):
        btype = b[off:off + 4]
        if btype == b"\x0a\x0d\x0d\x0a":
            e = "<" if b[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifs = []
        typ, blen = struct.unpack(e + "II", b[off:off + 8])
        if blen < 12 or off + blen > len(b):
            return
        body = b[off + 8:off + blen - 4]
        if typ == 1 and len(body) >= 2:
            ifs.append(struct.unpack(e + "H", body[:2])[0])
        elif typ == 6 and len(body) >= 20:
            ifid, _, _, cap = struct.unpack(e + "IIII", body[:16])
            if ifid < len(ifs):
                yield ifs[ifid], body[20:20 + cap]
        elif typ == 3 and len(body) >= 4 and ifs:
            orig = struct.unpack(e + "I", body[:4])[0]
            yield ifs[0], body[4:4 + orig]
        off += blen


def ip_payload(lt, f):
    """The network-layer packet of a frame, or None."""
    if lt == 1:
        off, et = 12, None
        while off + 2 <= len(f):
            et = struct.unpack(">H", f[off:off + 2])[0]
            if et in (0x8100, 0x88A8):
                off += 4
                continue
            return f[off + 2:] if et in (0x0800, 0x86DD) else None
        return None
    if lt in (101, 228, 229):
        return f
    if lt in (0, 108):
        return f[4:]
    if lt == 113:
        return f[16:]
    if lt == 276:
        return f[20:]
    return None


def ike_message(ip):
    """The IKE message of an unfragmented UDP 500/4500 datagram, or None."""
    if len(ip) < 20:
        return None
    v = ip[0] >> 4
    if v == 4:
        hl = (ip[0] & 15) * 4
        if ip[9] != 17 or struct.unpack(">H", ip[6:8])[0] & 0x3FFF:
            return None
        udp = ip[hl:]
    elif v == 6 and len(ip) >= 40 and ip[6] == 17:
        udp = ip[40:]
    else:
        return None
    if len(udp) < 8:
        return None
    sport, dport = struct.unpack(">HH", udp[:4])
    data = udp[8:]
    if 4500 in (sport, dport):
        if data[:4] != b"\0\0\0\0":
            return None
        data = data[4:]
    elif 500 not in (sport, dport):
        return None
    return data if len(data) >= 28 else None


def save(d, data):
    data = data[:MAX_LEN]
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data)


out = sys.argv[1]
n_frames = n_ike = 0
for top in sys.argv[2:]:
    for root, _, files in os.walk(top):
        for fn in sorted(files):
            if not fn.endswith((".pcap", ".pcapng", ".cap")):
                continue
            with open(os.path.join(root, fn), "rb") as fh:
                b = fh.read()
            gen = pcapng_frames(b) if b[:4] == b"\x0a\x0d\x0d\x0a" else pcap_frames(b)
            run = []
            for lt, frame in gen:
                if lt not in SELECTOR:
                    continue
                save(os.path.join(out, "packet"), bytes([SELECTOR[lt]]) + frame)
                if lt == 276:
                    run.append(frame[:1024])
                    if len(run) == 8:
                        save(os.path.join(out, "packet"), bytes([0x80 | SELECTOR[lt]]) +
                             b"".join(struct.pack(">H", len(f)) + f for f in run))
                        run = run[4:]
                n_frames += 1
                ip = ip_payload(lt, frame)
                msg = ike_message(ip) if ip else None
                if msg:
                    save(os.path.join(out, "ike"), msg)
                    n_ike += 1
print("make-seeds: %d frames, %d IKE messages" % (n_frames, n_ike), file=sys.stderr)
PY
