#!/usr/bin/env python3
"""Generate pcaps/synth-ipfrag-loss.pcap: a large IKE_AUTH sent as IP
fragments, with and without loss, over IPv4 and IPv6.

Content: the IKE_SA_INIT exchange and the initiator's IKE_AUTH request
(certificate auth, RSA 4096, ~2.3 kB, UDP 4500 with non-ESP marker) are the
real messages of pcaps/ikev2-cert-ipfrag.pcap (strongSwan, IP fragments
reassembled by this script).  Only the IP layer is rebuilt here.

Packets (Ethernet, 192.0.2.1 -> 192.0.2.2 and 2001:db8:1::1 -> ::2):
  1-2    IKE_SA_INIT request / response (UDP 500, unfragmented)
  3-4    IPv4 IKE_AUTH request (IP ID 0x1001), MTU 1500: 2 fragments sent
         LAST fragment FIRST (out of order) -> complete, reassembles
  5-6    IPv4 IKE_AUTH request again (IP ID 0x1002, i.e. a retransmission by
         the IKE daemon), MTU 1000: fragments 1 and 2 of 3, LAST MISSING
  7-8    same again (IP ID 0x1003) 1 s later, last fragment missing again
  9-11   IPv6 IKE_AUTH request (Fragment header, ident 0x2001), MTU 1000,
         3 fragments, order 2,1,3 -> complete, reassembles
  12     IPv6 IKE_AUTH request (ident 0x2002), MTU 1280: fragment 1 of 2,
         LAST MISSING
  13     same again (ident 0x2003), last missing

An analyzer should report: the 0x1001 and 0x2001 datagrams reassemble into
an IKE_AUTH request; 0x1002, 0x1003, 0x2002, 0x2003 are incomplete
(missing the final fragment, More-Fragments set on every fragment seen), i.e.
the IKE_AUTH request never arrives whole: classic "IKE_AUTH lost to IP
fragmentation" -> recommend IKEv2 fragmentation (RFC 7383) or smaller MTU.
The IPv6 messages reuse the IPv4 IKE SPIs (not a real IPv6 session).

Usage: tests/gen/synth-ipfrag-loss.py [SOURCE.pcap] [OUT.pcap]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthlib import (PCAPS, BASE_TS, LINKTYPE_ETHERNET, MAC_I, MAC_R, PcapWriter,  # noqa: E402
                      ether, ipv4, ipv4_fragments, ipv6, ipv6_fragments, ip4, ip6,
                      udp, ike_messages)

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(PCAPS, "ikev2-cert-ipfrag.pcap")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(PCAPS, "synth-ipfrag-loss.pcap")

I4, R4 = ip4("192.0.2.1"), ip4("192.0.2.2")
I6, R6 = ip6("2001:db8:1::1"), ip6("2001:db8:1::2")


def main():
    msgs = ike_messages(SRC)
    ike = [(d, m) for k, d, m in msgs if k == "ike"]
    init_q = next(m for d, m in ike if d["src"] == I4 and d["dport"] == 500)
    init_r = next(m for d, m in ike if d["src"] == R4 and d["sport"] == 500)
    auth_q = next(m for d, m in ike if d["src"] == I4 and d["dport"] == 4500)
    if len(auth_q) < 2000:
        sys.exit("IKE_AUTH request too small (%d bytes) to need 3 fragments at 1280" % len(auth_q))

    w = PcapWriter(OUT, LINKTYPE_ETHERNET)
    t = BASE_TS
    e_i = lambda p, et=0x0800: ether(p, et, src=MAC_I, dst=MAC_R)  # noqa: E731
    e_r = lambda p, et=0x0800: ether(p, et, src=MAC_R, dst=MAC_I)  # noqa: E731

    w.write(t, e_i(ipv4(I4, R4, 17, udp(I4, R4, 500, 500, init_q), ident=0x0fff)))
    w.write(t + 0.002, e_r(ipv4(R4, I4, 17, udp(R4, I4, 500, 500, init_r), ident=0x7001)))
    t += 0.02

    u4 = udp(I4, R4, 4500, 4500, b"\0\0\0\0" + auth_q)
    # complete, out of order
    fr = ipv4_fragments(I4, R4, 17, u4, 0x1001, 1500)
    assert len(fr) == 2
    for k, f in enumerate(reversed(fr)):
        w.write(t + k * 0.0001, e_i(f))
    t += 1.0
    # two attempts, last fragment lost
    for ident in (0x1002, 0x1003):
        fr = ipv4_fragments(I4, R4, 17, u4, ident, 1000)
        assert len(fr) == 3
        for k, f in enumerate(fr[:-1]):
            w.write(t + k * 0.0001, e_i(f))
        t += 1.0

    u6 = udp(I6, R6, 4500, 4500, b"\0\0\0\0" + auth_q)
    fr = ipv6_fragments(I6, R6, 17, u6, 0x2001, 1000)
    assert len(fr) == 3
    for k, f in enumerate([fr[1], fr[0], fr[2]]):
        w.write(t + k * 0.0001, e_i(f, 0x86DD))
    t += 1.0
    for ident in (0x2002, 0x2003):
        fr = ipv6_fragments(I6, R6, 17, u6, ident, 1280)
        assert len(fr) == 2
        for k, f in enumerate(fr[:-1]):
            w.write(t + k * 0.0001, e_i(f, 0x86DD))
        t += 1.0
    w.close()


if __name__ == "__main__":
    main()
