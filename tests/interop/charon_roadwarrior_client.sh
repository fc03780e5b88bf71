#!/bin/bash
# charon_roadwarrior_client.sh: ikev2d as a road-warrior client of
# strongSwan's charon as the gateway, certificates both ways. Each client
# asks for a virtual IP (vips: [0.0.0.0]) and installs what charon gives it
# from its pool the way charon would as a client:
#   1. rw1 (remote_ts 10.1.0.0/24) and rw2 (remote_ts 0.0.0.0/0) connect: each
#      has its virtual IP on eth0 as /32, the rule "from all lookup 220" and
#      in table 220 a route for its remote selector with the virtual IP as
#      source; rw2, whose selector covers the gateway itself, also a host
#      route to the gateway with its real source. A plain ping (no -I) to
#      lan-a crosses the tunnel (both kernels count it) and lan-a sees the
#      virtual IP as its source; rw2 still reaches the gateway outside the
#      tunnel, and its IKE traffic still flows (step 2's delete);
#   2. `ikev2ctl terminate` on rw1 and SIGTERM on rw2 remove the addresses,
#      routes and rule (and charon learns of both deletes);
#   3. rw1 connects again; a reload that removes its connection removes
#      its virtual IP and routes;
#   4. rw1 connects once more; a stopped daemon leaves nothing behind.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, strongSwan and its pki tool
# (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_roadwarrior_client.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/pki.sh
. "$(dirname "$0")/../lab/pki.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools
command -v pki >/dev/null || lab_fail "strongSwan's pki tool is missing (strongswan-pki, scripts/setup)"

DN="C=CH, O=ikev2d lab"
POOL=10.3.0.0/24
declare -A REMOTE_TS=([1]=10.1.0.0/24 [2]=0.0.0.0/0)

make_certs() {
  local k
  lab_step "certificates (strongSwan pki)"
  pki_init "$LAB_OUT/pki"
  pki_ca ca ecdsa256 "$DN, CN=Lab Remote Access CA"
  pki_cert vpn ca ecdsa256 "$DN, CN=vpn.test" vpn.test --flag serverAuth
  for k in 1 2; do
    pki_cert "rw$k" ca ecdsa256 "$DN, CN=rw$k.test" "rw$k.test" --flag clientAuth
  done
}

# gw-a's charon lends addresses from POOL and offers everything behind it.
gateway_config() {
  charon_write_config gw-a conn=rw local_addrs=192.0.2.1 remote_addrs=%any \
    local_id=vpn.test remote_id=%any local_auth=pubkey remote_auth=pubkey \
    local_cert="$PKI_DIR/vpn.pem" local_key="$PKI_DIR/vpn.key" cacert="$PKI_DIR/ca.pem" \
    pool_addrs="$POOL" child=net local_ts=0.0.0.0/0 esp_proposals=aes256gcm16
}

# client_config K: rwK's ikev2d asks for a virtual IP and REMOTE_TS[K].
client_config() {
  local k=$1
  {
    ikev2d_daemon_yaml "rw$k"
    cat <<YAML
authorities:
  lab: {cacert: $PKI_DIR/ca.pem}
connections:
  home:
    local_addrs: ["192.0.2.$((10 + k))"]
    remote_addrs: ["192.0.2.1"]
    proposals: [aes256gcm16-prfsha384-x25519]
    vips: [0.0.0.0]
    local: {auth: pubkey, certs: [$PKI_DIR/rw$k.pem], key: $PKI_DIR/rw$k.key, id: rw$k.test}
    remote: {auth: pubkey, id: vpn.test}
    children:
      lan:
        remote_ts: [${REMOTE_TS[$k]}]
        esp_proposals: [aes256gcm16]
        start_action: none
YAML
  } >"$(ikev2d_config_file "rw$k")"
}

