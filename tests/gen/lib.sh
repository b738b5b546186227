# shellcheck shell=bash
# Helpers for tests/gen/make-captures.sh: namespaces, charon instances, tcpdump.
#
# Every namespace created here starts with "iks-"; only those are ever deleted.
# Only documentation address ranges are used (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24, 2001:db8::/32).  Every command that can hang is bounded by
# `timeout`.

CHARON=${CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${SWANCTL:-/usr/sbin/swanctl}

# Plugin sets.  NEGO: negotiation only (no ESP in this kernel: CHILD_SA
# installation fails, which is fine for failure scenarios).  ESP: userspace
# ESP through kernel-libipsec (forces UDP encapsulation, see LAB-NOTES).
PLUGINS_NEGO="random nonce openssl pem pkcs1 pkcs8 x509 pubkey constraints revocation aes sha1 sha2 hmac gcm kdf kernel-netlink socket-default vici"
PLUGINS_ESP="random nonce openssl pem pkcs1 pkcs8 x509 pubkey constraints revocation aes sha1 sha2 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici"

T=""            # per-scenario temp dir
NSLIST=()       # namespaces created by the current scenario
PIDS=()         # background processes started by the current scenario

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

scenario_begin() {
    T=$(mktemp -d /tmp/iks-gen.XXXXXX)
    NSLIST=(); PIDS=()
    log "=== scenario $1 (tmp $T)"
}

scenario_end() {
    local p ns
    [ -n "$T" ] || return 0
    # a capture still running means the scenario did not finish: its file
    # would show something else than its name says
    if [ -n "$CAP_PID" ]; then
        cap_stop 0
        rm -f "$CAP_FILE"
        log "removed the unfinished $CAP_FILE"
    fi
    for p in "${PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do
        timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null
        kill -KILL "$p" 2>/dev/null
    done
    for ns in "${NSLIST[@]}"; do
        case "$ns" in iks-*) ip netns del "$ns" 2>/dev/null ;; esac
    done
    if [ -n "${KEEP_TMP:-}" ]; then log "kept $T"; else rm -rf "$T"; fi
    NSLIST=(); PIDS=(); T=""
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

mkns() {
    local ns=$1
    case "$ns" in iks-*) ;; *) echo "bad ns name $ns" >&2; return 1 ;; esac
    ip netns del "$ns" 2>/dev/null
    ip netns add "$ns"
    NSLIST+=("$ns")
    nsx "$ns" ip link set lo up
    # keep IPv4 captures free of IPv6 router/neighbour chatter unless asked
    if [ "${2:-}" != v6 ]; then
        nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    else
        nsx "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0
        nsx "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
        nsx "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0
        nsx "$ns" sysctl -qw net.ipv6.conf.all.router_solicitations=0
    fi
    nsx "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
    nsx "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0
}

# veth NS1 IF1 NS2 IF2
veth() {
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
    nsx "$1" ip link set "$2" up
    nsx "$3" ip link set "$4" up
    # veth does checksum offload: locally sent UDP/TCP packets would be
    # captured with unfinished checksums.  Switch it off so captures carry
    # valid checksums (KEEP_CSUM_OFFLOAD=1 keeps the offload artefacts).
    if [ -z "${KEEP_CSUM_OFFLOAD:-}" ] && command -v ethtool >/dev/null; then
        nsx "$1" ethtool -K "$2" tx off >/dev/null 2>&1
        nsx "$3" ethtool -K "$4" tx off >/dev/null 2>&1
    fi
}

# Inner (tunnelled) host address on a dummy interface.
inner_addr() {
    local ns=$1 addr=$2
    # no "dummy" driver in this kernel: a veth pair with an idle peer
    nsx "$ns" ip link add inner0 type veth peer name inner1 2>/dev/null
    nsx "$ns" ip link set inner1 up
    nsx "$ns" ip link set inner0 up
    nsx "$ns" ip addr add "$addr" dev inner0
}

