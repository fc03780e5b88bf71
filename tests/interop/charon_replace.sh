#!/bin/bash
# charon_replace.sh: INITIAL_CONTACT (RFC 7296 §2.4) with strongSwan's charon
# as a road-warrior client of an ikev2d gateway that lends virtual IPs from
# a pool:
#   1. rw1's charon connects, gets a virtual IP, and its traffic crosses the
#      tunnel to lan-a;
#   2. rw1's charon is killed (SIGKILL: no Delete goes out) and the client's
#      kernel forgets its SAs, policies and address, as after a reboot; the
#      gateway still holds the old IKE_SA;
#   3. charon starts again and connects: its IKE_AUTH carries INITIAL_CONTACT,
#      and ikev2d must drop the old IKE_SA with its CHILD_SA at once (its log
#      says so): list-sas shows one IKE_SA for rw1 with new SPIs, the kernel
#      holds only the new CHILD_SA's two SAs and three policies, the client
#      gets the same virtual IP again (leases are kept per identity), and its
#      traffic crosses the new tunnel.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, strongSwan and its pki tool
# (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_replace.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/pki.sh
. "$(dirname "$0")/../lab/pki.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
# shellcheck source=roadwarrior.bash
. "$(dirname "$0")/roadwarrior.bash"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools
command -v pki >/dev/null || lab_fail "strongSwan's pki tool is missing (strongswan-pki, scripts/setup)"

# shellcheck disable=SC2034 # used by roadwarrior.bash
DN="C=CH, O=ikev2d lab"
POOL=10.3.0.0/24

# gateway_sa: gw-a's IKE_SAs as lines "ID SPI_I SPI_R REMOTE_ID CHILDREN
# SPI_IN SPI_OUT REMOTE_TS" (the first CHILD_SA's; list-sas --json kept in
# $LAB_OUT/sas-gw-a.json).
gateway_sa() {
  ikev2d_ctl gw-a --json list-sas >"$LAB_OUT/sas-gw-a.json" || return 1
  "$JQ" -r '.sas[] | "\(.id) \(.spi_i) \(.spi_r) \(.remote_id) \(.children | length) \(.children[0].spi_in // "-") \(.children[0].spi_out // "-") \(.children[0].remote_ts // [] | join(","))"' \
    "$LAB_OUT/sas-gw-a.json"
}

# check_tunnel VIP SPI_IN SPI_OUT: rw1's traffic from VIP reaches lan-a, and
# gw-a's kernel holds exactly the SAs SPI_IN and SPI_OUT of ikev2d's and
# the three policies of VIP's CHILD_SA, which counted the traffic.
check_tunnel() {
  local vip=$1 spi_in=$2 spi_out=$3 sas policies
  lab_run ip -n rw1 route replace 10.1.0.0/24 dev eth0 src "$vip"
  lab_assert_ping rw1 10.1.0.10 3
  lab_assert_xfrm_packets gw-a 3 "0x$spi_in" "0x$spi_out"
  sas=$(ikev2d_our_sas gw-a | awk '{ print $1 }' | sort | tr '\n' ' ')
  [ "$sas" = "$(printf '0x%s\n' "$spi_in" "$spi_out" | sort | tr '\n' ' ')" ] ||
    lab_fail "gw-a's kernel holds the SAs $sas of ikev2d, expected only 0x$spi_in and 0x$spi_out:
$(ip -n gw-a xfrm state)"
  policies=$(ikev2d_our_policies gw-a | awk '{ print $1, $2, $3 }' | sort | tr '\n' ';')
  [ "$policies" = "fwd $vip/32 10.1.0.0/24;in $vip/32 10.1.0.0/24;out 10.1.0.0/24 $vip/32;" ] ||
    lab_fail "gw-a's policies of ikev2d: '$policies', expected the three of $vip/32 === 10.1.0.0/24:
$(ip -n gw-a xfrm policy)"
  lab_log "rw1 at $vip reaches lan-a through gw-a's SAs 0x$spi_in/0x$spi_out; gw-a holds only those and their 3 policies"
}

