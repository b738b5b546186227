#!/bin/bash
# Rebuild all daemon-made captures in pcaps/ (run as root, Debian 12 with
# strongswan-swanctl, charon (strongswan-charon), libcharon-extra-plugins
# (kernel-libipsec), tcpdump, nftables, openssl, iputils-ping).
#
#   tests/gen/make-captures.sh              # all scenarios
#   tests/gen/make-captures.sh NAME...      # only these (see list below)
#   KEEP_TMP=1 tests/gen/make-captures.sh   # keep configs/logs in /tmp
#
# Every scenario runs two (or three) network namespaces named iks-*, one
# strongSwan charon per endpoint namespace (each in its own mount namespace
# with a private /run), generates PSKs/certs/configs in a temp dir, captures
# with tcpdump on the responder (or router) side and cleans up afterwards.
# See pcaps/README.md for what each capture shows.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$ROOT/pcaps}
# shellcheck source=lib.sh
. "$HERE/lib.sh"
mkdir -p "$OUT"

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# psk_conf NAME VERSION LOCAL REMOTE LID RID LTS RTS IKEPROPS ESPPROPS PSK [CONN-EXTRA] [CHILD-EXTRA] [REMOTE-AUTH]
# The local side always authenticates with the PSK; REMOTE-AUTH (default psk)
# is what this side requires from its peer.
psk_conf() {
    local name=$1 ver=$2 la=$3 ra=$4 lid=$5 rid=$6 lts=$7 rts=$8 ikep=$9 espp=${10} psk=${11}
    local cx=${12:-} chx=${13:-} rauth=${14:-psk}
    cat >"$T/$name/swanctl.conf" <<EOF
connections {
    test {
        version = $ver
        local_addrs = $la
        remote_addrs = $ra
        proposals = $ikep
        $cx
        local {
            auth = psk
            id = $lid
        }
        remote {
            auth = $rauth
            id = $rid
        }
        children {
            net {
                local_ts = $lts
                remote_ts = $rts
                esp_proposals = $espp
                start_action = none
                $chx
            }
        }
    }
}
secrets {
    ike-1 {
        id-1 = $lid
        id-2 = $rid
        secret = "$psk"
    }
}
EOF
}

INI_ID=initiator.example.com
RSP_ID=responder.example.com
PSK=ikescope-test-psk-0123456789

# Good tunnel with ESP (kernel-libipsec), pings, terminate.
# good_tunnel OUTFILE VERSION [CONN-EXTRA] [topology pair|pair6] [iface]
# Environment: UP_HOOK (run once the tunnel is up, before the pings),
# LATE_CAPTURE=1 (capture only while the tunnel is up: no IKE in the file).
good_tunnel() {
    local out=$1 ver=$2 cx=${3:-} topo=${4:-pair} ifc=${5:-p0}
    local la=192.0.2.1 ra=192.0.2.2 lts=203.0.113.1/32 rts=203.0.113.2/32 src=203.0.113.1 dst=203.0.113.2
    if [ "$topo" = pair6 ]; then
        la=2001:db8:1::1 ra=2001:db8:1::2 lts=2001:db8:ffff::1/128 rts=2001:db8:ffff::2/128
        src=2001:db8:ffff::1 dst=2001:db8:ffff::2
    fi
    "topo_$topo"
    sw_conf ini "$PLUGINS_ESP" "${SW_EXTRA:-}"; sw_conf rsp "$PLUGINS_ESP" "${SW_EXTRA:-}"
    psk_conf ini "$ver" "$la" "$ra" $INI_ID $RSP_ID "$lts" "$rts" aes256-sha256-modp2048 aes128gcm16 "$PSK" "$cx"
    psk_conf rsp "$ver" "$ra" "$la" $RSP_ID $INI_ID "$rts" "$lts" aes256-sha256-modp2048 aes128gcm16 "$PSK" "$cx"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    local late=${LATE_CAPTURE:-}
    [ -n "$late" ] || cap_start iks-rsp "$ifc" "$OUT/$out"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep 0.5
    [ -z "${UP_HOOK:-}" ] || $UP_HOOK || return 1
    [ -z "$late" ] || cap_start iks-rsp "$ifc" "$OUT/$out"
    tunnel_ping "$src" "$dst"
    [ -z "$late" ] || cap_stop 1
    sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
    [ -n "$late" ] || cap_stop 1
}

s_ikev2_esp_udp()    { good_tunnel ikev2-esp-udp.pcap 2; }
s_ikev1_main_quick() { good_tunnel ikev1-main-quick.pcap 1; }
# strongSwan refuses Aggressive Mode with PSK as responder unless told otherwise
s_ikev1_aggressive() { SW_EXTRA="i_dont_care_about_security_and_use_aggressive_mode_psk = yes" good_tunnel ikev1-aggressive.pcap 1 "aggressive = yes"; }
s_ikev2_ipv6()       { good_tunnel ikev2-ipv6.pcap 2 "" pair6; }
# "tcpdump -i any" (Linux cooked v2); checksum offload left ON on purpose:
# the responder's own packets carry unfinished UDP checksums, as on real hosts
s_ikev2_linux_sll2() { KEEP_CSUM_OFFLOAD=1 good_tunnel ikev2-linux-sll2.pcap 2 "" pair any; }
# The capture starts after the tunnel came up and ends before it is taken
# down: ESP only, as when a capture is started on a running VPN.
s_ikev2_esp_no_ike() { LATE_CAPTURE=1 good_tunnel ikev2-esp-no-ike.pcap 2; }
# Once the tunnel is up, the responder's firewall drops the ESP it sends
# (output hook: the capture on its p0 never sees it): the initiator's pings
# arrive, their replies never leave.
drop_rsp_esp() { nft_drop iks-rsp output udp sport 4500 @th,64,32 != 0; }
s_ikev2_esp_one_way() { PINGS=10 UP_HOOK=drop_rsp_esp good_tunnel ikev2-esp-one-way.pcap 2; }

