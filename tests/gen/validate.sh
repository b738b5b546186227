#!/bin/bash
# Decode every capture in pcaps/ with tshark and capinfos (sanity check).
# Prints per file: link type, packet count, protocol summary, and any
# malformed / bad-checksum packets.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
rc=0
for f in "$ROOT"/pcaps/*.pcap "$ROOT"/pcaps/*.pcapng; do
    [ -e "$f" ] || continue
    n=$(timeout 30 capinfos -c -M "$f" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
    enc=$(timeout 30 capinfos -E "$f" 2>/dev/null | awk -F': *' '/encapsulation/ {print $2}')
    protos=$(timeout 30 tshark -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE -T fields -e _ws.col.Protocol 2>/dev/null | sort | uniq -c |
        awk '{printf "%s:%s ", $2, $1}')
    bad=$(timeout 30 tshark -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)
    printf '%-40s %-32s %4s pkts  %s' "$(basename "$f")" "$enc" "$n" "$protos"
    [ "$bad" -gt 0 ] && { printf ' !! %s error packets' "$bad"; }
    echo
done
exit $rc