# Topology "pair": iks-ini (192.0.2.1, i0) <-> iks-rsp (192.0.2.2, p0)
topo_pair() {
    mkns iks-ini; mkns iks-rsp
    veth iks-ini i0 iks-rsp p0
    nsx iks-ini ip addr add 192.0.2.1/24 dev i0
    nsx iks-rsp ip addr add 192.0.2.2/24 dev p0
    inner_addr iks-ini 203.0.113.1/32
    inner_addr iks-rsp 203.0.113.2/32
}

# Topology "pair6": as pair, IPv6 only (2001:db8:1::1 <-> 2001:db8:1::2)
topo_pair6() {
    mkns iks-ini v6; mkns iks-rsp v6
    veth iks-ini i0 iks-rsp p0
    nsx iks-ini ip addr add 2001:db8:1::1/64 dev i0 nodad
    nsx iks-rsp ip addr add 2001:db8:1::2/64 dev p0 nodad
    inner_addr iks-ini 2001:db8:ffff::1/128
    inner_addr iks-rsp 2001:db8:ffff::2/128
}

# Topology "routed": iks-ini (192.0.2.1, i0) -- iks-rtr (192.0.2.254 lan0 |
# 198.51.100.254 wan0) -- iks-rsp (198.51.100.2, p0)
topo_routed() {
    mkns iks-ini; mkns iks-rtr; mkns iks-rsp
    veth iks-ini i0 iks-rtr lan0
    veth iks-rtr wan0 iks-rsp p0
    nsx iks-ini ip addr add 192.0.2.1/24 dev i0
    nsx iks-rtr ip addr add 192.0.2.254/24 dev lan0
    nsx iks-rtr ip addr add 198.51.100.254/24 dev wan0
    nsx iks-rsp ip addr add 198.51.100.2/24 dev p0
    nsx iks-ini ip route add default via 192.0.2.254
    nsx iks-rsp ip route add default via 198.51.100.254
    nsx iks-rtr sysctl -qw net.ipv4.ip_forward=1
    inner_addr iks-ini 203.0.113.1/32
    inner_addr iks-rsp 203.0.113.2/32
}