# IKEv2 through a masquerading router, captured on the router on IFACE
# (wan0: its WAN side; any: every interface, each forwarded packet twice)
# into FILE; IDLE seconds of NAT keepalives (keep_alive = 2s) before the end.
natt_router() {
    local iface=$1 file=$2 idle=$3
    topo_routed
    nsx iks-rtr nft -f - <<'EOF'
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan0" masquerade
    }
}
EOF
    sw_conf ini "$PLUGINS_ESP" "keep_alive = 2s"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini 2 192.0.2.1 198.51.100.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    psk_conf rsp 2 198.51.100.2 %any $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rtr "$iface" "$OUT/$file"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep 0.5
    tunnel_ping
    sleep "$idle"
    sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
    cap_stop 1
}
s_ikev2_natt() { natt_router wan0 ikev2-natt.pcap 7; }
s_ikev2_natt_router_any() { natt_router any ikev2-natt-router-any.pcap 5; }

# The initiator's own outbound NAT rewrites its IKE source port (500 to
# 10500) and keeps its address, as a firewall with an outbound NAT rule for
# any source does to its own IKE. Captured on the initiator's link, after
# that NAT. Its NAT-D source hash matches its address with port 500 only.
# No kernel-libipsec (it fakes the NAT-D hashes to force encapsulation), so
# no ESP: the IKE SA alone is brought up (childless, RFC 6023).
s_ikev2_own_nat_port() {
    topo_pair
    nsx iks-ini nft -f - <<'XEOF'
table ip nat {
    chain out_nat {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "i0" udp sport 500 snat to 192.0.2.1:10500
    }
}
XEOF
    sw_conf ini "$PLUGINS_NEGO"; sw_conf rsp "$PLUGINS_NEGO"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    psk_conf rsp 2 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-ini i0 "$OUT/ikev2-own-nat-port.pcap"
    sw ini --initiate --ike test >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep 0.5
    sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
    cap_stop 1
}

# The responder behind the NAT router, reached through a port forward
# (DNAT of UDP 500/4500): the outside peer initiates, so each packet of it
# arrives on wan first. Captured on the router with -i any.
s_ikev2_natt_router_any_inbound() {
    topo_routed
    nsx iks-rtr nft -f - <<'EOF'
table ip nat {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        iifname "wan0" udp dport { 500, 4500 } dnat to 192.0.2.1
    }
}
EOF
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP" "keep_alive = 2s"
    psk_conf ini 2 192.0.2.1 %any $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    psk_conf rsp 2 198.51.100.2 198.51.100.254 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rtr any "$OUT/ikev2-natt-router-any-inbound.pcap"
    sw rsp --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep 0.5
    tunnel_ping 203.0.113.2 203.0.113.1 iks-rsp
    sw rsp --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
    cap_stop 1
}

# The NAT router of ikev2_natt_router_any drops the responder's answers it
# should forward (a firewall rule on the way back): captured with -i any,
# the answers arrive on wan and never leave on lan.
s_ikev2_router_any_drops_answers() {
    topo_routed
    nsx iks-rtr nft -f - <<'EOF'
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan0" masquerade
    }
}
table inet ikescope_drop {
    chain forward_answers {
        type filter hook forward priority 0; policy accept;
        iifname "wan0" udp sport 500 drop
    }
}
EOF
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini 2 192.0.2.1 198.51.100.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    psk_conf rsp 2 198.51.100.2 %any $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rtr any "$OUT/ikev2-router-any-drops-answers.pcap"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    cap_stop 1
}

# Starts both daemons (configured by the caller), captures on the
# responder's p0 into OUT/FILE, brings the tunnel up, pings through it
# (PINGS, default 3) and takes it down; the caller stops the capture.
pair_session() {
    local file=$1
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rsp p0 "$OUT/$file"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep 0.5
    PINGS=${PINGS:-3} tunnel_ping
    sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
}

# EAP (eap-md5) road warrior: the responder authenticates with a
# certificate, the initiator with a password over EAP, which takes more
# IKE_AUTH round trips. EAP_PASS: the initiator's password (wrong: refused).
eap_conf() {
    local name=$1 role=$2 pass=${3:-}
    local d=$T/$name
    if [ "$role" = ini ]; then
        cat >"$d/swanctl.conf" <<EOF
connections {
    test {
        version = 2
        local_addrs = 192.0.2.1
        remote_addrs = 192.0.2.2
        proposals = aes256-sha256-modp2048
        local {
            auth = eap-md5
            id = alice
        }
        remote {
            auth = pubkey
            id = $RSP_ID
        }
        children {
            net {
                local_ts = 203.0.113.1/32
                remote_ts = 203.0.113.2/32
                esp_proposals = aes128gcm16
                start_action = none
            }
        }
    }
}
secrets {
    eap-alice {
        id = alice
        secret = "$pass"
    }
}
EOF
    else
        cat >"$d/swanctl.conf" <<EOF
connections {
    test {
        version = 2
        local_addrs = 192.0.2.2
        remote_addrs = %any
        proposals = aes256-sha256-modp2048
        send_cert = always
        local {
            auth = pubkey
            certs = rsp.pem
            id = $RSP_ID
        }
        remote {
            auth = eap-md5
            eap_id = %any
        }
        children {
            net {
                local_ts = 203.0.113.2/32
                remote_ts = 203.0.113.1/32
                esp_proposals = aes128gcm16
                start_action = none
            }
        }
    }
}
secrets {
    eap-alice {
        id = alice
        secret = "correct-horse"
    }
}
EOF
    fi
}

ikev2_eap() {
    local out=$1 pass=$2
    topo_pair
    mk_certs 2048
    sw_conf ini "$PLUGINS_ESP eap-md5"; sw_conf rsp "$PLUGINS_ESP eap-md5"
    install_certs ini ini; install_certs rsp rsp
    eap_conf ini ini "$pass"; eap_conf rsp rsp
    pair_session "$out" || return 1
    cap_stop 1
}
s_ikev2_eap() { ikev2_eap ikev2-eap-md5.pcap correct-horse; }
s_ikev2_eap_wrong_password() { ikev2_eap ikev2-eap-md5-wrong-password.pcap battery-staple; }

# EAP refused, and the initiator goes silent instead of saying so (its
# AUTHENTICATION_FAILED notify dropped on the way out, as from clients that
# just give up).
s_ikev2_eap_silent() {
    local out=ikev2-eap-md5-silent.pcap
    topo_pair
    mk_certs 2048
    sw_conf ini "$PLUGINS_ESP eap-md5"; sw_conf rsp "$PLUGINS_ESP eap-md5"
    install_certs ini ini; install_certs rsp rsp
    eap_conf ini ini battery-staple; eap_conf rsp rsp
    nsx iks-ini nft -f - <<'EOF'
table inet f {
    chain out {
        type filter hook output priority 0; policy accept;
        udp dport 4500 ip length 112 drop
    }
}
EOF
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rsp p0 "$OUT/$out"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep 35
    # Plain traffic between the hosts: the capture goes on after the failure.
    nsx iks-ini ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1
    cap_stop 1
}

