#!/bin/bash
# ikev2d_site_to_site.sh: two ikev2d daemons key a site-to-site tunnel end to
# end in the lab kernel (lan-a -- gw-a == gw-b -- lan-b, lab_site_to_site):
#   1. without a tunnel no LAN-to-LAN ping crosses; a foreign SA and policies
#      (reqid 7, as another daemon's) sit in gw-a;
#   2. gw-a (start_action start) and gw-b (responder) run ikev2d with PSK auth,
#      FQDN ids, aes256gcm16-prfsha384-x25519 and an ESP aes256gcm16 tunnel
#      CHILD_SA between 10.1.0.0/24 and 10.2.0.0/24; `ikev2ctl list-sas --json`
#      shows an established IKE_SA with the CHILD_SA on both;
#   3. LAN-to-LAN pings cross (the gateways drop forwarded cleartext, so they
#      can only cross in ESP), `ip -s xfrm state` counters moved on both
#      gateways, the SPIs of both sides are mirrored and the ESP algorithm
#      agrees (and is rfc4106(gcm(aes)) in the kernel);
#   3b. a second CHILD_SA "net6" (fd01::/64 === fd02::/64, aes128gcm16 with
#      x25519 PFS) comes up by CREATE_CHILD_SA: IPv6 crosses in it, SPIs
#      mirror, the kernel counts;
#   3c. `ikev2ctl terminate --child` removes net6 on both sides while net and
#      the IKE_SA stay (IPv4 still crosses, IPv6 no longer);
#   4. `ikev2ctl terminate` on gw-a removes the SAs on both sides: list-sas is
#      empty and neither kernel holds an SA or policy of ikev2d's reqid range
#      (0x4b450001-0x4b45ffff); the foreign state survives;
#   5. both daemons exit 0 on SIGTERM, leaving nothing of theirs.
# On a failure the tails of both daemons' logs are printed.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree (ASan cannot run in UML) with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_site_to_site.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

PINGS=3
ESTABLISH_TIMEOUT=20
CONN="a-to-b"
GWS=(gw-a gw-b)

# write_config GW LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
#   LOCAL_TS6 REMOTE_TS6: child "net" carries IPv4, "net6" (PFS, so it needs
#   the CREATE_CHILD_SA exchange that brings it up after IKE_AUTH) IPv6.
write_config() {
  {
    ikev2d_daemon_yaml "$1"
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5"
    ikev2d_child_yaml net "$6" "$7" "$8"
    ikev2d_child_yaml net6 "$9" "${10}" "$8" aes128gcm16-x25519
  } >"$(ikev2d_config_file "$1")"
}

# two_children GW / one_child GW: GW's established IKE_SA of $CONN lists
# exactly that many CHILD_SAs (the answer is kept in sas-GW.json).
children_are() {
  ikev2d_ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $c and $n
  "$JQ" -e --arg c "$CONN" --argjson n "$2" \
    '[.sas[] | select(.conn == $c and .state == "established" and (.children | length) == $n)] | length == 1' \
    "$LAB_OUT/sas-$1.json" >/dev/null
}
two_children() { children_are "$1" 2; }
one_child() { children_are "$1" 1; }

# net6_field GW FIELD: FIELD of child net6 in sas-GW.json.
net6_field() {
  # shellcheck disable=SC2016 # jq's own $f and $n
  "$JQ" -r --arg f "$2" --arg n "$CONN/net6" '.sas[].children[] | select(.name == $n) | .[$f]' "$LAB_OUT/sas-$1.json"
}

# ---- 1. setup ------------------------------------------------------------------
lab_step "1. setup: lan-a -- gw-a == gw-b -- lan-b, foreign state in gw-a"
lab_site_to_site
ikev2d_add_foreign_state gw-a
lab_assert_no_ping lan-a 10.2.0.10
lab_assert_no_ping lan-b 10.1.0.10
# ikev2d installs no routes: give each gateway one to the other LAN, and drop
# whatever would be forwarded onto the WAN without IPsec, so LAN-to-LAN
# traffic can cross only inside ESP.
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
lab_route gw-a fd02::/64 2001:db8::2
lab_route gw-b fd01::/64 2001:db8::1
ikev2d_drop_cleartext "${GWS[@]}"
lab_assert_no_ping lan-a 10.2.0.10   # routed now, but cleartext is dropped
lab_assert_no_ping lan-a fd02::10

# ---- 2. start the daemons ------------------------------------------------------
lab_step "2. ikev2d in gw-b (responder) and gw-a (initiator, start_action start)"
write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test 10.1.0.0/24 10.2.0.0/24 start fd01::/64 fd02::/64
write_config gw-b 192.0.2.2 - gw-b.test gw-a.test 10.2.0.0/24 10.1.0.0/24 none fd02::/64 fd01::/64
ikev2d_start gw-b
ikev2d_start gw-a
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
ikev2d_ctl gw-a list-sas

