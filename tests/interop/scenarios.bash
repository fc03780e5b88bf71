# shellcheck shell=bash
# scenarios.bash: interop scenarios against strongSwan's charon beyond the
# proposal matrix, shared by charon_scenarios_initiator.sh (ikev2d initiates)
# and charon_scenarios_responder.sh (charon initiates). Source it after
# lib.sh, ikev2d.sh, charon.sh and interop.bash; then call
# interop_scenarios ROLE [NAME...].
#
# Each scenario starts both daemons afresh in one guest; a scenario passes
# only if traffic crosses, the kernel counted it on both ends, and both
# daemons agree on SPIs, algorithms, mode, traffic selectors, NAT findings
# and UDP encapsulation (interop_compare_ike, interop_compare_child), plus
# what the scenario itself is about:
#   transport    host-to-host transport mode between the gateways' own
#                addresses (no traffic selectors configured: the IKE
#                addresses); ICMP between the gateways crosses only in ESP;
#   ipv6         IPv6 outer addresses, one CHILD_SA carrying IPv4 and IPv6
#                LAN traffic; the kernel SAs run between the IPv6 addresses;
#   narrowing    two subnets per side in one CHILD_SA; the initiator offers
#                a /16 each way, the responder narrows to its two /24s; both
#                report the narrowed selectors; traffic between every pair
#                of subnets crosses;
#   invalid-ke   the initiator's first (guessed) group is curve25519, the
#                responder accepts only ecp384: INVALID_KE_PAYLOAD, the
#                retry with ecp384 succeeds; both logs show the notify;
#   deletes      CHILD_SA deleted by ikev2d, CHILD_SA deleted by charon (the
#                IKE_SA stays, each time on both ends), a CHILD_SA created
#                again, then the IKE_SA deleted by the responder with its
#                CHILD_SA (the matrix has the initiator delete it);
#   nat          rw -- nat (masquerade, UDP ports rewritten) == gw-b: the
#                side behind the NAT initiates; NAT found on both ends, IKE
#                on 4500, ESP in UDP in both kernels with the NAT's port;
#   fragmentation  both daemons limit IKE packets to 256 bytes (ikev2d's
#                daemon.fragment_size, charon's fragment_size) and the child
#                has eight subnets a side and four ESP proposals, so IKE_AUTH
#                exceeds that both ways: each side sends RFC 7383 fragments
#                and reassembles the other's (ikev2d's counters, charon's log);
#   rekey        both give the CHILD_SA rekey_time 5s, rand_time 2s,
#                life_time 12s, and the IKE_SA rekey_time 10s, rand_time 4s
#                (charon: over_time 60s); 6000 pings at 100/s (a minute's
#                worth; UML sends about 50/s) cross while both sides rekey
#                them (RFC 7296 §1.3.3 and §1.3.2, collisions included):
#                none may be lost, ikev2d logs at least 10 CHILD_SA and 3
#                IKE_SA rekeys, no SA reaches its
#                hard limit, ikev2d's kernel settles to one SA pair (charon
#                keeps replaced inbound SAs for 5 s), both list one IKE_SA
#                with the same (new) SPIs, both stop clean.
# The results table goes between "<!-- interop-results" markers (see
# interop.bash); tests/interop/report collects it into docs/interop.md.

# The scenarios, one a line: NAME|TOPOLOGY|expected failure (- or why the
# case is known to fail and whose fix it needs; "initiator: why" or
# "responder: why" for one role of ikev2d only)|what the results table says.
INTEROP_SCENARIOS=(
  "transport|s2s|-|transport mode, host to host (192.0.2.1 === 192.0.2.2)"
  "ipv6|s2s|-|IPv6 outer addresses, IPv4 and IPv6 inner subnets in one CHILD_SA"
  "narrowing|s2s|-|two subnets per side; the initiator offers /16s, the responder narrows to its /24s"
  "invalid-ke|s2s|-|initiator guesses curve25519, responder wants ecp384: INVALID_KE_PAYLOAD, retry"
  "deletes|s2s|-|CHILD_SA delete by ikev2d, by charon; IKE_SA delete by the responder"
  "nat|nat|-|NAT with UDP port rewriting between them; the side behind it initiates"
  "fragmentation|s2s|-|both limit IKE packets to 256 bytes: IKE_AUTH goes in RFC 7383 fragments both ways"
  "rekey|s2s|-|CHILD_SA rekeyed every 3-5 s, IKE_SA every 6-10 s, by both sides under 100 pings/s: none lost"
)