# IKEv1 Main Mode with XAUTH (a user name and password after phase 1, in
# TRANSACTION exchanges): XAUTH_PASS is the initiator's password.
xauth_conf() {
    local name=$1 role=$2 pass=${3:-}
    local d=$T/$name la=192.0.2.1 ra=192.0.2.2 lts=203.0.113.1/32 rts=203.0.113.2/32
    local lid=$INI_ID rid=$RSP_ID xauth="local-xauth { auth = xauth
            xauth_id = alice }"
    if [ "$role" = rsp ]; then
        la=192.0.2.2 ra=%any lts=203.0.113.2/32 rts=203.0.113.1/32
        lid=$RSP_ID rid=$INI_ID pass=correct-horse xauth="remote-xauth { auth = xauth }"
    fi
    cat >"$d/swanctl.conf" <<EOF
connections {
    test {
        version = 1
        local_addrs = $la
        remote_addrs = $ra
        proposals = aes256-sha256-modp2048
        local {
            auth = psk
            id = $lid
        }
        remote {
            auth = psk
            id = $rid
        }
        $xauth
        children {
            net {
                local_ts = $lts
                remote_ts = $rts
                esp_proposals = aes128-sha256
                start_action = none
            }
        }
    }
}
secrets {
    ike-1 {
        id-1 = $INI_ID
        id-2 = $RSP_ID
        secret = "$PSK"
    }
    xauth-alice {
        id = alice
        secret = "$pass"
    }
}
EOF
}

ikev1_xauth() {
    local out=$1 pass=$2
    topo_pair
    sw_conf ini "$PLUGINS_ESP xauth-generic"; sw_conf rsp "$PLUGINS_ESP xauth-generic"
    xauth_conf ini ini "$pass"; xauth_conf rsp rsp
    pair_session "$out" || return 1
    # A refused XAUTH: plain traffic between the hosts 35 s later shows the
    # capture went on after it.
    if [ "$pass" != correct-horse ]; then
        sleep 35
        nsx iks-ini ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1
    fi
    cap_stop 1
}
s_ikev1_xauth() { ikev1_xauth ikev1-xauth.pcap correct-horse; }
s_ikev1_xauth_wrong_password() { ikev1_xauth ikev1-xauth-wrong-password.pcap battery-staple; }

# Certificate auth with big RSA certs.  FRAG=yes: RFC 7383 fragments.
cert_conf() {
    local name=$1 la=$2 ra=$3 lid=$4 rid=$5 lcert=$6 lts=$7 rts=$8 frag=$9 cx=${10:-}
    cat >"$T/$name/swanctl.conf" <<EOF
connections {
    test {
        version = 2
        local_addrs = $la
        remote_addrs = $ra
        proposals = aes256-sha256-modp3072
        fragmentation = $frag
        send_cert = always
        send_certreq = yes
        $cx
        local {
            auth = pubkey
            certs = $lcert
            id = $lid
        }
        remote {
            auth = pubkey
            id = $rid
        }
        children {
            net {
                local_ts = $lts
                remote_ts = $rts
                esp_proposals = aes128gcm16
                start_action = none
            }
        }
    }
}
EOF
}

s_ikev2_fragments() {
    topo_pair
    mk_certs 4096
    sw_conf ini "$PLUGINS_ESP" "fragment_size = 500"; sw_conf rsp "$PLUGINS_ESP" "fragment_size = 500"
    install_certs ini ini; install_certs rsp rsp
    cert_conf ini 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID ini.pem 203.0.113.1/32 203.0.113.2/32 yes
    cert_conf rsp 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID rsp.pem 203.0.113.2/32 203.0.113.1/32 yes
    pair_session ikev2-fragments.pcap || return 1
    cap_stop 1
}

# Big IKE_AUTH without IKE fragmentation, nothing dropped: the kernel
# fragments the UDP datagrams at the IP layer and the exchange succeeds.
s_ikev2_cert_ipfrag() {
    topo_pair
    mk_certs 4096
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    install_certs ini ini; install_certs rsp rsp
    cert_conf ini 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID ini.pem 203.0.113.1/32 203.0.113.2/32 no
    cert_conf rsp 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID rsp.pem 203.0.113.2/32 203.0.113.1/32 no
    PINGS=2 pair_session ikev2-cert-ipfrag.pcap || return 1
    cap_stop 1
}

# The router drops (and counts) every non-first IPv4 fragment it forwards.
router_drops_fragments() {
    nsx iks-rtr nft -f - <<'EOF'
table ip fragdrop {
    chain forward {
        type filter hook forward priority filter; policy accept;
        ip frag-off & 0x1fff != 0 counter drop
    }
}
EOF
}

# cert_stall OUTFILE FRAGMENTATION DROP: a big certificate IKE_AUTH through a
# router whose nftables rule DROP loses part of it; captured on the router's
# responder side.  Negotiation only (no ESP).
cert_stall() {
    local out=$1 frag=$2 drop=$3
    topo_routed
    $drop || return 1
    mk_certs 4096
    sw_conf ini "$PLUGINS_NEGO" "${SW_EXTRA:-}"; sw_conf rsp "$PLUGINS_NEGO" "${SW_EXTRA:-}"
    install_certs ini ini; install_certs rsp rsp
    cert_conf ini 192.0.2.1 198.51.100.2 $INI_ID $RSP_ID ini.pem 203.0.113.1/32 203.0.113.2/32 "$frag" "mobike = no"
    cert_conf rsp 198.51.100.2 192.0.2.1 $RSP_ID $INI_ID rsp.pem 203.0.113.2/32 203.0.113.1/32 "$frag" "mobike = no"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rtr wan0 "$OUT/$out"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$? (failure expected)"
    nsx iks-rtr nft list ruleset | grep counter >&2
    cap_stop 1
}

# Big IKE_AUTH without IKE fragmentation through a router that drops
# non-first IPv4 fragments.
s_ikev2_auth_stall_ipfrag() { cert_stall ikev2-auth-stall-ipfrag.pcap no router_drops_fragments; }

