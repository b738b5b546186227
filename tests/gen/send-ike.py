#!/usr/bin/env python3
"""Send one IKE message that no daemon here would send, to a real responder,
and print what comes back (used by make-captures.sh; the answer in the
capture is the responder's own).

  send-ike.py critical SRC DST   the first IKE_SA_INIT request of
                                 pcaps/ikev2-no-proposal.pcap (strongSwan's,
                                 192.0.2.1 to 192.0.2.2, so its NAT-D hashes
                                 still hold) with a payload of an unassigned
                                 type (100) marked critical appended: RFC
                                 7296 section 2.5 has the responder refuse
                                 it with UNSUPPORTED_CRITICAL_PAYLOAD.
"""
import socket
import struct
import sys

import synthlib

UNKNOWN_TYPE = 100


def first_sa_init_request():
    for kind, _d, msg in synthlib.ike_messages(synthlib.PCAPS + "/ikev2-no-proposal.pcap"):
        if kind == "ike" and msg[17] == 0x20 and msg[18] == 34 and not msg[19] & 0x20:
            return bytearray(msg)
    raise SystemExit("no IKE_SA_INIT request in ikev2-no-proposal.pcap")


def with_critical_payload(msg):
    """Appends an unknown payload with the critical bit to msg's chain."""
    off, np = 28, msg[16]
    last = 16  # where the next-payload field pointing at the new one sits
    while np != 0:
        last = off
        np = msg[off]
        plen = struct.unpack(">H", msg[off + 2:off + 4])[0]
        if plen < 4 or off + plen > len(msg):
            raise SystemExit("bad payload length %d at offset %d" % (plen, off))
        off += plen
    msg[last] = UNKNOWN_TYPE
    body = b"ikescope"
    msg += struct.pack(">BBH", 0, 0x80, 4 + len(body)) + body
    msg[24:28] = struct.pack(">I", len(msg))
    return bytes(msg)


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "critical":
        raise SystemExit(__doc__)
    src, dst = sys.argv[2], sys.argv[3]
    msg = with_critical_payload(first_sa_init_request())
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 500))
    s.settimeout(2)
    s.sendto(msg, (dst, 500))
    try:
        answer, _ = s.recvfrom(65535)
    except socket.timeout:
        raise SystemExit("no answer")
    print("answer: %d bytes, exchange %d, flags 0x%02x" % (len(answer), answer[18], answer[19]))


if __name__ == "__main__":
    main()
