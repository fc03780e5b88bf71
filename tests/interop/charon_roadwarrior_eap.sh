#!/bin/bash
# charon_roadwarrior_eap.sh: ikev2d as a remote-access gateway that proves
# itself with a certificate (serverAuth) and checks its users with
# EAP-MSCHAPv2 (RFC 7296 §2.16), strongSwan's charon as the clients:
#   1. three clients at once, each with its own EAP user (the gateway asks
#      for the EAP identity, as for Windows): each gets a virtual IP from the
#      pool and the DNS attributes, the gateway logs the EAP user, and each
#      client's traffic from its virtual IP crosses to lan-a;
#   2. a client with a wrong password is refused cleanly: charon sees the
#      EAP failure, ikev2d logs which user failed, no IKE_SA or CHILD_SA of it
#      remains on the gateway and no address was lent;
#   3. EAP-TLS (RFC 5216): two clients prove themselves with certificates
#      inside EAP, the gateway checks them against its CA, lends addresses and
#      carries their traffic; a client whose certificate the CA did not issue
#      is refused with the reason logged.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, strongSwan and its pki tool
# (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_roadwarrior_eap.sh
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

CLIENTS=3
DN="C=CH, O=ikev2d lab"
POOL=10.3.0.0/24
USERS=(carol dave erin)

password_of() { echo "pw-of-$1-0123"; }

# gateway_config [METHOD]: gw-a's ikev2d, one EAP connection for every
# client (eap-mschapv2 or eap-tls), with the EAP users.
gateway_config() {
  local u users=""
  for u in "${USERS[@]}"; do
    users+="  - ids: [$u]
    eap: \"$(password_of "$u")\"
"
  done
  rw_gateway_config "$POOL" "{auth: ${1:-eap-mschapv2}, eap_id: \"%any\"}" "$users"
}

# client_config K PASSWORD: rwK's charon is EAP user USERS[K-1]; it checks
# the gateway's certificate and asks for a virtual IP.
client_config() {
  rw_client_config "$1" local_auth=eap-mschapv2 local_cert= local_key= \
    eap_id="${USERS[$1 - 1]}" eap_secret="$2"
}

lab_step "topology: rw1..rw$CLIENTS ==WAN== gw-a -- lan-a"
lab_roadwarrior_topology "$CLIENTS"
lab_run ip -n gw-a route add "$POOL" dev eth0
ikev2d_drop_cleartext gw-a
rw_make_certs 2
pki_ca rogue ecdsa256 "$DN, CN=Rogue CA"
pki_cert rw3 rogue ecdsa256 "$DN, CN=rw3.test" rw3.test --flag clientAuth

lab_step "1. three EAP-MSCHAPv2 users at once, each with its own virtual IP"
gateway_config
ikev2d_start gw-a
declare -A VIP
for ((k = 1; k <= CLIENTS; k++)); do
  client_config "$k" "$(password_of "${USERS[k - 1]}")"
  charon_start "rw$k"
  charon_load "rw$k"
done
for ((k = 1; k <= CLIENTS; k++)); do VIP[$k]=$(connect "$k"); done
[ "$(printf '%s\n' "${VIP[@]}" | sort -u | wc -l)" = "$CLIENTS" ] ||
  lab_fail "the clients' virtual IPs are not all different: ${VIP[*]}"
for ((k = 1; k <= CLIENTS; k++)); do
  check_client "$k" "${VIP[$k]}"
  grep -q "EAP_MSCHAPV2 succeeded" "$(charon_dir "rw$k")/charon.log" ||
    lab_fail "charon in rw$k did not run EAP-MSCHAPv2 to success"
  ikev2d_wait_log 5 gw-a 0 "'${USERS[k - 1]}'" "succeeded" >/dev/null ||
    lab_fail "ikev2d's log does not name the EAP user ${USERS[k - 1]} of rw$k"
done
n=$("$JQ" '.sas | length' "$LAB_OUT/sas-gw-a.json")
[ "$n" = "$CLIENTS" ] || lab_fail "gw-a lists $n IKE_SAs, expected $CLIENTS"

lab_step "2. a wrong password is refused cleanly"
charon_stop rw3
client_config 3 "not-the-password"
charon_start rw3
charon_load rw3
if charon_swanctl rw3 --initiate --child lan --ike rw --timeout 20 >"$LAB_OUT/rw3-initiate.out" 2>&1; then
  lab_fail "rw3 got a tunnel with a wrong password: $(tail -n 3 "$LAB_OUT/rw3-initiate.out")"
fi
grep -qE 'EAP_FAILURE|EAP_MSCHAPV2 method failed' "$(charon_dir rw3)/charon.log" ||
  lab_fail "charon in rw3 does not report the EAP failure"
ikev2d_wait_log 10 gw-a 0 "'erin'" "fail" >/dev/null ||
  lab_fail "ikev2d's log does not say that the EAP user erin failed"
lab_wait_for 10 test "$(ikev2d_ctl gw-a --json list-sas | "$JQ" '.sas | length')" = 2 ||
  lab_fail "gw-a keeps an IKE_SA for the refused client: $(ikev2d_ctl gw-a list-sas)"
[ -z "$(client_vip 3)" ] || lab_fail "rw3 installed a virtual IP: $(client_vip 3)"
# The other clients are untouched.
for k in 1 2; do check_client "$k" "${VIP[$k]}"; done
for ((k = 1; k <= CLIENTS; k++)); do charon_stop "rw$k"; done
ikev2d_sigterm gw-a

lab_step "3. EAP-TLS: client certificates inside EAP"
gateway_config eap-tls
ikev2d_start gw-a
for ((k = 1; k <= CLIENTS; k++)); do
  rw_client_config "$k" local_auth=eap-tls eap_id="rw$k.test"
  charon_start "rw$k"
  charon_load "rw$k"
done
for k in 1 2; do
  VIP[$k]=$(connect "$k")
  check_client "$k" "${VIP[$k]}"
  grep -q "EAP_TLS succeeded" "$(charon_dir "rw$k")/charon.log" ||
    lab_fail "charon in rw$k did not run EAP-TLS to success"
done
[ "${VIP[1]}" != "${VIP[2]}" ] || lab_fail "rw1 and rw2 got the same virtual IP ${VIP[1]}"
mark=$(ikev2d_log_lines gw-a)
if charon_swanctl rw3 --initiate --child lan --ike rw --timeout 20 >"$LAB_OUT/rw3-tls.out" 2>&1; then
  lab_fail "rw3 got a tunnel with a certificate from an unknown CA: $(tail -n 3 "$LAB_OUT/rw3-tls.out")"
fi
ikev2d_wait_log 10 gw-a "$mark" "rw3.test" "Rogue CA" >/dev/null ||
  lab_fail "ikev2d's log does not explain why rw3's certificate was refused"
[ -z "$(client_vip 3)" ] || lab_fail "rw3 installed a virtual IP: $(client_vip 3)"
for ((k = 1; k <= CLIENTS; k++)); do charon_stop "rw$k"; done
ikev2d_sigterm gw-a
lab_log "PASS: EAP-MSCHAPv2 and EAP-TLS road warriors with virtual IPs and DNS; a wrong password and an unknown CA are refused"
