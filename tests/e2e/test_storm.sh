#!/bin/sh
# test_storm.sh: a storm of real keepalived transitions on both nodes (links flapped: FAULT, BACKUP, MASTER, over and over, notifies forked at once): it ends with one master, who is also the cloud holder and the only NIC with the VIP, and each node's recorded state is keepalived's.
. "$(dirname "$0")/lib.sh"
e2e_require

WANT=100	# transitions over both nodes
DOWN=0.15 UP=0.25	# seconds a flapped link stays down, then up
# keepalived 1.x reads the link's state only at the instance's timer (1.3.5
# keepalived/vrrp/vrrp_scheduler.c:114 the FSM table, :918 vrrp_fault; advert_int 1 s), so it
# misses shorter flaps (15 transitions from 179 flaps of 0.15 s): flaps longer than a tick.
SECONDS_MAX=90
if e2e_ka_1x; then WANT=30 DOWN=1.5 UP=1.2 SECONDS_MAX=180; fi
e2e_start_cluster stable none
e2e_ka_mark a; e2e_ka_mark b
transitions() { echo $(( $(e2e_ka_since a | grep -c 'Entering [A-Z]* STATE') + $(e2e_ka_since b | grep -c 'Entering [A-Z]* STATE') )); }

# Flap the links, the master's more often, until keepalived made WANT transitions (bounded:
# 200 flaps, SECONDS_MAX).
T0=$(e2e_now); end=$(($(date +%s) + SECONDS_MAX)) i=0
while [ "$(transitions)" -lt "$WANT" ] && [ $i -lt 200 ] && [ "$(date +%s)" -lt "$end" ]; do
	case $((i % 3)) in 0 | 1) n=$(e2e_master) ;; *) n=$(e2e_peer "$(e2e_master)" 2>/dev/null) ;; esac
	case $n in a | b) ;; *) n=$( [ $((i % 2)) = 0 ] && echo a || echo b) ;; esac
	e2e_link "$n" down; sleep $DOWN; e2e_link "$n" up; sleep $UP
	i=$((i + 1))
done
got=$(transitions)
e2e_say "storm: $got keepalived transitions in $i link flaps, $(e2e_since "$T0") s"
expect "the storm made at least $WANT real transitions ($got)" test "$got" -ge "$WANT"

X=$(e2e_agree 90)
expect "after the storm: one master, also the cloud holder and the only NIC with the VIP ($X)" \
	sh -c "case '$X' in a|b) true ;; *) false ;; esac"
Y=$(e2e_peer "$X" 2>/dev/null || echo none)
expect "the master's recorded state is MASTER" e2e_state_file_is "$X" MASTER
expect "the other's recorded state is keepalived's ($(e2e_ka_state "$Y"))" e2e_state_file_is "$Y" "$(e2e_ka_state "$Y")"
expect "for 10 s more nothing moves" e2e_hold "$X" 10
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