# The router drops (and counts) the second RFC 7383 fragment of every IKE
# message the initiator sends on UDP 500 (mobike = no and no NAT: IKE stays
# on port 500, no non-ESP marker): IKE header next payload SKF (53) at UDP
# payload byte 16, the SKF Fragment Number at byte 32.
router_drops_ike_fragment_2() {
    nsx iks-rtr nft -f - <<'EOF'
table ip skfdrop {
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "lan0" udp dport 500 @th,192,8 == 53 @th,320,16 == 2 counter drop
    }
}
EOF
}
# IKE_AUTH in RFC 7383 fragments of 500 bytes; one of each set is lost.
s_ikev2_ike_frag_loss() { SW_EXTRA="fragment_size = 500" cert_stall ikev2-ike-frag-loss.pcap yes router_drops_ike_fragment_2; }

# Working PSK tunnel (kernel-libipsec, ESP in UDP 4500, mobike = no) through
# a router that, once the tunnel is up, drops every non-first IPv4 fragment
# (same rule as ikev2_auth_stall_ipfrag).  Small pings pass; large pings make
# ESP-in-UDP datagrams bigger than the initiator's link MTU, its kernel
# fragments them, only their first fragments reach wan0 and the pings fail.
# Sizes: kernel-libipsec's TUN device (ipsec0) has a fixed MTU of 1400 in
# strongSwan 5.9.8 (no setting), so libipsec never builds ESP-in-UDP
# datagrams above 1464 bytes: bigger inner packets are fragmented before ESP
# (ping -s 1700 -> ESP datagrams of 1460 + 416 bytes, no outer fragments),
# and raising ipsec0's MTU does not help (libipsec still reads only 1400
# bytes per packet: 1464-byte ESP datagrams, pings lost without any IP
# fragment).  So the initiator's link (i0, and lan0 on the router's side)
# gets MTU 1400, and the large pings use -s 1372: a 1400-byte inner packet,
# one 1464-byte ESP-in-UDP datagram, IP fragments of 1396 + 88 bytes.
s_ikev2_esp_frag_loss() {
    PRE_HOOK=initiator_link_mtu_1400 routed_tunnel ikev2-esp-frag-loss.pcap || return 1
    router_drops_fragments || return 1
    PINGS=4 tunnel_ping
    PINGS=4 PING_SIZE=1372 tunnel_ping
    PINGS=4 tunnel_ping
    nsx iks-rtr nft list ruleset | grep counter >&2
    tunnel_down
}
initiator_link_mtu_1400() {
    nsx iks-ini ip link set i0 mtu 1400
    nsx iks-rtr ip link set lan0 mtu 1400
}

# routed_tunnel OUTFILE [IF]: a PSK tunnel with ESP (kernel-libipsec, ESP in
# UDP 4500, mobike = no) through iks-rtr, captured on the router's IF (wan0,
# facing the responder, unless told otherwise); up when it returns, taken
# down by tunnel_down.  PRE_HOOK runs once the namespaces exist, before the
# daemons start.
routed_tunnel() {
    topo_routed
    [ -z "${PRE_HOOK:-}" ] || $PRE_HOOK || return 1
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini 2 192.0.2.1 198.51.100.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK" "mobike = no"
    psk_conf rsp 2 198.51.100.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK" "mobike = no"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rtr "${2:-wan0}" "$OUT/$1"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep 0.5
}
tunnel_down() {
    sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
    cap_stop 1
}

# router_esp_rule TABLE STATEMENTS: once the tunnel is up, the router
# applies STATEMENTS to the ESP-in-UDP packets it forwards to the responder
# (UDP 4500 without the non-ESP marker).
router_esp_rule() {
    nsx iks-rtr nft -f - <<EOF
table ip $1 {
    chain forward {
        type filter hook forward priority filter; policy accept;
        oifname "wan0" udp dport 4500 @th,64,32 != 0 $2
    }
}
EOF
}
# routed_esp_fault OUTFILE HOOK PINGS: the routed tunnel, HOOK installing a
# fault on the path once it is up, PINGS pings through it, then down.
routed_esp_fault() {
    routed_tunnel "$1" || return 1
    $2 || return 1
    PINGS=$3 tunnel_ping
    nsx iks-rtr nft list ruleset | grep counter >&2
    tunnel_down
}

# A tunnel through a router that, once the tunnel is up, sends every third
# ESP packet it forwards to the responder twice (nftables dup), as a
# switching loop or a misconfigured port mirror on the path would.  The
# responder's anti-replay window drops the copies.
router_dups_esp() { router_esp_rule dupesp 'numgen inc mod 3 == 0 counter dup to 198.51.100.2 device "wan0"'; }
s_ikev2_esp_duplicates() { routed_esp_fault ikev2-esp-duplicates.pcap router_dups_esp 12; }

# A tunnel through a router that, once the tunnel is up, drops every fifth
# ESP packet it forwards to the responder, as a lossy or overloaded link
# would.  Captured on the router's side facing the responder, behind the
# drop: the initiator's ESP sequence numbers show the gaps.
router_drops_esp() { router_esp_rule dropesp 'numgen inc mod 5 == 0 counter drop'; }
s_ikev2_esp_loss() { routed_esp_fault ikev2-esp-loss.pcap router_drops_esp 30; }

# A tunnel through a router whose link to the responder has an MTU of 1300.
# The ESP-in-UDP datagrams of large pings (1464 bytes) carry DF; the router
# answers each with ICMP fragmentation needed, quoting it.  Captured on the
# router's side facing the initiator (lan0), where both pass.
wan_link_mtu_1300() {
    nsx iks-rtr ip link set wan0 mtu 1300
    nsx iks-rsp ip link set p0 mtu 1300
}
s_ikev2_esp_pmtu() {
    PRE_HOOK=wan_link_mtu_1300 routed_tunnel ikev2-esp-pmtu.pcap lan0 || return 1
    PINGS=3 tunnel_ping
    PINGS=3 PING_SIZE=1372 tunnel_ping
    tunnel_down
}

