#!/bin/bash
# esp_smoke.sh: the lab kernel carries ESP. Hand-made SA pairs (no IKE) for
#   rfc4106(gcm(aes)), cbc(aes)+hmac(sha256) and rfc7539esp(chacha20,poly1305)
# in tunnel mode between two LANs behind two gateways, in transport mode host
# to host (IPv4, and IPv6 with GCM), and ESP-in-UDP (NAT-T) through a NAT
# that rewrites the source port. Each case: ping crosses, and the SA packet
# counters moved on both sides; with policies but no SAs (and with nothing)
# the ping must fail, so no cleartext path exists.
#
# Run it on the host, it boots a lab guest by itself:
#   tests/kernel/esp_smoke.sh            (same as tests/lab/uml-run tests/kernel/esp_smoke.sh)
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
lab_require_guest "$@"

PINGS=3

# name|algorithm arguments of `ip xfrm state add`. Fixed test keys.
ALGS=(
  "aes-gcm|aead rfc4106(gcm(aes)) 0x0123456789abcdef0123456789abcdef01234567 128"
  "aes-cbc-sha256|enc cbc(aes) 0x00112233445566778899aabbccddeeff auth-trunc hmac(sha256) 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128"
  "chacha20-poly1305|aead rfc7539esp(chacha20,poly1305) 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff01020304 128"
)

# xfrm NS LINES: apply `ip xfrm ...`/`ip route ...` lines in NS in one batch.
xfrm() { lab_run ip -n "$1" -batch - <<<"$2"; }

# sa_pair NS MODE A B SPI_AB SPI_BA ALG [EXTRA_AB [EXTRA_BA]]: the SAs A->B
# (reqid 1) and B->A (reqid 2), as both ends install them.
sa_pair() {
  xfrm "$1" "xfrm state add src $3 dst $4 proto esp spi $5 reqid 1 mode $2 $7 ${8:-}
xfrm state add src $4 dst $3 proto esp spi $6 reqid 2 mode $2 $7 ${9:-}"
}

# check_counters NS_A NS_B SPI_AB SPI_BA: both SAs counted >= PINGS packets
# on both ends (echo requests A->B, replies B->A).
check_counters() {
  lab_assert_xfrm_packets "$1" $PINGS "$3" "$4"
  lab_assert_xfrm_packets "$2" $PINGS "$3" "$4"
}

flush_states() { local ns; for ns; do lab_run ip -n "$ns" xfrm state flush; done; }

# ---- tunnel mode, site to site -------------------------------------------------
lab_step "tunnel mode: lan-a -- gw-a == gw-b -- lan-b"
lab_site_to_site
lab_assert_ping gw-a 192.0.2.2
lab_assert_no_ping lan-a 10.2.0.10   # no route, no policy: no path at all

# Policies (out for the LAN's traffic, in + fwd for the peer's) and the route
# into the tunnel, as an IKE daemon would install them.
tunnel_policies() { # NS LOCAL_NET REMOTE_NET LOCAL_GW REMOTE_GW REQID_OUT REQID_IN
  xfrm "$1" "xfrm policy add src $2 dst $3 dir out tmpl src $4 dst $5 proto esp reqid $6 mode tunnel
xfrm policy add src $3 dst $2 dir fwd tmpl src $5 dst $4 proto esp reqid $7 mode tunnel
xfrm policy add src $3 dst $2 dir in tmpl src $5 dst $4 proto esp reqid $7 mode tunnel
route add $3 via $5"
}
tunnel_policies gw-a 10.1.0.0/24 10.2.0.0/24 192.0.2.1 192.0.2.2 1 2
tunnel_policies gw-b 10.2.0.0/24 10.1.0.0/24 192.0.2.2 192.0.2.1 2 1
lab_assert_no_ping lan-a 10.2.0.10   # policies, no SAs: dropped, not sent in clear

