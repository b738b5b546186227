#!/usr/bin/env python3
"""Generate pcaps/synth-icmp-errors.pcap: ICMP/ICMPv6 errors that quote IKE
and ESP packets.

Content: the quoted IKE messages are the real IKE_SA_INIT requests of
pcaps/ikev2-esp-udp.pcap (IPv4) and pcaps/ikev2-ipv6.pcap (IPv6), both made
by strongSwan.  The large ESP packets that trigger "fragmentation needed" /
"packet too big" use the real SPI and sequence number of the first ESP packet
of those captures followed by deterministic filler (seeded PRNG) standing in
for ciphertext, so that their size really exceeds the reported MTU.

Packets (Ethernet):
  1   IKE_SA_INIT request 192.0.2.1:500 -> 192.0.2.2:500
  2   ICMP type 3 code 3 (port unreachable) 192.0.2.2 -> 192.0.2.1 quoting #1
      (IP header + 548 bytes of the datagram, Linux-style 576-byte limit)
  3   IKE_SA_INIT request 192.0.2.1:500 -> 198.51.100.2:500
  4   ICMP type 3 code 13 (communication administratively prohibited) from
      the router 192.0.2.254 quoting #3
  5   ESP-in-UDP 192.0.2.1:4500 -> 198.51.100.2:4500, 1500 bytes, DF set
  6   ICMP type 3 code 4 (fragmentation needed, next-hop MTU 1400) from
      192.0.2.254 quoting #5
  7   ESP (IP proto 50, no UDP) 2001:db8:1::1 -> 2001:db8:2::2, 1440 bytes
  8   ICMPv6 type 2 (Packet Too Big, MTU 1280) from 2001:db8:1::fe quoting #7
      (as much as fits in 1280 bytes)
  9   IKE_SA_INIT request 2001:db8:1::1:500 -> 2001:db8:1::2:500
  10  ICMPv6 type 1 code 4 (port unreachable) 2001:db8:1::2 quoting #9
  11  IKE_SA_INIT request 2001:db8:1::1:500 -> 2001:db8:2::2:500
  12  ICMPv6 type 1 code 1 (administratively prohibited) from 2001:db8:1::fe
      quoting #11

An analyzer should tie each ICMP error to the IKE/ESP flow it quotes (by the
quoted addresses, ports, IKE SPI / ESP SPI) and report: responder not
listening on UDP 500 (#2, #10), IKE blocked by a filter (#4, #12), path MTU
1400 for the UDP-encapsulated ESP flow (#6) and 1280 for the IPv6 ESP flow
(#8).

Usage: tests/gen/synth-icmp-errors.py [OUT.pcap]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthlib import (PCAPS, BASE_TS, LINKTYPE_ETHERNET, MAC_I, MAC_R, PcapWriter,  # noqa: E402
                      ether, ipv4, ipv6, ip4, ip6, udp, icmp, icmp6, ike_messages,
                      det_bytes)

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(PCAPS, "synth-icmp-errors.pcap")
SRC4 = os.path.join(PCAPS, "ikev2-esp-udp.pcap")
SRC6 = os.path.join(PCAPS, "ikev2-ipv6.pcap")

I4, R4, RTR4, FAR4 = ip4("192.0.2.1"), ip4("192.0.2.2"), ip4("192.0.2.254"), ip4("198.51.100.2")
I6, R6, RTR6, FAR6 = (ip6("2001:db8:1::1"), ip6("2001:db8:1::2"), ip6("2001:db8:1::fe"),
                      ip6("2001:db8:2::2"))
MAC_RTR = bytes.fromhex("0200000000fe")


def main():
    m4 = ike_messages(SRC4)
    m6 = ike_messages(SRC6)
    init4 = next(m for k, d, m in m4 if k == "ike" and d["src"] == I4)
    esp4 = next(m for k, d, m in m4 if k == "esp" and d["src"] == I4)
    init6 = next(m for k, d, m in m6 if k == "ike" and d["src"] == I6)
    esp6 = next(m for k, d, m in m6 if k == "esp" and d["src"] == I6)

    w = PcapWriter(OUT, LINKTYPE_ETHERNET)
    t = [BASE_TS]

    def put(pkt, et=0x0800, src=MAC_I, dst=MAC_R, dt=0.001):
        w.write(t[0], ether(pkt, et, src=src, dst=dst))
        t[0] += dt

    # 1-2 port unreachable
    p = ipv4(I4, R4, 17, udp(I4, R4, 500, 500, init4), ident=0x2101)
    put(p)
    put(ipv4(R4, I4, 1, icmp(3, 3, b"\0\0\0\0", p[:548]), ident=0x3101, df=False),
        src=MAC_R, dst=MAC_I, dt=1.0)
    # 3-4 admin prohibited from the router
    p = ipv4(I4, FAR4, 17, udp(I4, FAR4, 500, 500, init4), ident=0x2102)
    put(p, dst=MAC_RTR)
    put(ipv4(RTR4, I4, 1, icmp(3, 13, b"\0\0\0\0", p[:548]), ident=0x3102, df=False),
        src=MAC_RTR, dst=MAC_I, dt=1.0)
    # 5-6 fragmentation needed, next-hop MTU 1400
    esp_big = esp4[:8] + det_bytes(1500 - 20 - 8 - 8, seed=4500)
    p = ipv4(I4, FAR4, 17, udp(I4, FAR4, 4500, 4500, esp_big), ident=0x2103, df=True)
    assert len(p) == 1500
    put(p, dst=MAC_RTR)
    put(ipv4(RTR4, I4, 1, icmp(3, 4, struct.pack(">HH", 0, 1400), p[:548]), ident=0x3103,
             df=False), src=MAC_RTR, dst=MAC_I, dt=1.0)
    # 7-8 IPv6 ESP (proto 50) and Packet Too Big 1280
    esp_big6 = esp6[:8] + det_bytes(1400 - 8, seed=50)
    p = ipv6(I6, FAR6, 50, esp_big6)
    put(p, 0x86DD, dst=MAC_RTR)
    q = p[:1280 - 40 - 8]
    put(ipv6(RTR6, I6, 58, icmp6(RTR6, I6, 2, 0, struct.pack(">I", 1280), q)),
        0x86DD, src=MAC_RTR, dst=MAC_I, dt=1.0)
    # 9-10 ICMPv6 port unreachable
    p = ipv6(I6, R6, 17, udp(I6, R6, 500, 500, init6))
    put(p, 0x86DD)
    put(ipv6(R6, I6, 58, icmp6(R6, I6, 1, 4, b"\0\0\0\0", p[:1232])),
        0x86DD, src=MAC_R, dst=MAC_I, dt=1.0)
    # 11-12 ICMPv6 administratively prohibited from the router
    p = ipv6(I6, FAR6, 17, udp(I6, FAR6, 500, 500, init6))
    put(p, 0x86DD, dst=MAC_RTR)
    put(ipv6(RTR6, I6, 58, icmp6(RTR6, I6, 1, 1, b"\0\0\0\0", p[:1232])),
        0x86DD, src=MAC_RTR, dst=MAC_I, dt=1.0)
    w.close()


if __name__ == "__main__":
    main()