# Negotiation-only failure: both sides kernel-netlink (no ESP needed).
# nego_fail OUT VERSION INI-IKE-PROPS RSP-IKE-PROPS [INI-PSK RSP-PSK] [RSP-LTS] [CONN-EXTRA] [RSP-ESP]
# Environment: PLUGINS, PRE_HOOK/POST_HOOK (run before the capture starts /
# after the initiate), POST_WAIT, RSP_RID (the identity the responder expects
# for the initiator, default $INI_ID), INI_RAUTH (the authentication the
# initiator requires from the responder, default psk).
nego_fail() {
    local out=$1 ver=$2 ip=$3 rp=$4 ipsk=${5:-$PSK} rpsk=${6:-$PSK} rlts=${7:-203.0.113.2/32} cx=${8:-} resp=${9:-aes128gcm16}
    local rrid=${RSP_RID:-$INI_ID}
    topo_pair
    sw_conf ini "${PLUGINS:-$PLUGINS_NEGO}"; sw_conf rsp "${PLUGINS:-$PLUGINS_NEGO}"
    psk_conf ini "$ver" 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 "$ip" aes128gcm16 "$ipsk" "$cx" "" "${INI_RAUTH:-psk}"
    psk_conf rsp "$ver" 192.0.2.2 192.0.2.1 $RSP_ID "$rrid" "$rlts" 203.0.113.1/32 "$rp" "$resp" "$rpsk" "$cx"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    [ -z "${PRE_HOOK:-}" ] || $PRE_HOOK || return 1
    cap_start iks-rsp p0 "$OUT/$out"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    sleep "${POST_WAIT:-0.5}"
    [ -z "${POST_HOOK:-}" ] || $POST_HOOK || return 1
    cap_stop 1
}

