"""Tiny standard-library helpers for the synthetic capture generators
(tests/gen/synth-*.py): a classic-pcap reader, pcap/pcapng writers and
packet builders (Ethernet, 802.1Q, IPv4 incl. fragmentation, IPv6 incl.
fragment header, UDP, TCP, ICMP, ICMPv6) with correct checksums.

Everything is deterministic: callers pass fixed timestamps and fixed bytes.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PCAPS = os.path.join(ROOT, "pcaps")

# Fixed base time for every synthetic capture: 2023-11-14 22:13:20 UTC
BASE_TS = 1700000000

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

MAC_I = bytes.fromhex("020000000001")   # locally administered
MAC_R = bytes.fromhex("020000000002")


# ---------------------------------------------------------------- reading
def read_pcap(path):
    """Return (linktype, [(ts_float, frame_bytes), ...]) of a classic pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    nsec = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    out = []
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        out.append((sec + frac / (1e9 if nsec else 1e6), data[off:off + incl]))
        off += incl
    return linktype, out


def _l3_of(linktype, frame):
    """(ethertype, l3 bytes) for Ethernet / SLL2 / raw frames."""
    if linktype == LINKTYPE_ETHERNET:
        et = struct.unpack(">H", frame[12:14])[0]
        off = 14
        while et in (0x8100, 0x88A8):
            et = struct.unpack(">H", frame[off + 2:off + 4])[0]
            off += 4
        return et, frame[off:]
    if linktype == LINKTYPE_LINUX_SLL2:
        return struct.unpack(">H", frame[0:2])[0], frame[20:]
    if linktype == LINKTYPE_RAW:
        return (0x0800 if frame[0] >> 4 == 4 else 0x86DD), frame
    raise ValueError("unsupported link type %d" % linktype)


def udp_datagrams(path):
    """Yield dicts for every UDP datagram in a capture, IPv4 fragments
    reassembled (IPv6 without extension headers only):
    {ts, v, src, dst, sport, dport, payload} (src/dst as packed bytes)."""
    lt, pkts = read_pcap(path)
    frags = {}
    for ts, fr in pkts:
        et, l3 = _l3_of(lt, fr)
        if et == 0x0800:
            ihl = (l3[0] & 0x0F) * 4
            tot = struct.unpack(">H", l3[2:4])[0]
            ident, ff = struct.unpack(">HH", l3[4:8])
            proto = l3[9]
            src, dst = l3[12:16], l3[16:20]
            body = l3[ihl:tot]
            mf, fo = ff & 0x2000, (ff & 0x1FFF) * 8
            if mf or fo:
                key = (src, dst, ident, proto)
                lst = frags.setdefault(key, [])
                lst.append((fo, mf, body))
                lst.sort()
                # complete when contiguous from 0 to a piece without MF
                pos, done = 0, False
                for o, m, b in lst:
                    if o != pos:
                        break
                    pos += len(b)
                    if not m:
                        done = True
                if not done:
                    continue
                body = b"".join(b for _, _, b in lst)
                del frags[key]
            if proto != 17:
                continue
        elif et == 0x86DD:
            if l3[6] != 17:
                continue
            src, dst = l3[8:24], l3[24:40]
            body = l3[40:40 + struct.unpack(">H", l3[4:6])[0]]
        else:
            continue
        sport, dport, ulen = struct.unpack(">HHH", body[:6])
        yield dict(ts=ts, v=4 if et == 0x0800 else 6, src=src, dst=dst,
                   sport=sport, dport=dport, payload=body[8:ulen])


def ike_messages(path):
    """IKE messages (UDP 500, or UDP 4500 with the non-ESP marker removed)
    and ESP-in-UDP packets of a capture: list of (kind, datagram-dict,
    message-bytes) with kind in {"ike", "esp", "keepalive"}."""
    out = []
    for d in udp_datagrams(path):
        p = d["payload"]
        if 500 in (d["sport"], d["dport"]) and 4500 not in (d["sport"], d["dport"]):
            out.append(("ike", d, p))
        elif 4500 in (d["sport"], d["dport"]):
            if p == b"\xff":
                out.append(("keepalive", d, p))
            elif p[:4] == b"\0\0\0\0":
                out.append(("ike", d, p[4:]))
            else:
                out.append(("esp", d, p))
    return out


# ---------------------------------------------------------------- writing
class PcapWriter:
    """Classic pcap writer (microsecond, little endian by default)."""

    def __init__(self, path, linktype, snaplen=262144, nsec=False, big_endian=False):
        self.f = open(path, "wb")
        self.e = ">" if big_endian else "<"
        self.nsec = nsec
        magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
        self.f.write(struct.pack(self.e + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype))

    def write(self, ts, data, orig_len=None):
        sec = int(ts)
        frac = int(round((ts - sec) * (1e9 if self.nsec else 1e6)))
        self.f.write(struct.pack(self.e + "IIII", sec, frac, len(data),
                                 orig_len if orig_len is not None else len(data)))
        self.f.write(data)

    def write_ns(self, sec, nsec, data):
        """Exact integer timestamp (nanosecond files)."""
        frac = nsec if self.nsec else nsec // 1000
        self.f.write(struct.pack(self.e + "IIII", sec, frac, len(data), len(data)))
        self.f.write(data)

    def close(self):
        self.f.close()


