#!/usr/bin/env python3
"""Writes hostile variants of a classic pcap file for the bad-input tests.

usage: pcapmut.py MODE IN OUT
  cut-mid     cut the file in the middle of its last-but-one packet record
  cut-header  cut the file inside the 24-byte file header
  snap96      rewrite every packet with caplen cut to 96 bytes (as tcpdump -s 96)
  zerolen     insert a zero-length packet record before every packet
  magic       replace the magic number with garbage
  caplen-big  declare a caplen larger than the file's snaplen (data present)
  caplen-huge declare a caplen of 16 MiB on the first packet (data absent)
"""
import struct
import sys


def records(data):
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    out = []
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        out.append((off, sec, frac, incl, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return endian, out


def main():
    mode, src, dst = sys.argv[1:4]
    data = open(src, "rb").read()
    endian, recs = records(data)
    hdr = bytearray(data[:24])
    if mode == "cut-mid":
        off = recs[-2][0] if len(recs) > 1 else recs[0][0]
        out = data[:off + 16 + 5]
    elif mode == "cut-header":
        out = data[:13]
    elif mode == "magic":
        out = b"\x12\x34\x56\x78" + data[4:]
    else:
        body = bytearray()
        for i, (_, sec, frac, incl, orig, pkt) in enumerate(recs):
            if mode == "snap96":
                pkt = pkt[:96]
                body += struct.pack(endian + "IIII", sec, frac, len(pkt), orig) + pkt
            elif mode == "zerolen":
                body += struct.pack(endian + "IIII", sec, frac, 0, orig)
                body += struct.pack(endian + "IIII", sec, frac, incl, orig) + pkt
            elif mode == "caplen-big":
                struct.pack_into(endian + "I", hdr, 16, 64)
                body += struct.pack(endian + "IIII", sec, frac, incl, orig) + pkt
            elif mode == "caplen-huge":
                size = 16 << 20 if i == 0 else incl
                body += struct.pack(endian + "IIII", sec, frac, size, orig) + pkt
            else:
                sys.exit("unknown mode " + mode)
        if mode == "snap96":
            struct.pack_into(endian + "I", hdr, 16, 96)
        out = bytes(hdr) + bytes(body)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