# connect K: rwK's ikev2d brings up the tunnel; prints its virtual IP.
connect() {
  local k=$1 out vip
  out=$(ikev2d_ctl "rw$k" initiate home --timeout 20 2>&1) || lab_fail "rw$k: initiate failed: $out"
  ikev2d_established "rw$k" home || lab_fail "rw$k: no established IKE_SA: $(<"$LAB_OUT/sas-rw$k.json")"
  vip=$("$JQ" -r '.sas[0].virtual_ips[0] // empty' "$LAB_OUT/sas-rw$k.json")
  [[ $vip =~ ^10\.3\.0\.[0-9]+$ ]] || lab_fail "rw$k got no virtual IP from $POOL: $(<"$LAB_OUT/sas-rw$k.json")"
  echo "$vip"
}

# has_line NS LINE: ikev2d_vip_state NS holds a line matching the ERE LINE.
has_line() {
  ikev2d_vip_state "$1" >"$LAB_OUT/vip-state-$1"
  grep -Eq -- "$2" "$LAB_OUT/vip-state-$1"
}

# check_installed K VIP: address, rule and routes of rwK are in place.
check_installed() {
  local k=$1 vip=$2 want
  want=("^address $vip/32\$" "^rule 220:[[:space:]]+from all lookup 220")
  if [ "$k" = 1 ]; then
    want+=("^route 10\.1\.0\.0/24 dev eth0 proto static .*src $vip")
  else
    want+=("^route default dev eth0 proto static .*src $vip" "^route 192\.0\.2\.1 dev eth0 proto static .*src 192\.0\.2\.12")
  fi
  for re in "${want[@]}"; do
    has_line "rw$k" "$re" || lab_fail "rw$k: no line like '$re':
$(<"$LAB_OUT/vip-state-rw$k")"
  done
  lab_log "rw$k: virtual IP $vip on eth0, rule 220 and source routes in table 220"
}

# lan_saw PCAP VIP: the capture holds an echo request from VIP to lan-a.
lan_saw() { tcpdump -n -r "$1" 2>/dev/null | grep -q "IP ${2//./\\.} > 10\.1\.0\.10: ICMP echo request"; }

# check_traffic K VIP: a plain ping from rwK to lan-a crosses the tunnel from VIP.
CAPTURES=0
check_traffic() {
  local k=$1 vip=$2 spi_in spi_out cap
  # A fresh name per capture: lab_tcpdump waits for "listening on" in the
  # log, which an earlier capture of the same name already holds.
  cap=lan-rw$k-$((++CAPTURES))
  # Immediate mode: packets reach the file as they come, not when a buffer
  # block times out (TERM may come first).
  lab_tcpdump lan-a eth0 "$cap" --immediate-mode icmp
  lab_assert_ping "rw$k" 10.1.0.10 3
  lab_wait_for 5 lan_saw "$LAB_OUT/$cap.pcap" "$vip" || true
  lab_stop "$cap"
  tcpdump -n -r "$LAB_OUT/$cap.pcap" >"$LAB_OUT/$cap.txt" 2>&1
  grep -q "IP $vip > 10\.1\.0\.10: ICMP echo request" "$LAB_OUT/$cap.txt" ||
    lab_fail "lan-a did not see echo requests from $vip:
$(<"$LAB_OUT/$cap.txt")"
  spi_in=$(ikev2d_child_field "rw$k" home spi_in) spi_out=$(ikev2d_child_field "rw$k" home spi_out)
  lab_assert_xfrm_packets "rw$k" 3 "0x$spi_in" "0x$spi_out"
  lab_assert_xfrm_packets gw-a 3 "0x$spi_in" "0x$spi_out"
  lab_log "rw$k: ping without -I left from $vip through CHILD_SA $spi_in/$spi_out"
}

# charon_has_peer ADDR: gw-a's charon has an IKE_SA with ADDR.
charon_has_peer() {
  charon_list_sas gw-a | awk -v a="$1[" '$1 == "ike" && index($10, a) == 1 { f = 1 } END { exit !f }'
}
charon_lacks_peer() { ! charon_has_peer "$1"; }

# no_vip_state NS: ikev2d_vip_state NS is empty.
no_vip_state() { [ -z "$(ikev2d_vip_state "$1")" ]; }