def _pad4(b):
    return b + b"\0" * (-len(b) % 4)


def pcapng_option(code, value):
    return struct.pack("<HH", code, len(value)) + _pad4(value)


def pcapng_block(btype, body):
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


class PcapngWriter:
    """Minimal pcapng writer: SHB, IDBs, EPBs (little endian)."""

    def __init__(self, path, shb_options=b""):
        self.f = open(path, "wb")
        body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + shb_options
        self.f.write(pcapng_block(0x0A0D0D0A, body))

    def add_interface(self, linktype, snaplen=262144, options=b""):
        body = struct.pack("<HHI", linktype, 0, snaplen) + options
        self.f.write(pcapng_block(0x00000001, body))

    def write(self, ifid, ts, data, options=b""):
        t = int(round(ts * 1e6))  # default if_tsresol: microseconds
        body = struct.pack("<IIIII", ifid, t >> 32, t & 0xFFFFFFFF, len(data), len(data))
        body += _pad4(data) + options
        self.f.write(pcapng_block(0x00000006, body))

    def close(self):
        self.f.close()


# ---------------------------------------------------------------- builders
def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def ether(payload, ethertype=0x0800, src=MAC_I, dst=MAC_R, vlans=()):
    """Ethernet II; vlans = [(tpid, tci), ...] outermost first."""
    h = dst + src
    for tpid, tci in vlans:
        h += struct.pack(">HH", tpid, tci)
    return h + struct.pack(">H", ethertype) + payload


def ipv4(src, dst, proto, payload, ident=0, df=True, mf=False, frag_off=0,
         ttl=64, options=b"", total_len=None):
    options = _pad4(options)
    ihl = 5 + len(options) // 4
    ff = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag_off // 8)
    tl = total_len if total_len is not None else 20 + len(options) + len(payload)
    h = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, tl, ident, ff, ttl, proto, 0,
                    src, dst) + options
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return h + payload


def ipv4_fragments(src, dst, proto, payload, ident, mtu, ttl=64):
    """Fragment an IPv4 datagram payload (e.g. UDP header+data) at mtu."""
    step = (mtu - 20) // 8 * 8
    out = []
    for off in range(0, len(payload), step):
        chunk = payload[off:off + step]
        out.append(ipv4(src, dst, proto, chunk, ident=ident, df=False,
                        mf=off + step < len(payload), frag_off=off, ttl=ttl))
    return out


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), nh, hlim, src, dst) + payload


def ipv6_fragments(src, dst, nh, payload, ident, mtu, hlim=64):
    """Fragment (RFC 8200 fragment header, next header 44) at mtu."""
    step = (mtu - 40 - 8) // 8 * 8
    out = []
    for off in range(0, len(payload), step):
        chunk = payload[off:off + step]
        more = 1 if off + step < len(payload) else 0
        fh = struct.pack(">BBHI", nh, 0, off | more, ident)
        out.append(ipv6(src, dst, 44, fh + chunk, hlim=hlim))
    return out


def _pseudo(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack(">BBH", 0, proto, length)
    return src + dst + struct.pack(">IxxxB", length, proto)


def udp(src, dst, sport, dport, payload):
    ln = 8 + len(payload)
    h = struct.pack(">HHHH", sport, dport, ln, 0)
    c = csum(_pseudo(src, dst, 17, ln) + h + payload) or 0xFFFF
    return struct.pack(">HHHH", sport, dport, ln, c) + payload


TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 1, 2, 4, 8, 16


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", window=64240, options=b""):
    options = _pad4(options)
    off = (20 + len(options)) // 4
    h = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                    off << 4, flags, window, 0, 0) + options
    c = csum(_pseudo(src, dst, 6, len(h) + len(payload)) + h + payload)
    return h[:16] + struct.pack(">H", c) + h[18:] + payload


def icmp(icmp_type, code, rest, payload):
    """ICMPv4 message; rest = the 4 bytes after the checksum."""
    h = struct.pack(">BBH", icmp_type, code, 0) + rest
    c = csum(h + payload)
    return struct.pack(">BBH", icmp_type, code, c) + rest + payload


def icmp6(src, dst, icmp_type, code, rest, payload):
    body = struct.pack(">BBH", icmp_type, code, 0) + rest + payload
    c = csum(_pseudo(src, dst, 58, len(body)) + body)
    return body[:2] + struct.pack(">H", c) + body[4:]


def det_bytes(n, seed):
    """Deterministic filler bytes (seeded PRNG, standard library)."""
    import random
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))