i=0
for entry in "${ALGS[@]}"; do
  i=$((i + 1))
  name=${entry%%|*} alg=${entry#*|}
  lab_log "tunnel mode, $name"
  printf -v spi_ab '0x%x' $((0xa00 + i)); printf -v spi_ba '0x%x' $((0xb00 + i))
  sa_pair gw-a tunnel 192.0.2.1 192.0.2.2 "$spi_ab" "$spi_ba" "$alg"
  sa_pair gw-b tunnel 192.0.2.1 192.0.2.2 "$spi_ab" "$spi_ba" "$alg"
  lab_assert_ping lan-a 10.2.0.10 $PINGS
  check_counters gw-a gw-b "$spi_ab" "$spi_ba"
  flush_states gw-a gw-b
done
lab_assert_no_ping lan-a 10.2.0.10   # SAs gone, policies stay: no cleartext

# ---- transport mode, host to host ----------------------------------------------
lab_step "transport mode: left -- right"
lab_ns left right
lab_link left eth0 198.51.100.1/24,2001:db8:1::1/64 right eth0 198.51.100.2/24,2001:db8:1::2/64
lab_assert_ping left 198.51.100.2     # the direct link works in clear before the policies

# (An outbound template's reqid must equal the SA's: 1 for left->right.)
transport_policies() { # NS LOCAL REMOTE REQID_OUT REQID_IN
  xfrm "$1" "xfrm policy add src $2 dst $3 dir out tmpl proto esp reqid $4 mode transport
xfrm policy add src $3 dst $2 dir in tmpl proto esp reqid $5 mode transport"
}
transport_policies left 198.51.100.1 198.51.100.2 1 2
transport_policies right 198.51.100.2 198.51.100.1 2 1
transport_policies left 2001:db8:1::1 2001:db8:1::2 1 2
transport_policies right 2001:db8:1::2 2001:db8:1::1 2 1
lab_assert_no_ping left 198.51.100.2      # policies, no SAs
lab_assert_no_ping left 2001:db8:1::2

i=0
for entry in "${ALGS[@]}"; do
  i=$((i + 1))
  name=${entry%%|*} alg=${entry#*|}
  lab_log "transport mode, $name"
  printf -v spi_ab '0x%x' $((0xc00 + i)); printf -v spi_ba '0x%x' $((0xd00 + i))
  sa_pair left transport 198.51.100.1 198.51.100.2 "$spi_ab" "$spi_ba" "$alg"
  sa_pair right transport 198.51.100.1 198.51.100.2 "$spi_ab" "$spi_ba" "$alg"
  lab_assert_ping left 198.51.100.2 $PINGS
  check_counters left right "$spi_ab" "$spi_ba"
  flush_states left right
done

lab_log "transport mode, IPv6, aes-gcm"
alg=${ALGS[0]#*|}
sa_pair left transport 2001:db8:1::1 2001:db8:1::2 0xe01 0xf01 "$alg"
sa_pair right transport 2001:db8:1::1 2001:db8:1::2 0xe01 0xf01 "$alg"
lab_assert_ping left 2001:db8:1::2 $PINGS
check_counters left right 0xe01 0xf01
flush_states left right
lab_assert_no_ping left 198.51.100.2      # SAs gone, policies stay
lab_assert_no_ping left 2001:db8:1::2

# ---- NAT-T: ESP in UDP through a NAT that rewrites the source port ---------------
lab_step "NAT-T: rw -- nat(4500->4600) == gw-b -- lan-b, tunnel mode"
for ns in gw-b lan-b; do lab_run ip netns del "$ns"; done
lab_nat_topology 4600
lab_natt_socket rw 4500
lab_natt_socket gw-b 4500
# rw (10.0.1.2, behind the NAT) <-> lan-b's net. rw sends from 4500 to
# 4500; the NAT makes that 192.0.2.1:4600, which gw-b's SAs name.
xfrm rw "xfrm policy add src 10.0.1.2/32 dst 10.2.0.0/24 dir out tmpl src 10.0.1.2 dst 192.0.2.2 proto esp reqid 1 mode tunnel
xfrm policy add src 10.2.0.0/24 dst 10.0.1.2/32 dir in tmpl src 192.0.2.2 dst 10.0.1.2 proto esp reqid 2 mode tunnel"
xfrm gw-b "xfrm policy add src 10.2.0.0/24 dst 10.0.1.2/32 dir out tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode tunnel
xfrm policy add src 10.0.1.2/32 dst 10.2.0.0/24 dir in tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode tunnel
xfrm policy add src 10.0.1.2/32 dst 10.2.0.0/24 dir fwd tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode tunnel
route add 10.0.1.2/32 via 192.0.2.1"
lab_assert_no_ping rw 10.2.0.10           # policies, no SAs
alg=${ALGS[0]#*|}
xfrm rw "xfrm state add src 10.0.1.2 dst 192.0.2.2 proto esp spi 0x1001 reqid 1 mode tunnel $alg encap espinudp 4500 4500 0.0.0.0
xfrm state add src 192.0.2.2 dst 10.0.1.2 proto esp spi 0x1002 reqid 2 mode tunnel $alg encap espinudp 4500 4500 0.0.0.0"
xfrm gw-b "xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 reqid 1 mode tunnel $alg encap espinudp 4600 4500 0.0.0.0
xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x1002 reqid 2 mode tunnel $alg encap espinudp 4500 4600 0.0.0.0"
lab_assert_ping rw 10.2.0.10 $PINGS
check_counters rw gw-b 0x1001 0x1002

lab_step "PASS: ESP tunnel, transport, IPv6 and NAT-T with 3 algorithms"