P=$INTEROP_PINGS

# interop_topology_s2s_extra: a second subnet on each LAN (10.1.1.0/24,
# 10.2.1.0/24, routed to the far gateway) for narrowing, and cleartext ICMP
# from the WAN to the gateways dropped, so that transport mode pings cross
# only in ESP.
interop_topology_s2s_extra() {
  lab_addrs lan-a eth0 10.1.1.10/24
  lab_addrs gw-a eth1 10.1.1.1/24
  lab_addrs lan-b eth0 10.2.1.10/24
  lab_addrs gw-b eth1 10.2.1.1/24
  lab_route gw-a 10.2.1.0/24 192.0.2.2
  lab_route gw-b 10.1.1.0/24 192.0.2.1
  for gw in gw-a gw-b; do
    lab_run ip netns exec "$gw" iptables-legacy -A INPUT -i eth0 -p icmp -m policy --dir in --pol none -j DROP
  done
  lab_assert_no_ping gw-a 192.0.2.2
}

# bring_up CHILD...: as responder, ikev2d waits while charon initiates each
# CHILD (the first in IKE_AUTH, the others by CREATE_CHILD_SA); as initiator
# ikev2d started them all itself. Then both report them all.
bring_up() {
  local child
  if [ "$ROLE" = responder ]; then
    for child; do charon_initiate "$INTEROP_CHARON_GW" "$child" "$INTEROP_CONN" "$INTEROP_TIMEOUT"; done
  fi
  interop_wait_up $#
}

# ping_each NS SRC DEST...: every DEST answers pings from NS with source SRC
# ("-": the default).
ping_each() {
  local ns=$1 src=$2 dst
  shift 2
  for dst; do
    if [ "$src" = - ]; then
      lab_assert_ping "$ns" "$dst" "$P"
    else
      LAB_PING_OPTS="-I $src" lab_assert_ping "$ns" "$dst" "$P"
    fi
  done
}

