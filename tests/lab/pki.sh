# shellcheck shell=bash
# pki.sh: certificates for lab tests, made with strongSwan's pki tool
# (Debian's strongswan-pki) under a minimal plugin list, so it starts fast
# and does not look for a TPM. Source it after lib.sh.
#
#   pki_init DIR                       where the files go ($PKI_DIR)
#   pki_ca NAME TYPE "DN"              a self-signed CA: NAME.key, NAME.pem
#   pki_intermediate NAME CA TYPE "DN" an intermediate CA issued by CA
#   pki_cert NAME CA TYPE "DN" SAN [PKI_ARGS...]
#                                      an end-entity certificate issued by CA
#                                      (SAN "-" for none), NAME.key, NAME.pem;
#                                      PKI_ARGS go to `pki --issue` (flags,
#                                      --not-before/--not-after)
#   pki_chain NAME INTERMEDIATE        NAME-chain.pem: NAME.pem then the
#                                      intermediate's certificate
#   pki_crl CA NAME...                 CA.crl revoking NAME's certificates
# TYPE is rsa (2048; rsa3072 and rsa4096 also), ecdsa256, ecdsa384 or ed25519,
# or key:FILE to certify the existing private key FILE (PEM) rather than make
# one: an RSA-4096 key takes 5 to 20 s to make on a busy machine.

pki_init() {
  PKI_DIR=$1
  mkdir -p "$PKI_DIR" || lab_fail "cannot make $PKI_DIR"
  cat >"$PKI_DIR/strongswan.conf" <<EOF
pki {
  load = random openssl pem pkcs1 pkcs8 x509 pubkey
}
EOF
}

pki_run() { STRONGSWAN_CONF=$PKI_DIR/strongswan.conf pki "$@"; }

# pki_key NAME TYPE: a new private key in NAME.key (PEM).
pki_key() {
  local args
  case $2 in
    key:*)
      cp "${2#key:}" "$PKI_DIR/$1.key" || lab_fail "pki_key: cannot copy ${2#key:} for $1"
      chmod 600 "$PKI_DIR/$1.key"
      return 0
      ;;
    rsa) args=(--type rsa --size 2048) ;;
    rsa3072) args=(--type rsa --size 3072) ;;
    rsa4096) args=(--type rsa --size 4096) ;;
    ecdsa256) args=(--type ecdsa --size 256) ;;
    ecdsa384) args=(--type ecdsa --size 384) ;;
    ed25519) args=(--type ed25519) ;;
    *) lab_fail "pki_key: no key type '$2'" ;;
  esac
  pki_run --gen "${args[@]}" --outform pem >"$PKI_DIR/$1.key" || lab_fail "pki --gen $2 for $1 failed"
  chmod 600 "$PKI_DIR/$1.key"
}

pki_ca() {
  local name=$1 type=$2 dn=$3
  pki_key "$name" "$type"
  pki_run --self --ca --lifetime 3650 --in "$PKI_DIR/$name.key" --dn "$dn" --outform pem \
    >"$PKI_DIR/$name.pem" || lab_fail "pki --self for $name failed"
}

# pki_issue NAME CA ARGS...: NAME.key's public key certified by CA into NAME.pem.
pki_issue() {
  local name=$1 ca=$2
  shift 2
  pki_run --pub --in "$PKI_DIR/$name.key" |
    pki_run --issue --cacert "$PKI_DIR/$ca.pem" --cakey "$PKI_DIR/$ca.key" "$@" --outform pem \
      >"$PKI_DIR/$name.pem" || lab_fail "pki --issue for $name failed"
}

pki_intermediate() {
  local name=$1 ca=$2 type=$3 dn=$4
  pki_key "$name" "$type"
  pki_issue "$name" "$ca" --ca --lifetime 1825 --dn "$dn"
}

pki_cert() {
  local name=$1 ca=$2 type=$3 dn=$4 san=$5
  shift 5
  pki_key "$name" "$type"
  if [ "$san" = - ]; then
    pki_issue "$name" "$ca" --lifetime 365 --dn "$dn" "$@"
  else
    pki_issue "$name" "$ca" --lifetime 365 --dn "$dn" --san "$san" "$@"
  fi
}

pki_chain() {
  cat "$PKI_DIR/$1.pem" "$PKI_DIR/$2.pem" >"$PKI_DIR/$1-chain.pem" || lab_fail "pki_chain $1"
}

pki_crl() {
  local ca=$1 name args=()
  shift
  for name; do args+=(--cert "$PKI_DIR/$name.pem"); done
  pki_run --signcrl --cacert "$PKI_DIR/$ca.pem" --cakey "$PKI_DIR/$ca.key" --reason key-compromise \
    "${args[@]}" --outform pem >"$PKI_DIR/$ca.crl" || lab_fail "pki --signcrl for $ca failed"
}
