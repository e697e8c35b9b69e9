#!/bin/sh
# test_split_brain.sh: scenario 7, VRRP blocked between the nodes while both reach the API: two masters, bounded migrations, "split brain suspected"; unblocked, one master and one holder.
. "$(dirname "$0")/lib.sh"
e2e_require

e2e_start_cluster stable none
must "settled on $M" e2e_settle "$M" 30

e2e_say "nftables in $P's namespace drops VRRP both ways; the API stays reachable"
T=$(e2e_now)
e2e_block_vrrp "$P"
must "both nodes become MASTER" wait_for 15 e2e_master_is both
e2e_say "watching the two masters for 60 s"
e2e_sample 60 "$E2E_RUN/samples"
e2e_sample_wait
expect "the split lasted the whole minute (both still MASTER)" e2e_master_is both
ma=$(e2e_count_moves a "$T") mb=$(e2e_count_moves b "$T")
changes=$(awk '$1 != p { c++; p = $1 } END { print c - 1 }' "$E2E_RUN/samples")
e2e_say "in the minute: migrations a $ma, b $mb; cloud holder changes seen $changes"
# Undamped, each master's check_self would take the VIP back every query_interval (2 s):
# ~15+ migrations per node per minute. With the backoff, a handful.
expect "migrations per node per minute stay bounded (<= 8): a $ma, b $mb" test "$ma" -le 8 -a "$mb" -le 8
expect "the cloud had one holder in every sample" e2e_not grep -qvE '^[ab]~? ' "$E2E_RUN/samples"
for n in a b; do
	expect "node $n's log says split brain suspected" e2e_logged "$n" "$T" "split brain suspected"
done

H=$(e2e_holder)
e2e_say "VRRP unblocked (the cloud holder is $H)"
T2=$(e2e_now)
e2e_unblock_vrrp "$P"
X=$(e2e_wait_master 15)
expect "one keepalived master again (got: $X)" sh -c "case '$X' in a|b) true ;; *) false ;; esac"
X=$(e2e_agree 120)
expect "one master, one holder: keepalived, the cloud and the NIC agree (on $X)" test "$X" != none
e2e_say "time: VRRP unblocked -> agreement on $X after $(e2e_since "$T2") s (6 s of it proving it)"
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