# endpoints_are A B: ikev2d's IKE_SA runs from A to B and charon's from B to
# A (addresses; the ports may float to 4500).
endpoints_are() {
  local la=${INTEROP_A[ike.9]:-} ra=${INTEROP_A[ike.10]:-} lb=${INTEROP_B[ike.9]:-} rb=${INTEROP_B[ike.10]:-}
  [[ ${la%\[*} == "$1" && ${ra%\[*} == "$2" && ${lb%\[*} == "$2" && ${rb%\[*} == "$1" ]] ||
    lab_fail "IKE endpoints: ikev2d $la -- $ra, charon $lb -- $rb; expected $1 -- $2"
  lab_log "IKE_SA between $1 and $2 on both sides"
}

# ---- the scenarios ----------------------------------------------------------------------

scenario_transport() {
  interop_configure "host|-|-|aes256gcm16|transport"
  interop_start
  bring_up host
  lab_assert_ping gw-a 192.0.2.2 "$P"
  lab_assert_ping gw-b 192.0.2.1 "$P"
  interop_load_both
  interop_negotiated host
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  interop_compare_child host aes256gcm16-noesn transport 192.0.2.1/32 192.0.2.2/32 $((2 * P))
  interop_check_kernel gw-a 2 transport - 192.0.2.1 192.0.2.2
  interop_check_kernel gw-b 2 transport - 192.0.2.1 192.0.2.2
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

scenario_ipv6() {
  interop_configure listen='"::"' addr_a=2001:db8::1 addr_b=2001:db8::2 \
    "lans|10.1.0.0/24,fd01::/64|10.2.0.0/24,fd02::/64|aes256gcm16|tunnel"
  interop_start
  bring_up lans
  ping_each lan-a - 10.2.0.10 fd02::10
  ping_each lan-b - 10.1.0.10 fd01::10
  interop_load_both
  interop_negotiated lans
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  endpoints_are 2001:db8::1 2001:db8::2
  interop_compare_child lans aes256gcm16-noesn tunnel 10.1.0.0/24,fd01::/64 10.2.0.0/24,fd02::/64 $((4 * P))
  interop_check_kernel gw-a 2 tunnel - 2001:db8::1 2001:db8::2
  interop_check_kernel gw-b 2 tunnel - 2001:db8::1 2001:db8::2
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

# The initiator offers 10.x.0.0/16 each way; the responder's config has the
# two /24s of each side, so it narrows to them (RFC 7296 §2.9).
scenario_narrowing() {
  local a_l=10.1.0.0/24,10.1.1.0/24 a_r=10.2.0.0/24,10.2.1.0/24
  if [ "$ROLE" = initiator ]; then
    interop_configure "net|10.1.0.0/16|10.2.0.0/16|aes256gcm16|tunnel|$a_r|$a_l"
  else
    interop_configure "net|$a_l|$a_r|aes256gcm16|tunnel|10.2.0.0/16|10.1.0.0/16"
  fi
  interop_start
  bring_up net
  ping_each lan-a - 10.2.0.10 10.2.1.10
  ping_each lan-a 10.1.1.10 10.2.0.10 10.2.1.10
  ping_each lan-b - 10.1.0.10
  ping_each lan-b 10.2.1.10 10.1.1.10
  interop_load_both
  interop_negotiated net
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  interop_compare_child net aes256gcm16-noesn tunnel "$a_l" "$a_r" $((6 * P))
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

# The initiator's proposal lists curve25519 before ecp384, so its KE payload
# guesses curve25519; the responder's proposal has ecp384 only.
scenario_invalid_ke() {
  local both=aes256gcm16-prfsha384-x25519-ecp384 one=aes256gcm16-prfsha384-ecp384 line
  if [ "$ROLE" = initiator ]; then
    interop_configure ike_a=$both ike_b=$one "net|10.1.0.0/24|10.2.0.0/24|aes256gcm16|tunnel"
  else
    interop_configure ike_a=$one ike_b=$both "net|10.1.0.0/24|10.2.0.0/24|aes256gcm16|tunnel"
  fi
  interop_start
  bring_up net
  lab_assert_ping lan-a 10.2.0.10 "$P"
  lab_assert_ping lan-b 10.1.0.10 "$P"
  interop_load_both
  interop_negotiated net
  interop_compare_ike aes256gcm16-prfsha384-ecp384
  interop_compare_child net aes256gcm16-noesn tunnel 10.1.0.0/24 10.2.0.0/24 $((2 * P))
  # charon names the notify in the message it parsed or generated.
  line=$(grep -m1 -E 'N\(INVAL_KE\)|INVALID_KE_PAYLOAD' "$(charon_dir "$INTEROP_CHARON_GW")/charon.log") ||
    lab_fail "charon's log does not mention INVALID_KE_PAYLOAD"
  lab_log "charon logged: $line"
  interop_terminate_by "$(initiator_name)"
  interop_stop
  # Last, so that an expected failure here still means all the rest passed.
  ikev2d_wait_log 1 "$INTEROP_IKEV2D_GW" 0 INVALID_KE_PAYLOAD ||
    lab_fail "ikev2d's log does not mention INVALID_KE_PAYLOAD"
}

# Eight /24s a side (only the first has hosts) and four ESP proposals make
# IKE_AUTH about 500 bytes each way, twice the 256-byte limit both set.
scenario_fragmentation() {
  local lts=10.1.0.0/24 rts=10.2.0.0/24 i esp=aes256gcm16,aes128gcm16,chacha20poly1305,aes256-sha256
  local cfg log sent received reassembled
  for i in 101 102 103 104 105 106 107; do lts+=,10.1.$i.0/24 rts+=,10.2.$i.0/24; done
  interop_configure "net|$lts|$rts|$esp|tunnel"
  cfg=$(ikev2d_config_file "$INTEROP_IKEV2D_GW")
  sed -i 's/^daemon:$/daemon:\n  fragment_size: 256/' "$cfg"
  sed -i 's/^charon {$/charon {\n  fragment_size = 256/' "$(charon_dir "$INTEROP_CHARON_GW")/strongswan.conf"
  grep -q "fragment_size: 256" "$cfg" || lab_fail "could not set fragment_size in $cfg"
  interop_start
  bring_up net
  lab_assert_ping lan-a 10.2.0.10 "$P"
  lab_assert_ping lan-b 10.1.0.10 "$P"
  interop_load_both
  interop_negotiated net
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  interop_compare_child net aes256gcm16-noesn tunnel "$lts" "$rts" $((2 * P))
  read -r sent received reassembled < <(ikev2d_ctl "$INTEROP_IKEV2D_GW" --json status |
    jq -r '.counters | "\(.fragments_sent) \(.fragments_received) \(.fragmented_messages_reassembled)"')
  ((sent >= 2 && received >= 2 && reassembled >= 1)) ||
    lab_fail "ikev2d's counters: $sent fragments sent, $received received, $reassembled messages reassembled; expected IKE_AUTH in fragments both ways"
  lab_log "ikev2d: $sent fragments sent, $received received, $reassembled messages reassembled"
  log=$(charon_dir "$INTEROP_CHARON_GW")/charon.log
  grep -m1 -i "splitting IKE message" "$log" || lab_fail "charon did not fragment an IKE message"
  grep -m1 -i "reassembled fragmented IKE message" "$log" || lab_fail "charon did not reassemble a fragmented IKE message"
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

# Rekeys every few seconds from both sides, under continuous traffic.
scenario_rekey() {
  local cfg swanctl out summary sent received ours theirs ike_ours
  interop_configure "net|10.1.0.0/24|10.2.0.0/24|aes256gcm16|tunnel"
  cfg=$(ikev2d_config_file "$INTEROP_IKEV2D_GW")
  sed -i 's/^        mode: tunnel$/&\n        rekey_time: 5s\n        rand_time: 2s\n        life_time: 12s/' "$cfg"
  sed -i 's/^    children:$/    rekey_time: 10s\n    rand_time: 4s\n&/' "$cfg"
  swanctl=$(charon_dir "$INTEROP_CHARON_GW")/swanctl/swanctl.conf
  sed -i 's/^        mode = tunnel$/&\n        rekey_time = 5s\n        rand_time = 2s\n        life_time = 12s/' "$swanctl"
  # charon's IKE_SA lifetimes go beside its proposals (connection level);
  # over_time (its hard IKE_SA limit after rekey_time) must outlast a rekey
  # refused with TEMPORARY_FAILURE and tried again.
  sed -i 's/^\( *\)proposals = .*$/&\n\1rekey_time = 10s\n\1rand_time = 4s\n\1over_time = 60s/' "$swanctl"
  grep -q "rekey_time: 5s" "$cfg" || lab_fail "could not set rekey_time in $cfg"
  grep -q "^    rekey_time: 10s" "$cfg" || lab_fail "could not set the IKE rekey_time in $cfg"
  grep -q "over_time = 60s" "$swanctl" || lab_fail "could not set the IKE rekey_time in $swanctl"
  interop_start
  # Not bring_up: charon lists the CHILD_SAs it replaced for 5 s more
  # (delete_rekeyed_delay), and with rekeys every few seconds there is
  # nearly always one, so it never shows exactly one CHILD_SA.
  [ "$ROLE" = responder ] && charon_initiate "$INTEROP_CHARON_GW" net "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  lab_wait_for "$INTEROP_TIMEOUT" interop_ikev2d_up 1 || lab_fail "ikev2d: no IKE_SA with its CHILD_SA"
  lab_wait_for "$INTEROP_TIMEOUT" charon_installed || lab_fail "charon: no established IKE_SA with an installed CHILD_SA"
  out=$(ip netns exec lan-a ping -D -n -i 0.01 -W 2 -c 6000 10.2.0.10 2>&1)
  printf '%s\n' "$out" >"$LAB_OUT/ping-rekey.txt"
  summary=$(grep 'packets transmitted' <<<"$out")
  lab_log "ping: $summary"
  [[ $summary =~ ([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ received ]] || lab_fail "no ping summary: $out"
  sent=${BASH_REMATCH[1]} received=${BASH_REMATCH[2]}
  ours=$(grep -c 'rekeyed: #' "$LAB_OUT/ikev2d-$INTEROP_IKEV2D_GW.log")
  ike_ours=$(grep -c 'IKE_SA rekeyed: ' "$LAB_OUT/ikev2d-$INTEROP_IKEV2D_GW.log")
  theirs=$(grep -c 'CREATE_CHILD_SA .*N(REKEY_SA)' "$(charon_dir "$INTEROP_CHARON_GW")/charon.log")
  lab_log "rekeys: ikev2d logged $ours, charon sent or received $theirs REKEY_SA messages"
  if ((received != sent)); then
    lab_ping_losses "$LAB_OUT/ping-rekey.txt"
    lab_log "xfrm_stat errors: ikev2d's $(lab_xfrm_errors "$INTEROP_IKEV2D_GW"); charon's $(lab_xfrm_errors "$INTEROP_CHARON_GW")"
    lab_fail "$((sent - received)) of $sent pings lost across $ours rekeys"
  fi
  lab_log "IKE_SA rekeys: ikev2d logged $ike_ours ($(grep -c 'IKE_SA rekeyed: .* by us,' "$LAB_OUT/ikev2d-$INTEROP_IKEV2D_GW.log") started by ikev2d, $(grep -c 'IKE_SA rekeyed: .* by the peer,' "$LAB_OUT/ikev2d-$INTEROP_IKEV2D_GW.log") by charon)"
  ((ours >= 10)) || lab_fail "only $ours rekeys in ikev2d's log, expected at least 10"
  ((ike_ours >= 3)) || lab_fail "only $ike_ours IKE_SA rekeys in ikev2d's log, expected at least 3"
  ! grep -q 'not responding' "$LAB_OUT/ikev2d-$INTEROP_IKEV2D_GW.log" ||
    lab_fail "an exchange with charon timed out: $(grep -m3 'not responding' "$LAB_OUT/ikev2d-$INTEROP_IKEV2D_GW.log")"
  ! grep -q 'reached its hard lifetime' "$LAB_OUT/ikev2d-$INTEROP_IKEV2D_GW.log" ||
    lab_fail "a CHILD_SA reached its hard lifetime in ikev2d"
  # A rekey may be in flight: let it settle.
  lab_wait_for 10 rekey_settled || lab_fail "ikev2d's kernel does not hold one SA pair, or charon's more than one outbound SA:
$(ip -n "$INTEROP_IKEV2D_GW" xfrm state; ip -n "$INTEROP_CHARON_GW" xfrm state)"
  lab_assert_ping lan-a 10.2.0.10 "$P"
  # Up to a minute: after a collision one side may keep the redundant IKE_SA
  # until the peer deletes it (a retransmission away, if the first Delete
  # came before the peer had filed that IKE_SA) or, if the peer abandoned
  # its rekey, until ikev2d drops it after 30 s.
  lab_wait_for 60 ike_sa_agrees || lab_fail "ikev2d and charon never listed one IKE_SA with the same SPIs:
$(ikev2d_ctl "$INTEROP_IKEV2D_GW" list-sas; charon_list_sas "$INTEROP_CHARON_GW")"
  lab_log "one IKE_SA on both sides after $ike_ours rekeys: $IKE_SEEN"
  # (No CHILD_SA SPI comparison here: with a rekey every few seconds the
  # lists and the kernel change between two reads; the other scenarios
  # compare them.)
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

# charon_installed: charon lists one IKE_SA, established, with an installed
# CHILD_SA (and maybe replaced ones it keeps for a while).
charon_installed() {
  charon_list_sas "$INTEROP_CHARON_GW" | awk '
    $1 == "ike" { n++; up = $4 == "ESTABLISHED" }
    $1 == "child" && $5 == "INSTALLED" { installed++ }
    END { exit !(n == 1 && up && installed == 1) }'
}

# ike_sa_agrees: ikev2d lists one IKE_SA, established, and charon one with
# the same SPIs (IKE_SEEN says which). Read again while a rekey runs.
ike_sa_agrees() {
  local ours theirs
  ours=$(ikev2d_ctl "$INTEROP_IKEV2D_GW" --json list-sas |
    "$JQ" -r 'select(.sas | length == 1) | .sas[0] | select(.state == "established") | "\(.spi_i) \(.spi_r)"')
  theirs=$(charon_list_sas "$INTEROP_CHARON_GW" | awk '$1 == "ike" { n++; s = $6 " " $7 } END { if (n == 1) print s }')
  IKE_SEEN="ikev2d '$ours', charon '$theirs'"
  [ -n "$ours" ] && [ "$ours" = "$theirs" ]
}

# rekey_settled: ikev2d's kernel holds exactly one SA pair and charon's one
# outbound SA (192.0.2.2 is charon's address). charon keeps the inbound SAs of
# replaced CHILD_SAs for delete_rekeyed_delay (5 s by default) so that packets
# still in flight on them arrive; with rekeys every 3-5 s there are usually
# some, and they go when the daemons stop (interop_stop checks).
rekey_settled() {
  [ "$(ip -n "$INTEROP_IKEV2D_GW" xfrm state | grep -c '^src ')" -eq 2 ] &&
    [ "$(ip -n "$INTEROP_CHARON_GW" xfrm state | grep -c '^src 192\.0\.2\.2 ')" -eq 1 ]
}

# CHILD_SA deletes from each side, a CHILD_SA created again by
# CREATE_CHILD_SA, then the responder deletes the IKE_SA with it.
scenario_deletes() {
  local old_in old_out
  interop_configure "net|10.1.0.0/24|10.2.0.0/24|aes256gcm16|tunnel" "net6|fd01::/64|fd02::/64|aes256gcm16|tunnel"
  interop_start
  bring_up net net6
  ping_each lan-a - 10.2.0.10 fd02::10
  interop_load_both
  interop_negotiated net net6
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  interop_compare_child net aes256gcm16-noesn tunnel 10.1.0.0/24 10.2.0.0/24 "$P"
  interop_compare_child net6 aes256gcm16-noesn tunnel fd01::/64 fd02::/64 "$P"

  lab_step "ikev2d deletes CHILD_SA net (#${INTEROP_A[net.4]})"
  old_in=${INTEROP_A[net.7]} old_out=${INTEROP_A[net.8]}
  lab_run ikev2d_ctl "$INTEROP_IKEV2D_GW" terminate --child "${INTEROP_A[net.4]}"
  child_gone net 1 "$old_in" "$old_out"
  lab_assert_no_ping lan-a 10.2.0.10
  lab_assert_ping lan-a fd02::10 "$P"

  lab_step "charon deletes CHILD_SA net6"
  old_in=${INTEROP_A[net6.7]} old_out=${INTEROP_A[net6.8]}
  charon_terminate_child "$INTEROP_CHARON_GW" net6
  child_gone net6 0 "$old_in" "$old_out"
  ikev2d_nothing_of_ours "$INTEROP_IKEV2D_GW" || lab_fail "ikev2d left state without CHILD_SAs:
$(ikev2d_ours_left "$INTEROP_IKEV2D_GW")"
  ! charon_state_left "$INTEROP_CHARON_GW" || lab_fail "charon left state without CHILD_SAs"
  lab_assert_no_ping lan-a fd02::10

  lab_step "$(initiator_name) creates CHILD_SA net again (CREATE_CHILD_SA)"
  if [ "$ROLE" = initiator ]; then
    lab_run ikev2d_ctl "$INTEROP_IKEV2D_GW" initiate "$INTEROP_CONN/net" --timeout "$INTEROP_TIMEOUT"
  else
    charon_initiate "$INTEROP_CHARON_GW" net "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  fi
  interop_wait_up 1
  lab_assert_ping lan-a 10.2.0.10 "$P"
  interop_load_both
  interop_compare_child net aes256gcm16-noesn tunnel 10.1.0.0/24 10.2.0.0/24 "$P"

  lab_step "$(responder_name) deletes the IKE_SA with its CHILD_SA"
  interop_terminate_by "$(responder_name)"
  interop_stop
}

# child_gone CHILD N IN OUT: CHILD (ikev2d's SPIs IN and OUT) is gone from
# both daemons and both kernels; the IKE_SA stays with N CHILD_SAs.
child_gone() {
  local child=$1 n=$2 in=$3 out=$4 gw spi
  interop_wait_up "$n"
  interop_load_both
  [[ -z ${INTEROP_A[$child.7]:-} && -z ${INTEROP_B[$child.7]:-} ]] || lab_fail "$child is still listed"
  for gw in "$INTEROP_IKEV2D_GW" "$INTEROP_CHARON_GW"; do
    for spi in "$in" "$out"; do
      [ -z "$(lab_xfrm_packets "$gw" "0x$spi")" ] || lab_fail "$gw still holds SA $spi of $child:
$(ip -n "$gw" xfrm state)"
    done
    interop_check_kernel "$gw" $((2 * n)) tunnel - 192.0.2.1 192.0.2.2
  done
  lab_log "$child deleted on both sides, its SAs gone from both kernels; the IKE_SA stays with $n CHILD_SA(s)"
}

# The side behind the NAT (rw) initiates: ikev2d as initiator, charon as
# responder's peer.
scenario_nat() {
  local rw_ts=10.0.1.0/24 lan_ts=10.2.0.0/24 want_nat
  if [ "$ROLE" = initiator ]; then
    INTEROP_IKEV2D_GW=rw INTEROP_CHARON_GW=gw-b want_nat="yes no"
    interop_configure addr_a=10.0.1.2 seen_a=192.0.2.1 "net|$rw_ts|$lan_ts|aes256gcm16|tunnel"
  else
    INTEROP_IKEV2D_GW=gw-b INTEROP_CHARON_GW=rw want_nat="no yes"
    interop_configure addr_a=192.0.2.2 addr_b=10.0.1.2 seen_b=192.0.2.1 "net|$lan_ts|$rw_ts|aes256gcm16|tunnel"
  fi
  interop_start
  bring_up net
  lab_assert_ping rw 10.2.0.10 "$P"
  lab_assert_ping lan-b 10.0.1.2 "$P"
  interop_load_both
  interop_negotiated net
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  [ "${INTEROP_A[ike.11]} ${INTEROP_A[ike.12]}" = "$want_nat" ] ||
    lab_fail "ikev2d's NAT findings local/remote '${INTEROP_A[ike.11]} ${INTEROP_A[ike.12]}', expected '$want_nat'"
  [ "${INTEROP_A[net.10]}" = yes ] || lab_fail "ikev2d's CHILD_SA is not UDP-encapsulated"
  if [ "$ROLE" = initiator ]; then
    interop_compare_child net aes256gcm16-noesn tunnel "$rw_ts" "$lan_ts" $((2 * P))
  else
    interop_compare_child net aes256gcm16-noesn tunnel "$lan_ts" "$rw_ts" $((2 * P))
  fi
  nat_endpoints
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

# nat_endpoints: rw's IKE_SA runs 10.0.1.2[4500] -- 192.0.2.2[4500] and its
# SAs are ESP in UDP 4500 <-> 4500; gw-b sees rw at 192.0.2.1 with a port of
# INTEROP_NAT_PORTS, and its SAs are ESP in UDP with that port.
nat_endpoints() {
  local rw gwb port spi sport dport
  if [ "$INTEROP_IKEV2D_GW" = rw ]; then
    rw="${INTEROP_A[ike.9]} ${INTEROP_A[ike.10]}" gwb="${INTEROP_B[ike.9]} ${INTEROP_B[ike.10]}"
  else
    rw="${INTEROP_B[ike.9]} ${INTEROP_B[ike.10]}" gwb="${INTEROP_A[ike.9]} ${INTEROP_A[ike.10]}"
  fi
  [ "$rw" = "10.0.1.2[4500] 192.0.2.2[4500]" ] || lab_fail "rw's IKE_SA runs $rw, expected 10.0.1.2[4500] 192.0.2.2[4500]"
  [[ $gwb =~ ^192\.0\.2\.2\[4500\]\ 192\.0\.2\.1\[([0-9]+)\]$ ]] || lab_fail "gw-b's IKE_SA runs $gwb, expected 192.0.2.2[4500] 192.0.2.1[PORT]"
  port=${BASH_REMATCH[1]}
  ((port >= ${INTEROP_NAT_PORTS%-*} && port <= ${INTEROP_NAT_PORTS#*-})) ||
    lab_fail "gw-b sees rw on port $port, outside the NAT's $INTEROP_NAT_PORTS"
  lab_log "IKE_SA: rw $rw, gw-b $gwb (the NAT's port $port)"
  interop_check_kernel rw 2 tunnel espinudp 10.0.1.2 192.0.2.2
  while read -r spi _ _ _ _ sport dport; do
    [ "$sport $dport" = "4500 4500" ] || lab_fail "rw: SA $spi encapsulates from $sport to $dport, expected 4500 to 4500"
  done <"$LAB_OUT/kernel-rw.txt"
  interop_check_kernel gw-b 2 tunnel espinudp 192.0.2.1 192.0.2.2
  while read -r spi _ _ _ _ sport dport; do
    [[ "$sport $dport" == "4500 $port" || "$sport $dport" == "$port 4500" ]] ||
      lab_fail "gw-b: SA $spi encapsulates from $sport to $dport, expected the NAT's $port and 4500"
  done <"$LAB_OUT/kernel-gw-b.txt"
  lab_log "both kernels: ESP in UDP, gw-b's with the NAT's port $port"
}

# ---- the run --------------------------------------------------------------------------

# interop_scenarios ROLE [NAME...]: run the scenarios (those named, or all;
# INTEROP_CASES in the environment also names them) with ikev2d as ROLE.
interop_scenarios() {
  ROLE=$1
  shift
  local spec name topo xfail what num=0 peer=initiator
  [ "$ROLE" = initiator ] || [ "$ROLE" = responder ] || lab_fail "interop_scenarios: role '$ROLE'"
  [ "$ROLE" = initiator ] && peer=responder
  interop_pick INTEROP_SCENARIOS "$@"
  # Each failing case prints its own logs (interop_case_end).
  trap - EXIT
  : >"$LAB_OUT/results.rows"
  for spec in "${INTEROP_PICKED[@]}"; do
    IFS='|' read -r name topo xfail what <<<"$spec"
    num=$((num + 1))
    interop_topology "$topo"
    lab_step "scenario $num/${#INTEROP_PICKED[@]}: $name (ikev2d is the $ROLE): $what"
    interop_case "$num" "$name" "$xfail" "$what" "scenario_${name//-/_}"
    interop_count $?
  done
  interop_versions
  interop_results "charon_scenarios_$ROLE" \
    "$INTEROP_IKEV2D_VERSION is the **$ROLE**, charon ($INTEROP_CHARON_VERSION) the $peer" \
    "| # | case | what | IKE negotiated | ESP negotiated | result | s |"
}