s_ikev2_no_proposal() { nego_fail ikev2-no-proposal.pcap 2 aes128-sha256-modp3072 aes256gcm16-prfsha384-ecp384; }
s_ikev1_no_proposal() { nego_fail ikev1-no-proposal.pcap 1 aes128-sha256-modp3072 aes256-sha384-ecp384; }
# IKEv1 Aggressive Mode with a PSK, to a strongSwan responder left at its
# default, which refuses Aggressive Mode with PSK.
s_ikev1_aggressive_rejected() { nego_fail ikev1-aggressive-rejected.pcap 1 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "$PSK" 203.0.113.2/32 "aggressive = yes"; }
terminate_ini() { sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"; }
# ends in a working tunnel: use libipsec so the CHILD_SA installs, then delete
s_ikev2_invalid_ke()  { PLUGINS=$PLUGINS_ESP POST_HOOK=terminate_ini nego_fail ikev2-invalid-ke.pcap 2 aes128-sha256-modp3072-ecp256 aes128-sha256-ecp256; }
s_ikev2_auth_failed_psk() { nego_fail ikev2-auth-failed-psk.pcap 2 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "wrong-$PSK"; }
s_ikev1_psk_mismatch() { nego_fail ikev1-psk-mismatch.pcap 1 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "wrong-$PSK"; }
s_ikev2_ts_unacceptable() { nego_fail ikev2-ts-unacceptable.pcap 2 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "$PSK" 203.0.113.99/32; }
# IKEv1 Quick Mode refused: the responder answers in an encrypted informational
s_ikev1_ts_unacceptable() { nego_fail ikev1-ts-unacceptable.pcap 1 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "$PSK" 203.0.113.99/32; }
s_ikev1_child_no_proposal() { nego_fail ikev1-child-no-proposal.pcap 1 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "$PSK" 203.0.113.2/32 "" aes256-sha512; }

# nft_drop NS HOOK MATCH...: drop (and count) what MATCH selects in NS at
# filter HOOK (input/output), in table inet blockike
nft_drop() {
    local ns=$1 hook=$2; shift 2
    nsx "$ns" nft -f - <<EOF
table inet blockike {
    chain $hook {
        type filter hook $hook priority filter; policy accept;
        $* counter drop
    }
}
EOF
}
drop_rsp_ike() { nft_drop iks-rsp input udp dport '{ 500, 4500 }'; }
s_ikev2_no_response() { PRE_HOOK=drop_rsp_ike nego_fail ikev2-no-response.pcap 2 aes128-sha256-modp3072 aes128-sha256-modp3072; }

# The responder host is up but runs no IKE daemon: its kernel answers every
# IKE_SA_INIT with ICMP port unreachable, and the initiator, which ignores
# ICMP, sends it again until it gives up.
s_ikev2_peer_unreachable() {
    topo_pair
    sw_conf ini "$PLUGINS_NEGO"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes128-sha256-modp3072 aes128gcm16 "$PSK"
    start_charon ini iks-ini && sw_load ini || return 1
    cap_start iks-rsp p0 "$OUT/ikev2-peer-unreachable.pcap"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$? (failure expected)"
    cap_stop 1
}

# The responder's answers are lost on the way back: the initiator drops
# everything from UDP port 500/4500 on input.  Captured on the responder's
# p0: every retransmitted IKE_SA_INIT request is answered again.
# UDP 4500 blocked towards the responder: IKE_SA_INIT or Main Mode messages
# 1-4 (UDP 500) are answered, then the initiator, forcing UDP encapsulation
# as behind a NAT (encap = yes), moves to UDP 4500, which never arrives.
drop_rsp_natt() { nft_drop iks-rsp input udp dport 4500; }
s_ikev2_natt_blocked() { PRE_HOOK=drop_rsp_natt nego_fail ikev2-natt-blocked.pcap 2 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "$PSK" 203.0.113.2/32 "encap = yes"; }
s_ikev1_psk_mismatch_natt() { nego_fail ikev1-psk-mismatch-natt.pcap 1 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "wrong-$PSK" 203.0.113.2/32 "encap = yes"; }
s_ikev1_natt_blocked() { PRE_HOOK=drop_rsp_natt nego_fail ikev1-natt-blocked.pcap 1 aes128-sha256-modp3072 aes128-sha256-modp3072 "$PSK" "$PSK" 203.0.113.2/32 "encap = yes"; }
drop_ini_replies() { nft_drop iks-ini input udp sport '{ 500, 4500 }'; }
s_ikev2_response_lost() { PRE_HOOK=drop_ini_replies nego_fail ikev2-response-lost.pcap 2 aes128-sha256-modp3072 aes128-sha256-modp3072; }

# IKEv1 Main Mode, same PSK, but the responder expects another identity
# (other.example.com) than the one the initiator sends in MM5
# (initiator.example.com).  The responder finds the PSK through the config it
# selects by address (secret keyed by responder/other.example.com), decrypts
# MM5, finds no config for the received ID and refuses it in an encrypted
# informational; MM6 never comes.
# The initiator tries again 6 s later: the capture shows that it did not
# resend MM5 in between (strongSwan would within 4 s had it not read the
# refusal), which is what tells this apart from a PSK mismatch.
initiate_again_later() { sleep 6; sw ini --initiate --child net >"$T/init2.out" 2>&1; log "second initiate rc=$?"; }
s_ikev1_id_mismatch() { POST_HOOK=initiate_again_later RSP_RID=other.example.com nego_fail ikev1-id-mismatch.pcap 1 aes128-sha256-modp3072 aes128-sha256-modp3072; }

# IKEv2: the responder authenticates with the PSK, but the initiator requires
# public key authentication from it.  The responder sends a complete IKE_AUTH
# response (libipsec, so its CHILD_SA installs and the response carries
# SA/TSi/TSr); the initiator rejects it and sends N(AUTHENTICATION_FAILED) in
# an INFORMATIONAL request (RFC 7296 2.21.2).
s_ikev2_auth_refused_by_initiator() { PLUGINS=$PLUGINS_ESP INI_RAUTH=pubkey nego_fail ikev2-auth-refused-by-initiator.pcap 2 aes128-sha256-modp3072 aes128-sha256-modp3072; }

# IKEv2 answered from another address (CARP/VIP, multi-WAN): the responder
# has 192.0.2.3 as second address and SNATs its IKE packets to it.  Incoming
# IKE is not tracked (notrack), so each answer starts a new conntrack entry
# and the snat rule applies to it (tcpdump on p0 sees the packets after
# postrouting, i.e. from 192.0.2.3).  strongSwan's initiator accepts such
# answers (it matches them by SPI and moves to the new address), so the
# initiator drops UDP from 192.0.2.3 as a stateful firewall in front of it
# would: the IKE_SA_INIT requests are retransmitted, each answered from
# 192.0.2.3.  INI_FW=no leaves that drop out (the IKE SA then comes up with
# 192.0.2.3 as the responder's address).
reply_from_other_addr() {
    nsx iks-rsp ip addr add 192.0.2.3/24 dev p0
    nsx iks-rsp nft -f - <<'EOF'
table ip replyaddr {
    chain prerouting {
        type filter hook prerouting priority raw; policy accept;
        udp dport { 500, 4500 } notrack
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "p0" udp sport { 500, 4500 } counter snat to 192.0.2.3
    }
}
EOF
    [ "${INI_FW:-yes}" = no ] || nft_drop iks-ini input ip saddr 192.0.2.3 udp sport '{ 500, 4500 }'
}
s_ikev2_reply_other_address() { PRE_HOOK=reply_from_other_addr nego_fail ikev2-reply-other-address.pcap 2 aes128-sha256-modp3072 aes128-sha256-modp3072; }

# Tunnel up, then every packet the responder sends is dropped (output hook,
# so the capture on the responder's interface shows only the initiator's
# unanswered DPD requests).
s_ikev2_dpd_timeout() {
    topo_pair
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK" "dpd_delay = 2s"
    psk_conf rsp 2 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rsp p0 "$OUT/ikev2-dpd-timeout.pcap"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    PINGS=3 tunnel_ping
    nsx iks-rsp nft -f - <<'EOF'
table inet blackhole {
    chain output {
        type filter hook output priority filter; policy drop;
    }
}
EOF
    # DPD after 2 s idle, then retransmit_tries=3 with timeout 1.0/base 1.2:
    # requests at +0, 1.0, 2.2, 3.64 s, gives up at ~5.4 s
    sleep 9
    cap_stop 2
}

# IKEv1 with DPD over UDP 4500 (encap = yes): once the tunnel is up, the
# responder's IKE is dropped on its way out (before the capture point) and
# its ESP on the initiator's way in (after it). The initiator, hearing
# nothing, sends liveness checks that the capture sees go unanswered while
# the responder's ESP goes on.
drop_rsp_ike_ini_esp() {
    nft_drop iks-rsp output udp sport 4500 @th,64,32 0
    nft_drop iks-ini input udp sport 4500 @th,64,32 != 0
}
s_ikev1_dpd_esp_flowing() {
    PINGS=40 UP_HOOK=drop_rsp_ike_ini_esp good_tunnel ikev1-dpd-esp-flowing.pcap 1 "encap = yes
        dpd_delay = 2s
        dpd_timeout = 10s"
}

# The responder crashes (SIGKILL to everything in its namespace) while the
# initiator pings through the tunnel, and comes back at once without its
# SAs.  The initiator (dpd_delay = 2s) keeps sending ESP on the old SA; the
# new charon drops it, and the initiator's liveness checks reach an IKE
# daemon that does not know their SA.  Captured on the initiator's i0 (the
# crash would take a capture in the responder's namespace with it).
crash_responder() {
    local p victims keep=()
    victims=" $(ip netns pids iks-rsp | tr '\n' ' ') "
    for p in $victims; do kill -KILL "$p" 2>/dev/null; done
    # reap the killed charon's wrapper, so that no stale pid is signalled later
    for p in "${PIDS[@]}"; do
        case "$victims" in *" $p "*) wait "$p" 2>/dev/null ;; *) keep+=("$p") ;; esac
    done
    PIDS=("${keep[@]}")
    sleep 0.5
    rm -f "$T/rsp/charon.vici"
    start_charon rsp iks-rsp && sw_load rsp || { log "the responder did not come back"; return 1; }
    log "responder restarted"
}
# peer_restart OUTFILE VERSION
peer_restart() {
    topo_pair
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini "$2" 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK" "dpd_delay = 2s"
    psk_conf rsp "$2" 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-ini i0 "$OUT/$1"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    PINGS=40 tunnel_ping &
    local ping_pid=$!
    sleep 3
    crash_responder || { kill "$ping_pid"; wait "$ping_pid"; return 1; }
    wait "$ping_pid"
    sleep 4
    cap_stop 1
}
s_ikev2_peer_restart() { peer_restart ikev2-peer-restart.pcap 2; }
s_ikev1_peer_restart() { peer_restart ikev1-peer-restart.pcap 1; }