lab_step "topology: rw1, rw2 ==WAN== gw-a (charon) -- lan-a"
lab_roadwarrior_topology 2
# charon installs no routes in the lab: the gateway forwards to the pool itself.
lab_run ip -n gw-a route add "$POOL" dev eth0
ikev2d_drop_cleartext gw-a
make_certs
gateway_config
charon_start gw-a
charon_load gw-a

lab_step "1. rw1 and rw2 connect and install their virtual IPs"
declare -A VIP
for k in 1 2; do
  client_config "$k"
  ikev2d_start "rw$k"
  [ -z "$(ikev2d_vip_state "rw$k")" ] || lab_fail "rw$k: state before connecting: $(ikev2d_vip_state "rw$k")"
  VIP[$k]=$(connect "$k")
  check_installed "$k" "${VIP[$k]}"
done
[ "${VIP[1]}" != "${VIP[2]}" ] || lab_fail "both clients got ${VIP[1]}"
for k in 1 2; do check_traffic "$k" "${VIP[$k]}"; done
# rw2's 0.0.0.0/0 tunnel does not take the gateway itself: that ping leaves
# from rw2's own address, outside the tunnel (gw-a drops no input), and the
# outbound SA counts nothing more.
spi_out=0x$(ikev2d_child_field rw2 home spi_out)
before=$(lab_xfrm_packets rw2 "$spi_out")
lab_assert_ping rw2 192.0.2.1 2
after=$(lab_xfrm_packets rw2 "$spi_out")
[[ -n $before && $before == "$after" ]] ||
  lab_fail "rw2's ping to the gateway went into the tunnel (SA $spi_out: '$before' -> '$after' packets)"
lab_wait_for 10 charon_has_peer 192.0.2.11 || lab_fail "charon has no IKE_SA with rw1: $(charon_list_sas gw-a)"

lab_step "2. terminate (rw1) and SIGTERM (rw2) remove address, routes and rule"
lab_run ikev2d_ctl rw1 terminate home
lab_wait_for 10 no_vip_state rw1 || lab_fail "rw1 kept after terminate:
$(ikev2d_vip_state rw1)"
lab_wait_for 10 charon_lacks_peer 192.0.2.11 || lab_fail "charon still has rw1's IKE_SA: the delete did not arrive"
lab_log "rw1: nothing left after terminate, charon deleted its IKE_SA too"
ikev2d_sigterm rw2
[ -z "$(ikev2d_vip_state rw2)" ] || lab_fail "rw2 left after SIGTERM:
$(ikev2d_vip_state rw2)"
lab_wait_for 10 charon_lacks_peer 192.0.2.12 || lab_fail "charon still has rw2's IKE_SA: the delete did not arrive"
lab_log "rw2: nothing left after SIGTERM, charon deleted its IKE_SA too"

lab_step "3. rw1 reconnects; a reload that removes its connection removes its virtual IP"
again=$(connect 1)
[ "$again" = "${VIP[1]}" ] || lab_log "rw1 got $again on reconnecting (was ${VIP[1]})"
check_installed 1 "$again"
check_traffic 1 "$again"
ikev2d_daemon_yaml rw1 >"$(ikev2d_config_file rw1)"
lab_run ikev2d_ctl rw1 reload
lab_wait_for 10 no_vip_state rw1 || lab_fail "rw1 kept after the reload removed its connection:
$(ikev2d_vip_state rw1)"
lab_wait_for 10 charon_lacks_peer 192.0.2.11 || lab_fail "charon still has rw1's IKE_SA after the reload"
lab_log "rw1: nothing left after the reload removed the connection"

lab_step "4. rw1 connects once more, then stops"
client_config 1
lab_run ikev2d_ctl rw1 reload
check_installed 1 "$(connect 1)"
ikev2d_sigterm rw1
[ -z "$(ikev2d_vip_state rw1)" ] || lab_fail "rw1 left after SIGTERM:
$(ikev2d_vip_state rw1)"
charon_stop gw-a
lab_log "PASS: ikev2d installs and removes the virtual IPs charon gives it, with source routes"
