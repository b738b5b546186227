#!/usr/bin/env python3
"""Generate pcaps/synth-link-types-*.pcap and pcaps/synth-link-types.pcapng:
the same short IKEv2 exchange written with different link-layer framings
and file formats, to test an analyzer's capture-file / link-layer decoding.

Content: the first four IKE messages of pcaps/ikev2-esp-udp.pcap (strongSwan):
IKE_SA_INIT request/response on UDP 500 and IKE_AUTH request/response on
UDP 4500 (with the non-ESP marker), plus the first ESP-in-UDP packet pair.
Addresses 192.0.2.1 <-> 192.0.2.2.  Only the encapsulation differs:

  synth-link-types-vlan.pcap     Ethernet (DLT 1), 802.1Q tag, VLAN 100, PCP 5
  synth-link-types-qinq.pcap     Ethernet, 802.1ad S-tag 0x88a8 VLAN 200 +
                                 802.1Q C-tag VLAN 100 (QinQ)
  synth-link-types-raw.pcap      LINKTYPE_RAW (101): bare IPv4 packets
  synth-link-types-null.pcap     DLT_NULL (0): 4-byte host-order (little
                                 endian here) address family 2 = AF_INET
  synth-link-types-sll.pcap      Linux cooked v1 (113): 16-byte SLL header,
                                 packet type 0 (to us) / 4 (outgoing)
  synth-link-types-ipopts.pcap   Ethernet, IPv4 with options (IHL 6/8:
                                 Router Alert; Record Route) before UDP
  synth-link-types-nsec-be.pcap  Ethernet, classic pcap written BIG ENDIAN
                                 with NANOSECOND timestamps (magic a1b23c4d)
  synth-link-types.pcapng        pcapng: SHB (with shb_userappl), one IDB
                                 (Ethernet, if_name, if_tsresol=6), EPBs
                                 (first one with an opt_comment)

An analyzer must decode the same 6 packets (4 IKE, 2 ESP) from every file.
Usage: tests/gen/synth-link-types.py [SOURCE.pcap] [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthlib import (PCAPS, BASE_TS, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_NULL,  # noqa: E402
                      LINKTYPE_LINUX_SLL, MAC_I, MAC_R, PcapWriter, PcapngWriter,
                      pcapng_option, ether, ipv4, ip4, udp, ike_messages)

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(PCAPS, "ikev2-esp-udp.pcap")
OUTDIR = sys.argv[2] if len(sys.argv) > 2 else PCAPS
I4, R4 = ip4("192.0.2.1"), ip4("192.0.2.2")


def packets():
    """[(ts, from_initiator, ipv4_packet_builder(options))]"""
    msgs = ike_messages(SRC)
    ike = [(k, d, m) for k, d, m in msgs if k == "ike"][:4]
    esp = [(k, d, m) for k, d, m in msgs if k == "esp"][:2]
    out = []
    t = BASE_TS
    for n, (k, d, m) in enumerate(ike + esp):
        if k == "ike" and 4500 in (d["sport"], d["dport"]):
            m = b"\0\0\0\0" + m          # restore the non-ESP marker
        fwd = d["src"] == I4
        s, dst = (I4, R4) if fwd else (R4, I4)
        out.append((t, fwd, s, dst, udp(s, dst, d["sport"], d["dport"], m), 0x4000 + n))
        t += 0.25
    return out


def ip_packet(s, d, u, ident, options=b""):
    return ipv4(s, d, 17, u, ident=ident, options=options)


def main():
    pk = packets()
    P = lambda name: os.path.join(OUTDIR, name)  # noqa: E731

    w = PcapWriter(P("synth-link-types-vlan.pcap"), LINKTYPE_ETHERNET)
    for t, fwd, s, d, u, ident in pk:
        src, dst = (MAC_I, MAC_R) if fwd else (MAC_R, MAC_I)
        w.write(t, ether(ip_packet(s, d, u, ident), src=src, dst=dst,
                         vlans=[(0x8100, (5 << 13) | 100)]))
    w.close()

    w = PcapWriter(P("synth-link-types-qinq.pcap"), LINKTYPE_ETHERNET)
    for t, fwd, s, d, u, ident in pk:
        src, dst = (MAC_I, MAC_R) if fwd else (MAC_R, MAC_I)
        w.write(t, ether(ip_packet(s, d, u, ident), src=src, dst=dst,
                         vlans=[(0x88A8, 200), (0x8100, 100)]))
    w.close()

    w = PcapWriter(P("synth-link-types-raw.pcap"), LINKTYPE_RAW)
    for t, fwd, s, d, u, ident in pk:
        w.write(t, ip_packet(s, d, u, ident))
    w.close()

    w = PcapWriter(P("synth-link-types-null.pcap"), LINKTYPE_NULL)
    for t, fwd, s, d, u, ident in pk:
        w.write(t, struct.pack("<I", 2) + ip_packet(s, d, u, ident))
    w.close()

    w = PcapWriter(P("synth-link-types-sll.pcap"), LINKTYPE_LINUX_SLL)
    for t, fwd, s, d, u, ident in pk:
        # captured on the responder: initiator's packets are "to us" (0),
        # responder's own packets "outgoing" (4)
        ptype = 0 if fwd else 4
        mac = MAC_I if fwd else MAC_R
        hdr = struct.pack(">HHH", ptype, 1, 6) + mac + b"\0\0" + struct.pack(">H", 0x0800)
        w.write(t, hdr + ip_packet(s, d, u, ident))
    w.close()

    w = PcapWriter(P("synth-link-types-ipopts.pcap"), LINKTYPE_ETHERNET)
    for n, (t, fwd, s, d, u, ident) in enumerate(pk):
        src, dst = (MAC_I, MAC_R) if fwd else (MAC_R, MAC_I)
        if n % 2 == 0:
            opts = b"\x94\x04\x00\x00"                        # Router Alert, IHL 6
        else:
            opts = b"\x07\x0b\x04" + s + b"\0\0\0\0" + b"\x00"  # Record Route (2 slots) + EOL, IHL 8
        w.write(t, ether(ip_packet(s, d, u, ident, opts), src=src, dst=dst))
    w.close()

    w = PcapWriter(P("synth-link-types-nsec-be.pcap"), LINKTYPE_ETHERNET, nsec=True,
                   big_endian=True)
    for t, fwd, s, d, u, ident in pk:
        src, dst = (MAC_I, MAC_R) if fwd else (MAC_R, MAC_I)
        # exact nanoseconds: +123 ns on every packet
        sec = int(t)
        nsec = int(round((t - sec) * 1e6)) * 1000 + 123
        w.write_ns(sec, nsec, ether(ip_packet(s, d, u, ident), src=src, dst=dst))
    w.close()

    w = PcapngWriter(P("synth-link-types.pcapng"),
                     shb_options=pcapng_option(4, b"ikescope synth-link-types.py")
                     + pcapng_option(0, b""))
    w.add_interface(LINKTYPE_ETHERNET, options=pcapng_option(2, b"p0")
                    + pcapng_option(9, b"\x06") + pcapng_option(0, b""))
    for n, (t, fwd, s, d, u, ident) in enumerate(pk):
        src, dst = (MAC_I, MAC_R) if fwd else (MAC_R, MAC_I)
        opts = b""
        if n == 0:
            opts = pcapng_option(1, b"IKE_SA_INIT request (from ikev2-esp-udp.pcap)") \
                + pcapng_option(0, b"")
        w.write(0, t, ether(ip_packet(s, d, u, ident), src=src, dst=dst), opts)
    w.close()


if __name__ == "__main__":
    main()
