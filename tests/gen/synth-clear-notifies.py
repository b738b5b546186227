#!/usr/bin/env python3
"""Generate pcaps/synth-clear-notifies.pcap: error notifies sent in clear that
the daemons of the lab keep encrypted or do not send at all.

Content: an IKEv1 tunnel made by strongSwan (the Main Mode, the Quick Mode
and the first ESP-in-UDP packets of pcaps/ikev1-main-quick.pcap, replayed
with their original addresses, ports and relative times), followed by
crafted packets:

  - a second Quick Mode request from the initiator (its encrypted body is
    seeded filler standing in for ciphertext), answered by the responder
    with an unencrypted Informational holding NO_PROPOSAL_CHOSEN for ESP;
  - a third one, answered likewise with INVALID_ID_INFORMATION;
  - an unencrypted Informational from the responder holding INVALID_SPI for
    ESP, naming the SPI of the initiator's ESP flow towards it, after which
    the initiator goes on sending on that SPI for three seconds (sequence
    numbers continuing, filler in place of ciphertext);
  - between two other hosts (203.0.113.1 and 203.0.113.2, UDP 4500), an
    IKEv2 INFORMATIONAL request for an IKE SA the responder does not know
    (SK payload of filler) and the unprotected answer RFC 7296 section
    2.21.4 allows: the same SPIs and message ID, INVALID_IKE_SPI.

An analyzer should report the refused child SAs by their notify
(child.no_proposal_chosen, child.ts_unacceptable), the unknown SPIs
(ike.invalid_spi, for IKEv1 and IKEv2) and the ESP that kept coming on the
SPI after INVALID_SPI named it (esp.stale_spi, certain).

Usage: tests/gen/synth-clear-notifies.py [OUT.pcap]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthlib import (PCAPS, BASE_TS, LINKTYPE_ETHERNET, MAC_I, MAC_R, PcapWriter,  # noqa: E402
                      ether, ipv4, ip4, udp, ike_messages, det_bytes)

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(PCAPS, "synth-clear-notifies.pcap")
SRC = os.path.join(PCAPS, "ikev1-main-quick.pcap")

V1_INFORMATIONAL, V1_QUICK_MODE = 5, 32
V1_FLAG_ENCRYPTED = 0x01
V1_PLD_NOTIFICATION, V1_PLD_HASH = 11, 8
PROTO_ISAKMP, PROTO_ESP = 1, 3
N_INVALID_SPI, N_NO_PROPOSAL_CHOSEN, N_INVALID_ID_INFORMATION = 11, 14, 18

V2_INFORMATIONAL = 37
V2_FLAG_INITIATOR, V2_FLAG_RESPONSE = 0x08, 0x20
V2_PLD_SK, V2_PLD_N = 46, 41
N_INVALID_IKE_SPI = 4


def ike1_header(icookie, rcookie, np, exch, flags, msgid, body):
    """ISAKMP header (RFC 2408 section 3.1) followed by body."""
    return (icookie + rcookie + struct.pack(">BBBBII", np, 0x10, exch, flags, msgid,
                                            28 + len(body)) + body)


def ike1_notification(proto, spi, ntype):
    """Notification payload (RFC 2408 section 3.14), DOI IPsec, last payload."""
    return struct.pack(">BBHIBBH", 0, 0, 12 + len(spi), 1, proto, len(spi), ntype) + spi


def ike2_message(ispi, rspi, np, exch, flags, msgid, body):
    """IKEv2 header (RFC 7296 section 3.1) followed by body."""
    return ispi + rspi + struct.pack(">BBBBII", np, 0x20, exch, flags, msgid, 28 + len(body)) + body


def main():
    msgs = ike_messages(SRC)
    ike = [(d, m) for k, d, m in msgs if k == "ike"]
    esp = [(d, m) for k, d, m in msgs if k == "esp"]
    # Main Mode (6) and Quick Mode (3); the deletes at its end are left out.
    tunnel = ike[:9]
    assert [m[18] for d, m in tunnel] == [2] * 6 + [V1_QUICK_MODE] * 3
    icookie, rcookie = tunnel[0][1][:8], tunnel[1][1][8:16]
    i_addr, r_addr = tunnel[0][0]["src"], tunnel[0][0]["dst"]
    first_ts = tunnel[0][0]["ts"]
    esp_start = [(d, m) for d, m in esp][:6]

    w = PcapWriter(OUT, LINKTYPE_ETHERNET)
    ident = [0x4000]

    def put(ts, src, dst, sport, dport, payload, marker=False):
        if marker:
            payload = b"\0\0\0\0" + payload
        ident[0] += 1
        p = ipv4(src, dst, 17, udp(src, dst, sport, dport, payload), ident=ident[0])
        frm, to = (MAC_I, MAC_R) if src == i_addr or src == ip4("203.0.113.1") else (MAC_R, MAC_I)
        w.write(BASE_TS + ts, ether(p, src=frm, dst=to))

    def replay(d, m, marker):
        put(d["ts"] - first_ts, d["src"], d["dst"], d["sport"], d["dport"], m, marker)

    for d, m in tunnel:
        replay(d, m, 4500 in (d["sport"], d["dport"]))
    for d, m in esp_start:
        replay(d, m, False)
    t = esp_start[-1][0]["ts"] - first_ts + 0.5
    nat_i = next(d for d, m in tunnel if d["src"] == i_addr and d["sport"] == 4500)
    ports_ir = (nat_i["sport"], nat_i["dport"])

    # Quick Mode requests refused in clear: NO_PROPOSAL_CHOSEN, then
    # INVALID_ID_INFORMATION.
    for n, (msgid, ntype) in enumerate(((0x5a5a0001, N_NO_PROPOSAL_CHOSEN),
                                        (0x5a5a0002, N_INVALID_ID_INFORMATION))):
        body = det_bytes(176, seed=3200 + n)
        put(t, i_addr, r_addr, ports_ir[0], ports_ir[1],
            ike1_header(icookie, rcookie, V1_PLD_HASH, V1_QUICK_MODE, V1_FLAG_ENCRYPTED, msgid,
                        body), marker=True)
        t += 0.002
        put(t, r_addr, i_addr, ports_ir[1], ports_ir[0],
            ike1_header(icookie, rcookie, V1_PLD_NOTIFICATION, V1_INFORMATIONAL, 0,
                        0x6b6b0001 + n, ike1_notification(PROTO_ESP, b"", ntype)), marker=True)
        t += 1.0

    # INVALID_SPI from the responder for the SPI the initiator sends on.
    i_esp = [(d, m) for d, m in esp_start if d["src"] == i_addr]
    spi, seq = struct.unpack(">II", i_esp[-1][1][:8])
    size = len(i_esp[-1][1])
    put(t, r_addr, i_addr, ports_ir[1], ports_ir[0],
        ike1_header(icookie, rcookie, V1_PLD_NOTIFICATION, V1_INFORMATIONAL, 0, 0x6b6b0003,
                    ike1_notification(PROTO_ESP, struct.pack(">I", spi), N_INVALID_SPI)),
        marker=True)
    for k in range(1, 11):
        t += 0.3
        put(t, i_addr, r_addr, ports_ir[0], ports_ir[1],
            struct.pack(">II", spi, seq + k) + det_bytes(size - 8, seed=5000 + k))

    # IKEv2: an INFORMATIONAL request for an unknown IKE SA, answered
    # unprotected with INVALID_IKE_SPI.
    a, b = ip4("203.0.113.1"), ip4("203.0.113.2")
    ispi, rspi = bytes.fromhex("1f2e3d4c5b6a7988"), bytes.fromhex("8877665544332211")
    t += 1.0
    sk = struct.pack(">BBH", 0, 0, 4 + 80) + det_bytes(80, seed=4600)
    put(t, a, b, 4500, 4500,
        ike2_message(ispi, rspi, V2_PLD_SK, V2_INFORMATIONAL, V2_FLAG_INITIATOR, 7, sk), marker=True)
    t += 0.001
    n = struct.pack(">BBHBBH", 0, 0, 8, 0, 0, N_INVALID_IKE_SPI)
    put(t, b, a, 4500, 4500,
        ike2_message(ispi, rspi, V2_PLD_N, V2_INFORMATIONAL, V2_FLAG_RESPONSE, 7, n), marker=True)
    w.close()


if __name__ == "__main__":
    main()
