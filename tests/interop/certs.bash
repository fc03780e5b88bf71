# shellcheck shell=bash
# certs.bash: certificate authentication against strongSwan's charon, for
# charon_certs_initiator.sh and charon_certs_responder.sh. Source it after
# lib.sh, pki.sh, ikev2d.sh, charon.sh and interop.bash; then call
# interop_certs ROLE [NAME...].
#
# The certificates are made once per run with strongSwan's pki tool
# (pki.sh) into $LAB_OUT/pki. Every case starts both daemons afresh in the
# site-to-site topology, ikev2d (gw-a) authenticating with its certificate
# and checking charon's (gw-b) against its `authorities`:
#   rsa        RSA CA, RSA-2048 gateway certificates, FQDN identities in the
#              subjectAltNames; RFC 7427 signatures (method 14) both ways
#              (charon's log must show an RSA PKCS#1 SHA-2 signature);
#   rsa-pss    the same certificates, both sides sign with RSA-PSS;
#   ecdsa      ECDSA P-384 CA, gw-a P-256, gw-b P-384 (ECDSA over SHA-2);
#   ed25519    Ed25519 CA and certificates (RFC 8420);
#   chain-dn   each gateway's certificate comes from its own intermediate CA
#              under one root; each side trusts only the root, so the
#              intermediate must travel in a CERT payload; the identities
#              are the certificates' subject DNs;
# and cases that must fail, with ikev2d's log naming the reason:
#   expired    charon's certificate expired a year ago;
#   revoked    charon's certificate is on its CA's CRL, which ikev2d loads;
#   untrusted  charon's certificate is issued by a CA ikev2d does not trust;
#   wrong-san  charon claims gw-b.test with a certificate for other.test.
# A passing tunnel is checked as in the other interop cases (SPIs,
# algorithms, traffic selectors, kernel counters) plus the signature scheme
# each side verified. A failing case must leave no CHILD_SA and no kernel state.

# The cases, one a line: NAME|roles (both, initiator or responder: ikev2d's
# role)|expected failure (- or why)|what the results table says.
# shellcheck disable=SC2034 # read by interop_pick through a nameref
INTEROP_CERT_CASES=(
  "rsa|both|-|RSA CA, RSA-2048 gateway certificates, FQDN identities from the SANs"
  "rsa-pss|both|-|RSA certificates, both sides sign with RSA-PSS (RFC 7427)"
  "ecdsa|both|-|ECDSA P-384 CA, gw-a P-256, gw-b P-384"
  "ed25519|both|-|Ed25519 CA and gateway certificates (RFC 8420)"
  "chain-dn|both|-|each certificate from its own intermediate CA (sent in CERT), DN identities"
  "expired|responder|-|charon's certificate expired: ikev2d refuses it"
  "revoked|responder|-|charon's certificate is revoked by the CRL ikev2d loads"
  "untrusted|both|-|charon's certificate comes from a CA ikev2d does not trust"
  "wrong-san|responder|-|charon claims gw-b.test with a certificate for other.test"
)

CERT_DN="C=CH, O=ikev2d lab"

