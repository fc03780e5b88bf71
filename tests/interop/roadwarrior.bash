# roadwarrior.bash: what the road-warrior scripts (charon_roadwarrior*.sh,
# charon_replace.sh) share: the certificates, an ikev2d gateway gw-a for
# charon clients rwK with certificates, and the checks on each client: its
# virtual IP from $POOL, the DNS attributes, and its traffic through the
# tunnel to lan-a. Sourced after tests/lab/{lib,pki,ikev2d,charon}.sh.

# rw_make_certs N: with strongSwan's pki, the lab CA, the gateway's
# certificate (vpn.test, serverAuth) and N clients' (rwK.test, clientAuth).
rw_make_certs() {
  local n=$1 k
  lab_step "certificates (strongSwan pki)"
  pki_init "$LAB_OUT/pki"
  pki_ca ca ecdsa256 "$DN, CN=Lab Remote Access CA"
  pki_cert vpn ca ecdsa256 "$DN, CN=vpn.test" vpn.test --flag serverAuth
  for ((k = 1; k <= n; k++)); do
    pki_cert "rw$k" ca ecdsa256 "$DN, CN=rw$k.test" "rw$k.test" --flag clientAuth
  done
}

# rw_gateway_config POOL_ADDRS [REMOTE [SECRETS]]: gw-a's ikev2d, one
# connection for every client, its certificate vpn.test. REMOTE: the
# connection's remote section (default: client certificates with clientAuth);
# SECRETS: more entries of the secrets list (YAML lines).
rw_gateway_config() {
  local remote=${2:-'{auth: pubkey, id: "%any", require_eku: clientAuth}'}
  {
    # (ikev2d_daemon_yaml ends with the secrets list: SECRETS join it.)
    ikev2d_daemon_yaml gw-a
    [ -z "${3:-}" ] || printf '%s\n' "$3"
    cat <<EOF
authorities:
  lab: {cacert: $PKI_DIR/ca.pem}
pools:
  rw-v4:
    addrs: $1
    dns: [10.1.0.53]
    dns_domains: [lab.test]
connections:
  rw:
    proposals: [aes256gcm16-prfsha384-x25519]
    pools: [rw-v4]
    local: {auth: pubkey, certs: [$PKI_DIR/vpn.pem], key: $PKI_DIR/vpn.key, id: vpn.test}
    remote: $remote
    children:
      lan:
        local_ts: [10.1.0.0/24]
        esp_proposals: [aes256gcm16]
        start_action: none
EOF
  } >"$(ikev2d_config_file gw-a)"
}

# rw_client_config K [KEY=VALUE...]: rwK's charon asks for a virtual IP and
# the gateway's LAN, with its certificate rwK.test unless the KEY=VALUE
# pairs (charon_write_config's connection keys) say otherwise.
rw_client_config() {
  local k=$1
  shift
  charon_write_config "rw$k" conn=rw local_addrs="192.0.2.$((10 + k))" remote_addrs=192.0.2.1 \
    local_id="rw$k.test" remote_id=vpn.test local_auth=pubkey remote_auth=pubkey \
    local_cert="$PKI_DIR/rw$k.pem" local_key="$PKI_DIR/rw$k.key" cacert="$PKI_DIR/ca.pem" \
    vips=0.0.0.0 resolv_file="$(charon_dir "rw$k")/resolv.conf" "$@" \
    child=lan remote_ts=10.1.0.0/24 esp_proposals=aes256gcm16
}

# client_vip K: the virtual IP charon in rwK installed (empty if none).
client_vip() {
  ip -n "rw$1" -4 -o addr show dev eth0 | awk '$4 !~ /^192\.0\.2\./ { sub(/\/.*/, "", $4); print $4; exit }'
}

# has_vip K: rwK has a virtual IP installed (a command, for lab_wait_for).
has_vip() { [ -n "$(client_vip "$1")" ]; }

# connect K: rwK's charon brings up the tunnel; prints its virtual IP.
connect() {
  local k=$1 vip
  charon_initiate "rw$k" lan rw 20 >&2
  lab_wait_for 10 has_vip "$k" || true
  vip=$(client_vip "$k")
  [[ $vip =~ ^10\.3\.0\.[0-9]+$ ]] || lab_fail "rw$k has no virtual IP from $POOL on eth0:
$(ip -n "rw$k" addr show dev eth0)"
  echo "$vip"
}

# gateway_child_of VIP: "SPI_IN SPI_OUT" of gw-a's CHILD_SA whose remote
# selector is VIP/32 (from ikev2ctl --json list-sas).
gateway_child_of() {
  ikev2d_ctl gw-a --json list-sas >"$LAB_OUT/sas-gw-a.json" || return 1
  # shellcheck disable=SC2016 # jq's own $ts
  "$JQ" -r --arg ts "$1/32" '.sas[].children[] | select(.remote_ts == [$ts]) | "\(.spi_in) \(.spi_out)"' \
    "$LAB_OUT/sas-gw-a.json"
}

# check_client K VIP: rwK's traffic from VIP reaches lan-a through the tunnel.
check_client() {
  local k=$1 vip=$2 spis resolv
  resolv=$(charon_dir "rw$k")/resolv.conf
  grep -q 'nameserver 10.1.0.53' "$resolv" 2>/dev/null ||
    lab_fail "rw$k: charon wrote no DNS server 10.1.0.53 to $resolv: $(cat "$resolv" 2>/dev/null)"
  # charon 5.9.8 parses RFC 8598's INTERNAL_DNS_DOMAIN but has no handler to
  # apply it ("handling ... failed"): that it arrived is what can be checked.
  grep -q 'processing INTERNAL_DNS_DOMAIN attribute' "$(charon_dir "rw$k")/charon.log" ||
    lab_fail "rw$k: charon did not receive the INTERNAL_DNS_DOMAIN attribute"
  lab_run ip -n "rw$k" route replace 10.1.0.0/24 dev eth0 src "$vip"
  lab_assert_ping "rw$k" 10.1.0.10 3
  spis=$(gateway_child_of "$vip")
  [[ $spis =~ ^[0-9a-f]{8}\ [0-9a-f]{8}$ ]] || lab_fail "gw-a has no CHILD_SA narrowed to $vip/32: $(cat "$LAB_OUT/sas-gw-a.json")"
  lab_assert_xfrm_packets gw-a 3 "0x${spis% *}" "0x${spis#* }"
  lab_log "rw$k: virtual IP $vip, DNS server 10.1.0.53 and a search domain, traffic crosses (gw-a SPIs $spis)"
}