lab_step "topology: rw1 ==WAN== gw-a -- lan-a"
lab_roadwarrior_topology 1
lab_run ip -n gw-a route add "$POOL" dev eth0
ikev2d_drop_cleartext gw-a
rw_make_certs 1
rw_gateway_config "$POOL"
ikev2d_start gw-a
rw_client_config 1
charon_start rw1
charon_load rw1

lab_step "1. rw1 connects"
vip=$(connect 1)
read -r old_id old_spi_i old_spi_r old_rid old_children old_in old_out old_ts < <(gateway_sa) ||
  lab_fail "gw-a lists no IKE_SA: $(<"$LAB_OUT/sas-gw-a.json")"
[[ $old_rid == rw1.test && $old_children == 1 && $old_ts == "$vip/32" ]] ||
  lab_fail "gw-a's IKE_SA: id $old_id of '$old_rid' with $old_children CHILD_SA(s) for '$old_ts', expected one of rw1.test for $vip/32"
check_tunnel "$vip" "$old_in" "$old_out"
lab_log "IKE_SA #$old_id ${old_spi_i}_i ${old_spi_r}_r, CHILD_SA in $old_in out $old_out, virtual IP $vip"

lab_step "2. rw1's charon dies without a Delete, and its kernel forgets everything"
charon_kill rw1
lab_run ip -n rw1 xfrm state flush
lab_run ip -n rw1 xfrm policy flush
lab_run ip -n rw1 addr flush dev eth0 to "$vip"
mark=$(ikev2d_log_lines gw-a)
[ "$(gateway_sa | wc -l)" = 1 ] || lab_fail "gw-a no longer lists rw1's old IKE_SA: $(<"$LAB_OUT/sas-gw-a.json")"
lab_log "gw-a still holds IKE_SA #$old_id of the dead client"

lab_step "3. rw1's charon starts again and connects with INITIAL_CONTACT"
charon_start rw1
charon_load rw1
again=$(connect 1)
line=$(grep -m1 -o 'generating IKE_AUTH request 1 \[.*N(INIT_CONTACT).*' "$(charon_dir rw1)/charon.log") ||
  lab_fail "charon in rw1 sent no INITIAL_CONTACT in its IKE_AUTH: $(grep 'IKE_AUTH request' "$(charon_dir rw1)/charon.log")"
lab_log "charon: $line"
# At once: the old IKE_SA goes in the same step that completes the new one.
mapfile -t listed < <(gateway_sa)
((${#listed[@]} == 1)) || lab_fail "gw-a lists ${#listed[@]} IKE_SAs after the reconnect, expected 1:
$(printf '  %s\n' "${listed[@]}")"
read -r new_id new_spi_i new_spi_r new_rid new_children new_in new_out new_ts <<<"${listed[0]}"
[[ $new_rid == rw1.test && $new_children == 1 ]] ||
  lab_fail "gw-a's IKE_SA: '${listed[0]}', expected one of rw1.test with one CHILD_SA"
[[ $new_id != "$old_id" && $new_spi_i != "$old_spi_i" && $new_in != "$old_in" && $new_out != "$old_out" ]] ||
  lab_fail "gw-a's IKE_SA is not a new one: '${listed[0]}' (old: #$old_id ${old_spi_i}_i, CHILD_SA $old_in/$old_out)"
line=$(ikev2d_wait_log 1 gw-a "$mark" "[rw#$old_id " "failed: replaced by IKE_SA #$new_id:" "INITIAL_CONTACT") ||
  lab_fail "ikev2d's log does not say IKE_SA #$old_id was replaced by #$new_id on INITIAL_CONTACT"
echo "$line"
[ "$again" = "$vip" ] || lab_fail "rw1 got $again after the replacement, not its earlier $vip"
[ "$new_ts" = "$vip/32" ] || lab_fail "gw-a's new CHILD_SA is for '$new_ts', expected $vip/32"
check_tunnel "$vip" "$new_in" "$new_out"
lab_log "IKE_SA #$new_id ${new_spi_i}_i ${new_spi_r}_r replaced #$old_id; same virtual IP $vip"

charon_stop rw1
ikev2d_wait_clean 10 gw-a
ikev2d_sigterm gw-a
lab_log "PASS: INITIAL_CONTACT replaced the dead client's IKE_SA and CHILD_SA; virtual IP kept"
