#!/usr/bin/env python3
"""Generate pcaps/synth-tcp-encap.pcap: IKEv2 + ESP over TCP (RFC 8229).

No daemon available here can make real IKE-over-TCP (see
shared/LAB-NOTES.md: strongSwan 5.9.8 has no RFC 8229 support, libreswan
4.10 needs kernel espintcp), so this script writes a spec-exact stream.

Content: the IKE messages and ESP packets are the real UDP payloads of
pcaps/ikev2-esp-udp.pcap (made by strongSwan; IKE messages taken from UDP 500
and from UDP 4500 with the 4-byte non-ESP marker removed).  They are
re-framed for TCP exactly as RFC 8229 section 3 says:

  * the initiator first sends the 6-byte stream prefix "IKETCP";
  * every frame starts with a 16-bit big-endian Length that INCLUDES the two
    length bytes;
  * IKE frames: Length | Non-ESP marker 0x00000000 | IKE message;
  * ESP frames: Length | ESP packet (SPI is never zero).

(NAT_DETECTION payloads inside the reused IKE_SA_INIT messages still hash
the original UDP ports; the content is otherwise byte-identical.)

Stream (192.0.2.1:40001 -> 192.0.2.2:4500), packet by packet:
  1-3    TCP three-way handshake (MSS 1460)
  4      initiator: "IKETCP" + first 60 bytes of frame IKE_SA_INIT request
  5      initiator: rest of that frame (frame split across 2 segments)
  6      responder: ACK
  7      responder: frame IKE_SA_INIT response (one frame, one segment)
  8      initiator: ACK
  9      initiator: SECOND half of frame IKE_AUTH request (OUT OF ORDER)
  10     responder: duplicate ACK (still expects the first half)
  11     initiator: FIRST half of frame IKE_AUTH request
  12     responder: ACK covering both halves
  13     responder: frame IKE_AUTH response
  14     responder: RETRANSMISSION of segment 13 (same seq, same bytes)
  15     initiator: ACK (duplicate for the retransmitted data)
  16     initiator: TWO ESP frames in one segment (pings 1 and 2)
  17     responder: ESP frame + first byte of the next ESP frame's length
  18     responder: remaining bytes of that ESP frame (length field split)
  19     initiator: ACK
  20-23  ESP frames 3 and 4 each way, one frame per segment (ACKs piggybacked)
  24     initiator: ESP frame 5 AND the IKE INFORMATIONAL (delete) request
         in one segment (ESP and IKE frames mixed)
  25     responder: ESP frame 5 reply + INFORMATIONAL response in one segment
  26-28  FIN/ACK, FIN/ACK, ACK

Deterministic: fixed ISNs, fixed timestamps from synthlib.BASE_TS.
Usage: tests/gen/synth-tcp-encap.py [SOURCE.pcap] [OUT.pcap]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthlib import (PCAPS, BASE_TS, LINKTYPE_ETHERNET, MAC_I, MAC_R, PcapWriter,  # noqa: E402
                      ether, ipv4, ip4, tcp, ike_messages,
                      TCP_SYN, TCP_ACK, TCP_PSH, TCP_FIN)

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(PCAPS, "ikev2-esp-udp.pcap")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(PCAPS, "synth-tcp-encap.pcap")

I_ADDR, R_ADDR = ip4("192.0.2.1"), ip4("192.0.2.2")
I_PORT, R_PORT = 40001, 4500


def frame_ike(msg):
    return struct.pack(">H", 2 + 4 + len(msg)) + b"\0\0\0\0" + msg


def frame_esp(pkt):
    assert pkt[:4] != b"\0\0\0\0"
    return struct.pack(">H", 2 + len(pkt)) + pkt


def main():
    msgs = ike_messages(SRC)
    ike_i = [m for k, d, m in msgs if k == "ike" and d["src"] == I_ADDR]
    ike_r = [m for k, d, m in msgs if k == "ike" and d["src"] == R_ADDR]
    esp_i = [m for k, d, m in msgs if k == "esp" and d["src"] == I_ADDR]
    esp_r = [m for k, d, m in msgs if k == "esp" and d["src"] == R_ADDR]
    if len(ike_i) < 3 or len(ike_r) < 3 or len(esp_i) < 5 or len(esp_r) < 5:
        sys.exit("%s: expected 3+3 IKE messages and 5+5 ESP packets" % SRC)
    sa_init_q, auth_q, info_q = ike_i[0], ike_i[1], ike_i[-1]
    sa_init_r, auth_r, info_r = ike_r[0], ike_r[1], ike_r[-1]

    w = PcapWriter(OUT, LINKTYPE_ETHERNET)
    t = [BASE_TS + 0.0]
    ISN_I, ISN_R = 0x1A2B0000, 0x5C6D0000
    seq = {"i": ISN_I, "r": ISN_R}      # next sequence number to send

    def emit(side, flags, payload=b"", seqno=None, ack=None, dt=0.0005, opts=b""):
        t[0] += dt
        s = seq[side] if seqno is None else seqno
        a = (seq["r"] if side == "i" else seq["i"]) if ack is None else ack
        if side == "i":
            seg = tcp(I_ADDR, R_ADDR, I_PORT, R_PORT, s, a, flags, payload, options=opts)
            pkt = ether(ipv4(I_ADDR, R_ADDR, 6, seg, ident=0), src=MAC_I, dst=MAC_R)
        else:
            seg = tcp(R_ADDR, I_ADDR, R_PORT, I_PORT, s, a, flags, payload, options=opts)
            pkt = ether(ipv4(R_ADDR, I_ADDR, 6, seg, ident=0), src=MAC_R, dst=MAC_I)
        w.write(t[0], pkt)

    def send(side, payload, dt=0.0005):
        emit(side, TCP_PSH | TCP_ACK, payload, dt=dt)
        seq[side] += len(payload)

    mss = b"\x02\x04\x05\xb4"
    # 1-3 handshake
    emit("i", TCP_SYN, seqno=ISN_I, ack=0, opts=mss, dt=0)
    seq["i"] += 1
    emit("r", TCP_SYN | TCP_ACK, seqno=ISN_R, ack=seq["i"], opts=mss)
    seq["r"] += 1
    emit("i", TCP_ACK)
    # 4-5 prefix + IKE_SA_INIT request split over two segments
    f = frame_ike(sa_init_q)
    send("i", b"IKETCP" + f[:60])
    send("i", f[60:])
    emit("r", TCP_ACK)
    # 7-8 IKE_SA_INIT response
    send("r", frame_ike(sa_init_r), dt=0.002)
    emit("i", TCP_ACK)
    # 9-12 IKE_AUTH request, second half first (out of order)
    f = frame_ike(auth_q)
    half = len(f) // 2
    base = seq["i"]
    emit("i", TCP_PSH | TCP_ACK, f[half:], seqno=base + half, dt=0.005)
    emit("r", TCP_ACK, ack=base)                       # dup ACK
    emit("i", TCP_PSH | TCP_ACK, f[:half], seqno=base, dt=0.001)
    seq["i"] = base + len(f)
    emit("r", TCP_ACK)
    # 13-15 IKE_AUTH response and its retransmission
    f = frame_ike(auth_r)
    base = seq["r"]
    send("r", f, dt=0.004)
    emit("r", TCP_PSH | TCP_ACK, f, seqno=base, dt=0.2)   # retransmission
    emit("i", TCP_ACK)
    # 16 two ESP frames in one segment
    send("i", frame_esp(esp_i[0]) + frame_esp(esp_i[1]), dt=0.5)
    # 17-18 responder: frame + 1 byte of the next frame's length field
    f2 = frame_esp(esp_r[1])
    send("r", frame_esp(esp_r[0]) + f2[:1])
    send("r", f2[1:])
    emit("i", TCP_ACK)
    # 20-23 one frame per segment
    for k in (2, 3):
        send("i", frame_esp(esp_i[k]), dt=0.3)
        send("r", frame_esp(esp_r[k]))
    # 24-25 ESP + IKE delete mixed in one segment each way
    send("i", frame_esp(esp_i[4]) + frame_ike(info_q), dt=0.3)
    send("r", frame_esp(esp_r[4]) + frame_ike(info_r))
    # 26-28 close
    emit("i", TCP_FIN | TCP_ACK, dt=0.01)
    seq["i"] += 1
    emit("r", TCP_FIN | TCP_ACK)
    seq["r"] += 1
    emit("i", TCP_ACK)
    w.close()


if __name__ == "__main__":
    main()