# Short lifetimes so IKE and CHILD_SA rekeys happen while pinging.
# PFS on one side only: the initiator's ESP proposal has a DH group
# (aes128gcm16-modp2048), the responder's none. The first child SA, made in
# IKE_AUTH without a key exchange, comes up and carries the pings; its
# rekey after 4 s (CREATE_CHILD_SA with KE) is refused, and the initiator
# tries again until the SA's life ends at 9 s.
s_ikev2_rekey_pfs_mismatch() {
    topo_pair
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16-modp2048 "$PSK" \
        "" "rekey_time = 4s
                life_time = 9s
                rand_time = 0"
    psk_conf rsp 2 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK" \
        "" "rekey_time = 0
                life_time = 60s"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rsp p0 "$OUT/ikev2-rekey-pfs-mismatch.pcap"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    PINGS=8 tunnel_ping
    sleep 8
    sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
    cap_stop 1
}

s_ikev2_rekey() {
    topo_pair
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16-modp2048 "$PSK" \
        "rekey_time = 14s
        over_time = 5s
        rand_time = 0" \
        "rekey_time = 6s
                life_time = 10s
                rand_time = 0"
    psk_conf rsp 2 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16-modp2048 "$PSK" \
        "rekey_time = 0" "rekey_time = 0
                life_time = 60s"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rsp p0 "$OUT/ikev2-rekey.pcap"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    PINGS=4 tunnel_ping
    sleep 4
    PINGS=4 tunnel_ping
    sleep 8
    PINGS=4 tunnel_ping
    sw ini --terminate --ike test >"$T/term.out" 2>&1; log "terminate rc=$?"
    cap_stop 1
}

# A child SA rekey whose Delete never reaches the responder: once the tunnel
# is up, the initiator's firewall drops every IKE INFORMATIONAL message it
# sends (exchange type 37 on UDP 4500, after the non-ESP marker).  The
# initiator moves to the new child SA; the responder waits for the Delete of
# the old one and goes on answering with it.  Captured on the responder.
drop_ini_informational() { nft_drop iks-ini output udp dport 4500 @th,64,32 0 @th,240,8 37; }
s_ikev2_rekey_delete_lost() {
    topo_pair
    sw_conf ini "$PLUGINS_ESP"; sw_conf rsp "$PLUGINS_ESP"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK" \
        "rekey_time = 0" "rekey_time = 4s
                life_time = 60s
                rand_time = 0"
    psk_conf rsp 2 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK" \
        "rekey_time = 0" "rekey_time = 0
                life_time = 60s"
    start_charon ini iks-ini && start_charon rsp iks-rsp || return 1
    sw_load ini && sw_load rsp || return 1
    cap_start iks-rsp p0 "$OUT/ikev2-rekey-delete-lost.pcap"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$?"
    drop_ini_informational || return 1
    PINGS=30 tunnel_ping
    nsx iks-ini nft list ruleset | grep counter >&2
    cap_stop 1
}

# An IKE_SA_INIT request no daemon here sends (tests/gen/send-ike.py: a
# strongSwan request with a critical payload of an unassigned type appended),
# to a strongSwan responder that accepts its proposal: its answer,
# UNSUPPORTED_CRITICAL_PAYLOAD in clear, is the daemon's own.
s_ikev2_unsupported_critical() {
    topo_pair
    sw_conf rsp "$PLUGINS_NEGO"
    psk_conf rsp 2 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes128-sha256-modp3072 aes128gcm16 "$PSK"
    start_charon rsp iks-rsp && sw_load rsp || return 1
    cap_start iks-rsp p0 "$OUT/ikev2-unsupported-critical.pcap"
    nsx iks-ini timeout 10 python3 "$HERE/send-ike.py" critical 192.0.2.1 192.0.2.2 >"$T/send.out" 2>&1
    log "send-ike rc=$?: $(cat "$T/send.out")"
    cap_stop 1
}

# ---------------------------------------------------------------- libreswan
# libreswan conflicts with the strongSwan packages, so it is unpacked (not
# installed) with "apt-get download" + "dpkg -x" into $LSW_ROOT and run from
# there (needs libldns3, libevent-pthreads-2.1-7, libnss3-tools installed).
# No kernel ESP here: negotiation scenarios only.
LSW_ROOT=${LSW_ROOT:-/tmp/iks-lsw/root}
lsw_prepare() {
    [ -x "$LSW_ROOT/usr/libexec/ipsec/pluto" ] && return 0
    local dl; dl=$(dirname "$LSW_ROOT"); mkdir -p "$dl"
    (cd "$dl" && timeout 120 apt-get download libreswan) || return 1
    dpkg -x "$dl"/libreswan_*.deb "$LSW_ROOT"
}

# lsw_conf NAME LEFT RIGHT LID RID LSUB RSUB IKE ESP PSK
lsw_conf() {
    local d=$T/$1
    mkdir -p "$d/nss" "$d/run"
    timeout 20 certutil -N -d "sql:$d/nss" --empty-password
    cat >"$d/ipsec.conf" <<EOF
config setup
    logfile=$d/pluto.log
    logtime=yes
    plutodebug=none
    ${LSW_SETUP:-}

conn test
    ikev2=insist
    left=$2
    right=$3
    leftid=@$4
    rightid=@$5
    leftsubnet=$6
    rightsubnet=$7
    authby=secret
    ike=$8
    esp=$9
    retransmit-timeout=6s
    retransmit-interval=500
    auto=add
EOF
    printf '@%s @%s : PSK "%s"\n' "$4" "$5" "${10}" >"$d/ipsec.secrets"
}

start_pluto() {
    local name=$1 ns=$2 d=$T/$1 i
    # pluto runs /usr/libexec/ipsec/addconn itself: bind the unpacked tree
    # over /usr/libexec inside its private mount namespace
    ip netns exec "$ns" timeout -s TERM 600 unshare -m sh -c \
        "mount -t tmpfs tmpfs /run && mount --bind $LSW_ROOT/usr/libexec /usr/libexec && exec /usr/libexec/ipsec/pluto --nofork --config $d/ipsec.conf \
         --secretsfile $d/ipsec.secrets --nssdir $d/nss --rundir $d/run --logfile $d/pluto.log" \
        >"$d/stdout" 2>&1 &
    PIDS+=("$!")
    for i in $(seq 1 100); do
        [ -S "$d/run/pluto.ctl" ] && break
        sleep 0.1
    done
    [ -S "$d/run/pluto.ctl" ] || { log "pluto $name did not start"; cat "$d/stdout" "$d/pluto.log" >&2; return 1; }
    ip netns exec "$ns" timeout 20 "$LSW_ROOT/usr/libexec/ipsec/addconn" --config "$d/ipsec.conf" \
        --ctlsocket "$d/run/pluto.ctl" test >>"$d/stdout" 2>&1 || { log "addconn failed"; cat "$d/stdout" >&2; return 1; }
    whack "$name" --listen >>"$d/stdout" 2>&1
}