# certs_make: every certificate the cases use, into $LAB_OUT/pki.
certs_make() {
  lab_step "certificates (strongSwan pki)"
  pki_init "$LAB_OUT/pki"
  pki_ca ca-rsa rsa "$CERT_DN, CN=Lab RSA CA"
  pki_cert gw-a-rsa ca-rsa rsa "$CERT_DN, CN=gw-a.test" gw-a.test --flag serverAuth --flag clientAuth
  pki_cert gw-b-rsa ca-rsa rsa "$CERT_DN, CN=gw-b.test" gw-b.test --flag serverAuth --flag clientAuth
  pki_ca ca-ecdsa ecdsa384 "$CERT_DN, CN=Lab ECDSA CA"
  pki_cert gw-a-ecdsa ca-ecdsa ecdsa256 "$CERT_DN, CN=gw-a.test" gw-a.test
  pki_cert gw-b-ecdsa ca-ecdsa ecdsa384 "$CERT_DN, CN=gw-b.test" gw-b.test
  pki_ca ca-ed ed25519 "$CERT_DN, CN=Lab Ed25519 CA"
  pki_cert gw-a-ed ca-ed ed25519 "$CERT_DN, CN=gw-a.test" gw-a.test
  pki_cert gw-b-ed ca-ed ed25519 "$CERT_DN, CN=gw-b.test" gw-b.test
  pki_intermediate im-a ca-rsa rsa "$CERT_DN, OU=Site A, CN=Lab Intermediate A"
  pki_intermediate im-b ca-rsa rsa "$CERT_DN, OU=Site B, CN=Lab Intermediate B"
  pki_cert gw-a-im im-a rsa "$CERT_DN, OU=Site A, CN=gw-a.test" -
  pki_cert gw-b-im im-b rsa "$CERT_DN, OU=Site B, CN=gw-b.test" -
  pki_chain gw-a-im im-a
  pki_chain gw-b-im im-b
  pki_cert gw-b-expired ca-rsa rsa "$CERT_DN, CN=gw-b.test expired" gw-b.test \
    --not-before "01.01.24 00:00:00" --not-after "01.01.25 00:00:00"
  pki_cert gw-b-revoked ca-rsa rsa "$CERT_DN, CN=gw-b.test revoked" gw-b.test
  pki_crl ca-rsa gw-b-revoked
  pki_ca ca-other rsa "$CERT_DN, CN=Untrusted CA"
  pki_cert gw-b-other ca-other rsa "$CERT_DN, CN=gw-b.test" gw-b.test
  pki_cert gw-b-wrongsan ca-rsa rsa "$CERT_DN, CN=other.test" other.test
  local made=("$PKI_DIR"/*.pem)
  lab_log "certificates in $PKI_DIR: ${#made[@]} made"
}

# certs_ikev2d_yaml CERT KEY ID REMOTE_ID CA [CRL]: gw-a's configuration.
certs_ikev2d_yaml() {
  local cert=$1 key=$2 id=$3 rid=$4 ca=$5 crl=${6:-} remote="-" start=none rsa_pss=no
  [ "$ROLE" = initiator ] && remote=192.0.2.2 start=start
  [ "$CASE_NAME" = rsa-pss ] && rsa_pss=yes
  ikev2d_daemon_yaml gw-a
  echo "authorities:"
  echo "  lab:"
  echo "    cacert: $PKI_DIR/$ca.pem"
  [ -z "$crl" ] || echo "    crls: [$PKI_DIR/$crl.crl]"
  ikev2d_conn_yaml "$INTEROP_CONN" 192.0.2.1 "$remote" "\"$id\"" "\"$rid\"" | sed \
    -e "/^    local:/,/^    remote:/s|auth: psk|auth: pubkey\n      certs: [$PKI_DIR/$cert.pem]\n      key: $PKI_DIR/$key.key\n      rsa_pss: $rsa_pss|" \
    -e "/^    remote:/,\$s|auth: psk|auth: pubkey|"
  ikev2d_child_yaml net 10.1.0.0/24 10.2.0.0/24 "$start" aes256gcm16 tunnel
}

# certs_configure NAME: both daemons' configuration for case NAME.
certs_configure() {
  local a=gw-a-rsa a_key=gw-a-rsa b=gw-b-rsa b_key=gw-b-rsa ca=ca-rsa b_ca=ca-rsa crl="" \
    id_a=gw-a.test id_b=gw-b.test claim_b=gw-b.test pss=no
  case $1 in
    rsa | expired | revoked | untrusted | wrong-san) ;;
    rsa-pss) pss=yes ;;
    ecdsa) a=gw-a-ecdsa a_key=gw-a-ecdsa b=gw-b-ecdsa b_key=gw-b-ecdsa ca=ca-ecdsa b_ca=ca-ecdsa ;;
    ed25519) a=gw-a-ed a_key=gw-a-ed b=gw-b-ed b_key=gw-b-ed ca=ca-ed b_ca=ca-ed ;;
    chain-dn)
      a=gw-a-im-chain a_key=gw-a-im b=gw-b-im-chain b_key=gw-b-im
      id_a="$CERT_DN, OU=Site A, CN=gw-a.test" id_b="$CERT_DN, OU=Site B, CN=gw-b.test" claim_b=$id_b
      ;;
    *) lab_fail "certs_configure: no case $1" ;;
  esac
  case $1 in
    expired) b=gw-b-expired b_key=gw-b-expired ;;
    revoked) b=gw-b-revoked b_key=gw-b-revoked crl=ca-rsa ;;
    untrusted) b=gw-b-other b_key=gw-b-other b_ca=ca-other ;;
    wrong-san) b=gw-b-wrongsan b_key=gw-b-wrongsan ;;
  esac
  CASE_NAME=$1 certs_ikev2d_yaml "$a" "$a_key" "$id_a" "$id_b" "$ca" "$crl" >"$(ikev2d_config_file gw-a)"
  # charon trusts the CA of ikev2d's certificate (and of its own, as swanctl
  # needs the chain of the certificate it sends).
  charon_write_config gw-b conn="$INTEROP_CONN" local_addrs=192.0.2.2 remote_addrs=192.0.2.1 \
    local_id="\"$claim_b\"" remote_id="\"$id_a\"" proposals=aes256gcm16-prfsha384-x25519 \
    local_auth=pubkey remote_auth=pubkey local_cert="$PKI_DIR/$b.pem" local_key="$PKI_DIR/$b_key.key" \
    cacert="$PKI_DIR/$ca.pem" cacert="$PKI_DIR/$b_ca.pem" rsa_pss="$pss" \
    child=net local_ts=10.2.0.0/24 remote_ts=10.1.0.0/24 esp_proposals=aes256gcm16 mode=tunnel
}

# certs_scheme NAME: how charon's log names the signature it verified from
# ikev2d (an extended regex).
certs_scheme() {
  case $1 in
    rsa | chain-dn) echo 'RSA_EMSA_PKCS1_SHA2_(256|384|512)' ;;
    rsa-pss) echo 'RSA_EMSA_PSS_SHA2_(256_SALT_32|384_SALT_48|512_SALT_64)' ;;
    ecdsa) echo 'ECDSA_WITH_SHA(256|384|512)_DER' ;;
    ed25519) echo 'ED25519' ;;
  esac
}

# certs_tunnel NAME: a case that must work.
certs_tunnel() {
  local name=$1 line id_a
  certs_configure "$name"
  interop_start
  if [ "$ROLE" = responder ]; then
    charon_initiate gw-b net "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  fi
  interop_wait_up 1
  lab_assert_ping lan-a 10.2.0.10 "$P"
  interop_load_both
  interop_negotiated net
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  interop_compare_child net aes256gcm16-noesn tunnel 10.1.0.0/24 10.2.0.0/24 "$P"
  id_a=gw-a.test
  [ "$name" = chain-dn ] && id_a="$CERT_DN, OU=Site A, CN=gw-a.test"
  line=$(grep -m1 -E "authentication of '$id_a' with $(certs_scheme "$name") successful" \
    "$(charon_dir gw-b)/charon.log") ||
    lab_fail "charon's log does not show it verified ikev2d's $(certs_scheme "$name") signature:
$(grep -E 'authentication of|signature|certificate' "$(charon_dir gw-b)/charon.log" | head -n 20)"
  lab_log "charon: ${line#*]}"
  line=$(ikev2d_log_has gw-a 0 "certificate" "gw-b.test") ||
    lab_fail "ikev2d's log does not name charon's certificate"
  lab_log "ikev2d: ${line#* * }"
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

# certs_reason NAME: the words ikev2d's log must have for a refused case.
certs_reason() {
  case $1 in
    expired) CERT_WORDS=("AUTHENTICATION_FAILED" "expired") ;;
    revoked) CERT_WORDS=("AUTHENTICATION_FAILED" "revoked") ;;
    untrusted) CERT_WORDS=("AUTHENTICATION_FAILED" "Untrusted CA") ;;
    wrong-san) CERT_WORDS=("AUTHENTICATION_FAILED" "gw-b.test" "other.test") ;;
  esac
}

# certs_refused NAME: a case ikev2d must refuse.
certs_refused() {
  local name=$1 out=$CASE_DIR/initiate.out line
  certs_configure "$name"
  interop_start
  if [ "$ROLE" = initiator ]; then
    ! ikev2d_ctl gw-a initiate "$INTEROP_CONN" --timeout "$INTEROP_TIMEOUT" >"$out" 2>&1 ||
      lab_fail "ikev2ctl initiate succeeded: $(<"$out")"
  else
    ! charon_swanctl gw-b --initiate --child net --ike "$INTEROP_CONN" --timeout "$INTEROP_TIMEOUT" >"$out" 2>&1 ||
      lab_fail "swanctl --initiate succeeded: $(tail -n 5 "$out")"
  fi
  lab_log "$(initiator_name)'s initiate failed as it must"
  certs_reason "$name"
  line=$(ikev2d_wait_log 10 gw-a 0 "${CERT_WORDS[@]}") ||
    lab_fail "ikev2d's log has no line with: ${CERT_WORDS[*]}"
  echo "$line"
  line=${line#*failed: }
  printf '%s|%s\n' "${line//|//}" "-" >"$CASE_DIR/negotiated"
  ! ikev2d_log_has gw-a 0 "CHILD_SA" "installed" >/dev/null ||
    lab_fail "ikev2d installed a CHILD_SA"
  interop_wait_clean
  interop_stop
}

# interop_certs ROLE [NAME...]: the cases (all, or those named) that run
# with ikev2d in ROLE.
interop_certs() {
  ROLE=$1
  shift
  local spec name roles xfail what num=0 body total=0 peer=initiator
  [ "$ROLE" = initiator ] || [ "$ROLE" = responder ] || lab_fail "interop_certs: role '$ROLE'"
  [ "$ROLE" = initiator ] && peer=responder
  interop_pick INTEROP_CERT_CASES "$@"
  certs_make
  interop_topology s2s
  trap - EXIT
  : >"$LAB_OUT/results.rows"
  for spec in "${INTEROP_PICKED[@]}"; do
    IFS='|' read -r name roles _ <<<"$spec"
    [[ $roles == both || $roles == "$ROLE" ]] && total=$((total + 1))
  done
  for spec in "${INTEROP_PICKED[@]}"; do
    IFS='|' read -r name roles xfail what <<<"$spec"
    [[ $roles == both || $roles == "$ROLE" ]] || continue
    num=$((num + 1))
    body=certs_tunnel
    [ -n "$(certs_scheme "$name")" ] || body=certs_refused
    lab_step "case $num/$total: $name, ikev2d is the $ROLE: $what"
    interop_case "$num" "$name" "$xfail" "$what" "$body" "$name"
    interop_count $?
  done
  interop_versions
  interop_results "charon_certs_$ROLE" \
    "$INTEROP_IKEV2D_VERSION is the **$ROLE**, charon ($INTEROP_CHARON_VERSION) the $peer, with certificates" \
    "| # | case | what | IKE negotiated (or ikev2d's refusal) | ESP negotiated | result | s |"
}