# ---- 3. traffic ----------------------------------------------------------------
lab_step "3. LAN-to-LAN traffic crosses in ESP"
lab_assert_ping lan-a 10.2.0.10 $PINGS
lab_assert_ping lan-b 10.1.0.10 $PINGS
# Both directions pinged: the kernel saw 2 x PINGS packets each way.
ikev2d_assert_mirrored gw-a gw-b "$CONN" $((2 * PINGS))
[[ $ESP_PROPOSAL == aes256gcm16* ]] || lab_fail "ESP algorithm is '$ESP_PROPOSAL', expected aes256gcm16"
for gw in "${GWS[@]}"; do
  lab_log "ikev2ctl list-sas on $gw:"
  ikev2d_ctl "$gw" list-sas
done
# ---- 3b. the second CHILD_SA -----------------------------------------------------
lab_step "3b. child net6 came up by CREATE_CHILD_SA with PFS; IPv6 crosses in it"
lab_wait_for $ESTABLISH_TIMEOUT two_children gw-a || lab_fail "gw-a: no second CHILD_SA: $(<"$LAB_OUT/sas-gw-a.json")"
lab_wait_for $ESTABLISH_TIMEOUT two_children gw-b || lab_fail "gw-b: no second CHILD_SA: $(<"$LAB_OUT/sas-gw-b.json")"
lab_assert_ping lan-a fd02::10 $PINGS
lab_assert_ping lan-b fd01::10 $PINGS
a6_in=$(net6_field gw-a spi_in) a6_out=$(net6_field gw-a spi_out)
b6_in=$(net6_field gw-b spi_in) b6_out=$(net6_field gw-b spi_out)
a6_alg=$(net6_field gw-a proposal) b6_alg=$(net6_field gw-b proposal)
if [ -z "$a6_in" ] || [ "$a6_in" != "$b6_out" ] || [ "$a6_out" != "$b6_in" ]; then
  lab_fail "net6 SPIs not mirrored: gw-a $a6_in/$a6_out, gw-b $b6_in/$b6_out"
fi
if [ "$a6_alg" != "$b6_alg" ] || [[ $a6_alg != aes128gcm16-curve25519* ]]; then
  lab_fail "net6 proposals: gw-a '$a6_alg', gw-b '$b6_alg', expected aes128gcm16-curve25519"
fi
lab_assert_xfrm_packets gw-a $((2 * PINGS)) "0x$a6_in" "0x$a6_out"
lab_assert_xfrm_packets gw-b $((2 * PINGS)) "0x$b6_in" "0x$b6_out"
lab_log "net6: SPIs mirrored ($a6_in/$a6_out), $a6_alg on both sides"

for gw in "${GWS[@]}"; do
  n=$(ip -n "$gw" xfrm state | grep -c 'aead rfc4106(gcm(aes))')
  # Two CHILD_SAs; gw-a also holds the foreign GCM SA.
  want=4; [ "$gw" = gw-a ] && want=5
  ((n == want)) || lab_fail "$gw has $n rfc4106(gcm(aes)) SAs, expected $want:
$(ip -n "$gw" xfrm state)"
  ikev2d_ours_left "$gw" >"$LAB_OUT/ours-$gw" || lab_fail "no SA or policy with an ikev2d reqid in $gw"
  lab_log "$gw: $(wc -l <"$LAB_OUT/ours-$gw") SAs/policies of ikev2d in the kernel"
done

# ---- 3c. terminate one CHILD_SA ---------------------------------------------------
lab_step "3c. ikev2ctl terminate --child: net6 goes on both sides, net and the IKE_SA stay"
net6_id=$(net6_field gw-a id)
lab_run ikev2d_ctl gw-a terminate --child "$net6_id"
lab_wait_for 10 one_child gw-a || lab_fail "gw-a still lists net6: $(<"$LAB_OUT/sas-gw-a.json")"
lab_wait_for 10 one_child gw-b || lab_fail "gw-b still lists net6: $(<"$LAB_OUT/sas-gw-b.json")"
for spi in "$a6_in" "$a6_out"; do
  [ -z "$(lab_xfrm_packets gw-a "0x$spi")" ] || lab_fail "gw-a still holds net6's SA $spi"
done
for spi in "$b6_in" "$b6_out"; do
  [ -z "$(lab_xfrm_packets gw-b "0x$spi")" ] || lab_fail "gw-b still holds net6's SA $spi"
done
lab_assert_no_ping lan-a fd02::10
lab_assert_ping lan-a 10.2.0.10 $PINGS

# ---- 4. terminate ----------------------------------------------------------------
lab_step "4. ikev2ctl terminate $CONN on gw-a: both sides drop everything"
lab_run ikev2d_ctl gw-a terminate "$CONN"
ikev2d_wait_clean 10 "${GWS[@]}"
lab_assert_no_ping lan-a 10.2.0.10
ikev2d_foreign_kept gw-a

# ---- 5. SIGTERM -------------------------------------------------------------------
lab_step "5. SIGTERM: both daemons exit 0"
ikev2d_sigterm gw-a
ikev2d_sigterm gw-b

lab_step "PASS: ikev2d keyed a site-to-site tunnel, traffic crossed in ESP, terminate and SIGTERM cleaned up"