whack() { local name=$1; shift; timeout 30 "$LSW_ROOT/usr/libexec/ipsec/whack" --ctlsocket "$T/$name/run/pluto.ctl" "$@"; }

# libreswan initiator -> strongSwan responder (libipsec): IKEv2 negotiates;
# libreswan then cannot install its kernel SA (no ESP algorithms here).
s_libreswan_ikev2_initiator() {
    lsw_prepare || return 1
    topo_pair
    lsw_conf ini 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 \
        "aes256-sha2_256;modp2048" "aes_gcm128-null" "$PSK"
    sw_conf rsp "$PLUGINS_ESP"
    psk_conf rsp 2 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    start_charon rsp iks-rsp && sw_load rsp || return 1
    start_pluto ini iks-ini || return 1
    cap_start iks-rsp p0 "$OUT/libreswan-ikev2-initiator.pcap"
    whack ini --name test --initiate --asynchronous >"$T/init.out" 2>&1; log "whack initiate rc=$?"
    sleep 4
    whack ini --name test --terminate >>"$T/init.out" 2>&1
    cap_stop 1
}

# strongSwan initiator -> libreswan responder, IKE proposal mismatch:
# libreswan answers IKE_SA_INIT with NO_PROPOSAL_CHOSEN.
s_libreswan_ikev2_no_proposal() {
    lsw_prepare || return 1
    topo_pair
    sw_conf ini "$PLUGINS_NEGO"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes128-sha256-modp3072 aes128gcm16 "$PSK"
    lsw_conf rsp 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 \
        "aes_gcm256-sha2_384;dh20" "aes_gcm256-null" "$PSK"
    start_charon ini iks-ini && sw_load ini || return 1
    start_pluto rsp iks-rsp || return 1
    cap_start iks-rsp p0 "$OUT/libreswan-ikev2-no-proposal.pcap"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "initiate rc=$? (failure expected)"
    cap_stop 1
}

# strongSwan tries IKEv1 with a libreswan 4.10 responder that speaks only
# IKEv2 (ikev1-policy=POLICY; Debian's default is drop: no answer at all),
# gives up, and the same peers then negotiate IKEv2: what happens when one
# side was configured for IKEv1 and is changed to IKEv2 after it failed.
# libreswan_v1_refused OUT POLICY
libreswan_v1_refused() {
    lsw_prepare || return 1
    topo_pair
    sw_conf ini "$PLUGINS_NEGO"
    psk_conf ini 1 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    LSW_SETUP="ikev1-policy=$2" lsw_conf rsp 192.0.2.2 192.0.2.1 $RSP_ID $INI_ID 203.0.113.2/32 203.0.113.1/32 \
        "aes256-sha2_256;modp2048" "aes_gcm128-null" "$PSK"
    start_charon ini iks-ini && sw_load ini || return 1
    start_pluto rsp iks-rsp || return 1
    cap_start iks-rsp p0 "$OUT/$1"
    sw ini --initiate --child net >"$T/init.out" 2>&1; log "IKEv1 initiate rc=$? (failure expected)"
    psk_conf ini 2 192.0.2.1 192.0.2.2 $INI_ID $RSP_ID 203.0.113.1/32 203.0.113.2/32 aes256-sha256-modp2048 aes128gcm16 "$PSK"
    sw_load ini || return 1
    sw ini --initiate --child net >"$T/init2.out" 2>&1; log "IKEv2 initiate rc=$?"
    sleep 1
    sw ini --terminate --ike test >"$T/term.out" 2>&1
    cap_stop 1
}
s_libreswan_ikev1_dropped() { libreswan_v1_refused libreswan-ikev1-dropped.pcap drop; }
s_libreswan_ikev1_rejected() { libreswan_v1_refused libreswan-ikev1-rejected.pcap reject; }

ALL=(ikev2_esp_udp ikev1_main_quick ikev2_natt ikev2_fragments ikev2_no_proposal ikev2_cert_ipfrag
     ikev1_no_proposal ikev2_invalid_ke ikev2_auth_failed_psk ikev1_psk_mismatch
     ikev2_no_response ikev2_auth_stall_ipfrag ikev2_ts_unacceptable ikev2_dpd_timeout
     ikev2_rekey ikev1_aggressive ikev2_ipv6 ikev2_linux_sll2 ikev1_ts_unacceptable ikev1_child_no_proposal
     libreswan_ikev2_initiator libreswan_ikev2_no_proposal
     ikev1_id_mismatch ikev2_auth_refused_by_initiator ikev2_response_lost ikev2_reply_other_address
     ikev2_esp_frag_loss ikev2_esp_no_ike ikev2_esp_one_way ikev2_peer_unreachable
     ikev2_esp_duplicates ikev2_esp_pmtu ikev2_ike_frag_loss ikev2_peer_restart
     ikev1_peer_restart ikev2_esp_loss ikev1_aggressive_rejected
     libreswan_ikev1_dropped libreswan_ikev1_rejected ikev2_rekey_delete_lost
     ikev2_unsupported_critical ikev2_natt_router_any ikev2_natt_router_any_inbound
     ikev2_router_any_drops_answers ikev2_eap ikev2_eap_wrong_password ikev2_eap_silent
     ikev1_xauth ikev1_xauth_wrong_password)

trap 'scenario_end' EXIT
want=("$@"); [ ${#want[@]} -eq 0 ] && want=("${ALL[@]}")
rc=0
for s in "${want[@]}"; do
    s=${s//-/_}
    scenario_begin "$s"
    "s_$s" || { log "scenario $s FAILED"; rc=1; }
    scenario_end
done
# Synthetic captures reuse messages of the daemon captures: rebuild them too
# when everything was rebuilt (or when SYNTH=1).
if [ $# -eq 0 ] || [ -n "${SYNTH:-}" ]; then
    for g in "$HERE"/synth-*.py; do
        log "=== $(basename "$g")"
        timeout 60 python3 "$g" || { log "$g FAILED"; rc=1; }
    done
fi
exit $rc