# sw_conf NAME PLUGINS [extra charon settings...]
# Writes $T/NAME/strongswan.conf; swanctl.conf is written by the caller to
# $T/NAME/swanctl.conf (with $T/NAME as SWANCTL_DIR for keys/certs).
sw_conf() {
    local name=$1 plugins=$2; shift 2
    local d=$T/$name
    mkdir -p "$d"/{x509,x509ca,private,pubkey,rsa,ecdsa,pkcs8,pkcs12,x509aa,x509ac,x509crl,x509ocsp,conf.d}
    cat >"$d/strongswan.conf" <<EOF
charon {
    load = $plugins
    retransmit_timeout = 1.0
    retransmit_base = 1.2
    retransmit_tries = 3
    retransmit_jitter = 0
    install_virtual_ip = no
    $*
    plugins {
        vici {
            socket = unix://$d/charon.vici
        }
    }
    filelog {
        main {
            path = $d/charon.log
            time_format = %T
            default = 1
            ike = 2
            cfg = 2
            knl = 1
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
}
EOF
}

# start_charon NAME NS  -- charon in NS, own mount ns with private /run
start_charon() {
    local name=$1 ns=$2 d=$T/$1 i
    # run via "ip netns exec" directly (not a shell function) so that $! is
    # the pid of timeout(1) itself and signals reach it
    ip netns exec "$ns" env STRONGSWAN_CONF="$d/strongswan.conf" \
        timeout -s TERM 600 unshare -m sh -c \
        "mount -t tmpfs tmpfs /run && exec $CHARON" >"$d/stdout" 2>&1 &
    PIDS+=("$!")
    for i in $(seq 1 100); do
        [ -S "$d/charon.vici" ] && break
        sleep 0.1
    done
    [ -S "$d/charon.vici" ] || { log "charon $name did not start"; cat "$d/stdout" >&2; return 1; }
}

# sw NAME swanctl-args...
sw() {
    local name=$1 cmd=$2; shift 2
    SWANCTL_DIR="$T/$name" STRONGSWAN_CONF="$T/$name/strongswan.conf" \
        timeout 60 "$SWANCTL" "$cmd" --uri "unix://$T/$name/charon.vici" "$@"
}

sw_load() { sw "$1" --load-all --file "$T/$1/swanctl.conf" >"$T/$1/load.out" 2>&1 || { cat "$T/$1/load.out" >&2; return 1; }; }

# cap_start NS IF FILE [tcpdump filter...]
CAP_PID=""
CAP_FILE=""
cap_start() {
    local ns=$1 ifc=$2 file=$3; shift 3
    rm -f "$file"
    CAP_FILE=$file
    ip netns exec "$ns" timeout -s INT 600 tcpdump -Z root -i "$ifc" -w "$file" -s 0 -U "$@" >/dev/null 2>"$T/tcpdump.err" &
    CAP_PID=$!
    local i
    for i in $(seq 1 50); do
        grep -q listening "$T/tcpdump.err" 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.3
}

cap_stop() {
    sleep "${1:-0.5}"
    kill -INT "$CAP_PID" 2>/dev/null
    timeout 10 tail --pid="$CAP_PID" -f /dev/null
    kill -KILL "$CAP_PID" 2>/dev/null
    wait "$CAP_PID" 2>/dev/null
    grep -E 'packets (captured|received|dropped)' "$T/tcpdump.err" | tr '\n' ' ' >&2; echo >&2
    CAP_PID=""
}

# Throwaway CA + two RSA end-entity certs (for the fragmentation scenarios).
# mk_certs BITS -> $T/pki/{ca.pem,ini.pem,ini.key,rsp.pem,rsp.key}
mk_certs() {
    local bits=$1 p=$T/pki n
    mkdir -p "$p"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$bits" -out "$p/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$p/ca.key" -sha256 -days 3650 \
        -subj "/C=XX/O=ikescope test/CN=ikescope Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$p/ca.pem"
    for n in ini rsp; do
        local host=initiator; [ $n = rsp ] && host=responder
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$bits" -out "$p/$n.key" 2>/dev/null
        openssl req -new -key "$p/$n.key" -subj "/C=XX/O=ikescope test/CN=$host.example.com" -out "$p/$n.csr"
        printf 'subjectAltName=DNS:%s.example.com\nextendedKeyUsage=serverAuth,1.3.6.1.5.5.7.3.17\nkeyUsage=digitalSignature,keyEncipherment\n' "$host" >"$p/$n.ext"
        openssl x509 -req -in "$p/$n.csr" -CA "$p/ca.pem" -CAkey "$p/ca.key" -CAcreateserial \
            -days 3650 -sha256 -extfile "$p/$n.ext" -out "$p/$n.pem" 2>/dev/null
    done
}

# install_certs NAME ROLE(ini|rsp)
install_certs() {
    local d=$T/$1 r=$2
    cp "$T/pki/ca.pem" "$d/x509ca/ca.pem"
    cp "$T/pki/$r.pem" "$d/x509/$r.pem"
    cp "$T/pki/$r.key" "$d/private/$r.key"
}

# ping through the tunnel from the initiator's inner address
# (PINGS: count, default 5; PING_SIZE: payload bytes, default ping's 56)
tunnel_ping() {
    local src=${1:-203.0.113.1} dst=${2:-203.0.113.2} ns=${3:-iks-ini}
    nsx "$ns" timeout 15 ping -c "${PINGS:-5}" -i 0.3 -W 2 ${PING_SIZE:+-s "$PING_SIZE"} -I "$src" "$dst" >"$T/ping.out" 2>&1
    cat "$T/ping.out" >>"$T/ping.log"
    log "ping${PING_SIZE:+ -s $PING_SIZE}: $(grep -E 'packets transmitted' "$T/ping.out")"
}
