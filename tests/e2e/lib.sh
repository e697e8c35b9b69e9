# tests/e2e/lib.sh: e2e topology (namespaces, bridge, simulator, keepalived per node) and its teardown on every exit.
# Source it from tests/e2e/*.sh. It sources tests/lib.sh (counters, at_exit, wait_for).
#
# Topology (198.18.0.0/24 only, no default route anywhere):
#   tcv-cloud-ID  bridge br0 198.18.0.1/24: simulator, API on 443 (TLS), metadata on 80
#   tcv-a-ID      eth0 198.18.0.11/24  (veth, MAC from the world file) -- port va on br0
#   tcv-b-ID      eth0 198.18.0.12/24                                   -- port vb on br0
#   VIP 198.18.0.100. Each node gets /etc/netns/NS/{hosts,resolv.conf,ssl,keepalived}: the real
#   API and metadata host names resolve to the cloud, the test CA is the system bundle, and
#   /etc/keepalived holds keepalived.conf, tcvip.conf and the tcvip --install symlinks.
#   Each node's processes see their own /var/keepalived and /var/log (bind mounts in a private
#   mount namespace), so tcvip runs with its real defaults.
# ID is this shell's pid; namespaces of a run whose owner is gone are removed at start.

E2E_HERE=${E2E_HERE:-$(cd "$(dirname "$0")" && pwd)}
# shellcheck source=../lib.sh
. "$E2E_HERE/../lib.sh"
E2E_ROOT=$(cd "$E2E_HERE/../.." && pwd)
trap 'exit 129' HUP
trap 'exit 141' PIPE

E2E_ID=$$
E2E_RUN=/var/lib/tcvip-e2e/$E2E_ID
E2E_CLOUD_IP=198.18.0.1
E2E_VIP=198.18.0.100
E2E_SECRET_ID=AKIDe2eTEST00000000000000000000000001
E2E_SECRET_KEY=e2eSecretKey0000000000000000000001
E2E_ROLE=tcvip-e2e-role
E2E_HOSTS="vpc.tencentcloudapi.com vpc.internal.tencentcloudapi.com vpc.api.qcloud.com vpc.api.tencentyun.com metadata.tencentyun.com"
E2E_TASK_SECONDS=${E2E_TASK_SECONDS:-1}
E2E_NAME=$(basename "$0" .sh)
E2E_LOGS=$E2E_ROOT/build/test-logs/e2e-$E2E_NAME
E2E_SIM_PID=""
E2E_NODES="a b"

e2e_ns() { echo "tcv-$1-$E2E_ID"; }                       # NODE|cloud -> namespace name
e2e_ip() { case $1 in a) echo 198.18.0.11 ;; b) echo 198.18.0.12 ;; esac; }
e2e_peer() { case $1 in a) echo b ;; b) echo a ;; esac; }
e2e_mac() { case $1 in a) echo 52:54:00:e2:00:11 ;; b) echo 52:54:00:e2:00:12 ;; esac; }
e2e_eni() { echo "eni-e2enode$1"; }
e2e_ins() { echo "ins-e2enode$1"; }
e2e_now() { date +%s.%N; }
e2e_since() { awk -v a="$1" -v b="$(e2e_now)" 'BEGIN { printf "%.1f", b - a }'; }   # T0 -> seconds
e2e_say() { echo "# $*"; }

# e2e_skip REASON: the environment cannot run e2e tests: skip cleanly, counting nothing.
e2e_skip() { echo "SKIP: $*"; t_done; exit 0; }

# e2e_require: root, the tools, and a kernel that gives us namespaces; removes stale runs.
e2e_require() {
	local _c
	need_root
	for _c in "${KEEPALIVED:-keepalived}" ip unshare python3 curl openssl nft; do
		command -v "$_c" >/dev/null 2>&1 || e2e_skip "$_c not installed (make deps)"
	done
	[ -x "$TCVIP_BIN" ] || e2e_skip "$TCVIP_BIN not built (make)"
	[ -f "$E2E_ROOT/tests/sim/sim.py" ] || e2e_skip "tests/sim/sim.py missing"
	e2e_clean_stale
	at_exit e2e_teardown
	mkdir -p "$E2E_RUN" || e2e_skip "cannot create $E2E_RUN"
	ip netns add "tcv-probe-$E2E_ID" 2>/dev/null || e2e_skip "cannot create network namespaces here"
	ip netns del "tcv-probe-$E2E_ID"
}

# e2e_owner_alive PID: a test or demo with this pid still runs.
e2e_owner_alive() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q e2e; }

# e2e_kill_ns NS: SIGKILL every process left in namespace NS (all ours), then delete it.
e2e_kill_ns() {
	local _p
	for _p in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$_p" 2>/dev/null; done
	ip netns del "$1" 2>/dev/null
	rm -rf "/etc/netns/$1"
}

e2e_clean_stale() {
	local _ns _d
	for _ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^tcv-(cloud|a|b|c|probe)-[0-9]+$'); do
		e2e_owner_alive "${_ns##*-}" || { echo "# removing stale namespace $_ns"; e2e_kill_ns "$_ns"; }
	done
	for _d in /var/lib/tcvip-e2e/*; do
		[ -d "$_d" ] || continue
		e2e_owner_alive "${_d##*/}" || rm -rf "$_d"
	done
	for _d in /etc/netns/tcv-*-*; do
		[ -d "$_d" ] || continue
		e2e_owner_alive "${_d##*-}" || rm -rf "$_d"
	done
}

# e2e_teardown: everything this run created, whatever state it is in. Keeps the logs.
e2e_teardown() {
	local _nd
	e2e_save_logs
	for _nd in $E2E_NODES cloud; do e2e_kill_ns "$(e2e_ns "$_nd")"; done
	[ -n "$E2E_SIM_PID" ] && kill -9 "$E2E_SIM_PID" 2>/dev/null
	rm -rf "$E2E_RUN"
	rmdir /var/lib/tcvip-e2e 2>/dev/null
}

e2e_save_logs() {
	local _nd
	[ -d "$E2E_RUN" ] || return 0
	rm -rf "$E2E_LOGS" && mkdir -p "$E2E_LOGS" || return 0
	cp "$E2E_RUN/sim.log" "$E2E_LOGS/" 2>/dev/null
	[ -n "$E2E_SIM_PID" ] && e2e_alive "$E2E_SIM_PID" && e2e_sim_get log >"$E2E_LOGS/sim-calls.json" 2>/dev/null
	for _nd in $E2E_NODES; do
		cp "$E2E_RUN/$_nd/keepalived.log" "$E2E_LOGS/keepalived-$_nd.log" 2>/dev/null
		cp "$E2E_RUN/$_nd/log/keepalived.log" "$E2E_LOGS/tcvip-$_nd.log" 2>/dev/null
	done
}

# e2e_dump: on failure, show the tail of every log (run.sh keeps our stdout); from the saved
# copies, so it works after teardown too.
e2e_dump() {
	local _nd
	[ "$T_FAIL" = 0 ] && return 0
	e2e_save_logs
	for _nd in $E2E_NODES; do
		echo "---- keepalived $_nd (gratuitous ARP lines left out)"
		grep -v 'gratuitous ARP' "$E2E_LOGS/keepalived-$_nd.log" 2>/dev/null | tail -n 25
		echo "---- tcvip log_file $_nd"; tail -n 40 "$E2E_LOGS/tcvip-$_nd.log" 2>/dev/null
	done
	echo "---- simulator"; tail -n 20 "$E2E_LOGS/sim.log" 2>/dev/null
	echo "---- simulator calls (last 30)"
	python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))[-30:]:
    print("%.3f %s api%s %-28s %s" % (e["time"], e["source"], e["api"], e["action"], e["code"]))' \
		"$E2E_LOGS/sim-calls.json" 2>/dev/null
	echo "---- logs kept in $E2E_LOGS"
}

# e2e_finish: the last line of every e2e script.
e2e_finish() { e2e_dump; t_done; }

# ---------------------------------------------------------------------------------------------
# Topology
# ---------------------------------------------------------------------------------------------

# e2e_topology: namespaces, bridge, veths, addresses, /etc/netns files, test PKI.
e2e_topology() {
	local _c _nd
	e2e_base || return 1
	_c=$(e2e_ns cloud)
	ip -n "$_c" link add br0 type bridge
	ip -n "$_c" link set br0 up
	ip -n "$_c" addr add "$E2E_CLOUD_IP/24" dev br0
	for _nd in $E2E_NODES; do
		e2e_node "$_nd" "v$_nd" || return 1
		ip -n "$_c" link set "v$_nd" master br0
		ip -n "$_c" link set "v$_nd" up
		e2e_node_files "$_nd" || return 1
	done
}

# e2e_base: the user's install, the test PKI, the cloud namespace (lo up), /etc/keepalived.
e2e_base() {
	local _c
	mkdir -p "$E2E_RUN/bin" "$E2E_RUN/pki" && chmod 0755 /var/lib/tcvip-e2e "$E2E_RUN" "$E2E_RUN/bin" || return 1
	# The user's install: the bare binary alone in a root-owned directory (a private copy, as
	# `make` may replace build/tcvip while we run). /var/lib keeps keepalived's script security
	# happy (every path component root-owned, not group/world writable) and is usually on the
	# same file system as /etc (so E2E_LINKS=hard works too).
	cp "$TCVIP_BIN" "$E2E_RUN/bin/tcvip" && chmod 0755 "$E2E_RUN/bin/tcvip" || return 1
	sh "$E2E_ROOT/tests/sim/mkcerts.sh" "$E2E_RUN/pki" >/dev/null || return 1
	_c=$(e2e_ns cloud)
	ip netns add "$_c" || return 1
	ip -n "$_c" link set lo up
	mkdir -p /etc/keepalived /var/keepalived
}

# e2e_node NODE PEER: NODE's namespace (lo up, no IPv6) and its eth0 (MAC e2e_mac, address
# e2e_ip/24), a veth whose end PEER is in the cloud namespace.
e2e_node() {
	local _ns
	_ns=$(e2e_ns "$1")
	ip netns add "$_ns" || return 1
	ip -n "$_ns" link set lo up
	ip netns exec "$_ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip link add "tcv$1$E2E_ID" address "$(e2e_mac "$1")" netns "$_ns" type veth \
		peer name "$2" netns "$(e2e_ns cloud)" || return 1
	ip -n "$_ns" link set "tcv$1$E2E_ID" name eth0
	ip -n "$_ns" link set eth0 up
	ip -n "$_ns" addr add "$(e2e_ip "$1")/24" dev eth0
}

# e2e_node_files NODE: its /etc (e2e_etc), its own /var/keepalived and /var/log.
e2e_node_files() {
	e2e_etc "$1" || return 1
	mkdir -p "$E2E_RUN/$1/var-keepalived" "$E2E_RUN/$1/log"
	chmod 0700 "$E2E_RUN/$1/var-keepalived"
}

# e2e_etc NODE: /etc/netns/NS: hosts, resolv.conf, the test CA as the system bundle, keepalived dir.
e2e_etc() {
	local _e
	_e=/etc/netns/$(e2e_ns "$1")
	mkdir -p "$_e/ssl/certs" "$_e/keepalived" || return 1
	printf '127.0.0.1 localhost\n%s %s\n%s %s\n' "$(e2e_ip "$1")" "node-$1" "$E2E_CLOUD_IP" "$E2E_HOSTS" >"$_e/hosts"
	# No name server answers inside: lookups of anything else fail fast instead of leaking out.
	[ -e /etc/resolv.conf ] && printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$E2E_CLOUD_IP" >"$_e/resolv.conf"
	cp "$E2E_RUN/pki/ca.pem" "$_e/ssl/certs/ca-certificates.crt"
	chmod -R go-w "$_e"
}

# e2e_in NODE CMD...: runs CMD in NODE's network namespace with its /etc (ip netns exec), and
# its own /var/keepalived and /var/log (private mount namespace). A baked image root in
# $E2E_RUN/NODE/root (test_bake.sh) is the node's own too: its etc/keepalived is /etc/keepalived
# and its usr/sbin lies over /usr/sbin (overlayfs, read-only), so /usr/sbin/tcvip is the image's.
e2e_in() {
	local _node="$1"; shift
	ip netns exec "$(e2e_ns "$_node")" unshare -m --propagation private sh -c \
		'mount --bind "$0/var-keepalived" /var/keepalived && mount --bind "$0/log" /var/log &&
		{ [ ! -d "$0/root" ] || { mount --bind "$0/root/etc/keepalived" /etc/keepalived &&
			mount -t overlay tcvip-image -o "lowerdir=$0/root/usr/sbin:/usr/sbin" /usr/sbin; }; } &&
		exec "$@"' "$E2E_RUN/$_node" "$@"
}

# ---------------------------------------------------------------------------------------------
# Simulator
# ---------------------------------------------------------------------------------------------

# e2e_world HOLDER [ROLE]: writes the simulator's world: instances a and b, the VIP held by
# HOLDER (a, b or none); ROLE=role adds a CVM role (temporary credentials via metadata).
# E2E_WORLD_EXTRA: more world keys, each followed by a comma (EIPs: "addresses": [...],).
e2e_world() {
	local _sec _role
	case $1 in
	a | b) _sec="\"$E2E_VIP\": \"$(e2e_eni "$1")\"" ;;
	*) _sec="" ;;
	esac
	_role=""
	[ "${2:-}" = role ] && _role="\"role\": {\"name\": \"$E2E_ROLE\",
           \"secret_id\": \"AKIDe2eROLE00000000000000000000000003\",
           \"secret_key\": \"e2eRoleKey000000000000000000003\",
           \"token\": \"e2eRoleToken000000000000000000000000000000000003\", \"ttl\": 7200},"
	cat >"$E2E_RUN/world.json" <<EOF
{
  "region": "ap-guangzhou",
  "zone": "ap-guangzhou-3",
  "vpc": {"id": "vpc-e2e00001", "cidr": "198.18.0.0/16"},
  "subnets": [{"id": "subnet-e2e00001", "cidr": "198.18.0.0/24"}],
  "accounts": [{"secret_id": "$E2E_SECRET_ID", "secret_key": "$E2E_SECRET_KEY"}],
  $_role
  ${E2E_WORLD_EXTRA:-}
  "instances": [
    {"id": "$(e2e_ins a)", "source": ["$(e2e_ip a)"], "mac": "$(e2e_mac a)",
     "eni": "$(e2e_eni a)", "primary_ip": "$(e2e_ip a)", "subnet": "subnet-e2e00001"},
    {"id": "$(e2e_ins b)", "source": ["$(e2e_ip b)"], "mac": "$(e2e_mac b)",
     "eni": "$(e2e_eni b)", "primary_ip": "$(e2e_ip b)", "subnet": "subnet-e2e00001"}
  ],
  "secondary": {$_sec},
  "metadata_default_instance": "$(e2e_ins a)"
}
EOF
}

# e2e_sim_start: runs the simulator in the cloud namespace on 198.18.0.1:443 and :80.
e2e_sim_start() {
	local _nd
	rm -f "$E2E_RUN/sim.ready"
	ip netns exec "$(e2e_ns cloud)" python3 "$E2E_ROOT/tests/sim/sim.py" --world "$E2E_RUN/world.json" \
		--cert "$E2E_RUN/pki/server.pem" --key "$E2E_RUN/pki/server.key" \
		--api-addr "$E2E_CLOUD_IP" --api-port 443 --meta-addr "$E2E_CLOUD_IP" --meta-port 80 \
		--task-seconds "$E2E_TASK_SECONDS" --ready-file "$E2E_RUN/sim.ready" >"$E2E_RUN/sim.log" 2>&1 &
	E2E_SIM_PID=$!
	wait_for 15 test -s "$E2E_RUN/sim.ready" || { echo "simulator did not start:"; cat "$E2E_RUN/sim.log"; return 1; }
	for _nd in $E2E_NODES; do
		wait_for 5 ip netns exec "$(e2e_ns "$_nd")" curl -sf --max-time 1 -o /dev/null \
			"http://$E2E_CLOUD_IP/latest/meta-data/instance-id" ||
			{ echo "node $_nd cannot reach the simulator at $E2E_CLOUD_IP"; return 1; }
	done
}

# e2e_sim_get PATH / e2e_sim_post PATH JSON: the simulator's control endpoints (/_sim/PATH).
e2e_sim_get() { ip netns exec "$(e2e_ns cloud)" curl -sS --max-time 5 "http://$E2E_CLOUD_IP/_sim/$1"; }
e2e_sim_post() {
	ip netns exec "$(e2e_ns cloud)" curl -sS --max-time 5 -H 'Content-Type: application/json' \
		-d "$2" "http://$E2E_CLOUD_IP/_sim/$1"
}

# e2e_sim_state KEY A B ARG PY: the python PY over the simulator state's KEY (as v), with names
# (A's and B's ids to "a" and "b") and arg = ARG; "?" if the state cannot be read.
e2e_sim_state() {
	e2e_sim_get state 2>/dev/null | python3 -c 'import json, sys
try:
    v = json.load(sys.stdin)[sys.argv[1]]
except Exception:
    print("?"); sys.exit(0)
names, arg = {sys.argv[2]: "a", sys.argv[3]: "b"}, sys.argv[4]
'"$5" "$1" "$2" "$3" "$4"
}

# e2e_holder: which node's ENI holds the VIP in the cloud: a or b (with a "~" appended while the
# address is still PENDING or MIGRATING there), none, or ? on error.
e2e_holder() {
	e2e_sim_state enis "$(e2e_eni a)" "$(e2e_eni b)" "$E2E_VIP" '
held = [names.get(e["id"], e["id"]) + ("" if i["state"] == "AVAILABLE" else "~")
        for e in v for i in e["ips"] if i["ip"] == arg]
print(" ".join(held) or "none")'
}
e2e_holder_is() { [ "$(e2e_holder)" = "$1" ]; }

# e2e_calls: the simulator's call log, one line per call: TIME NODE API ACTION CODE HOST SECRET_ID MS
# (TIME is the simulator's clock when it answered, offset included; NODE is a or b by source
# address; MS how long the simulator took to answer).
e2e_calls() {
	e2e_sim_get log 2>/dev/null | python3 -c '
import json, sys
names = {sys.argv[1]: "a", sys.argv[2]: "b"}
for e in json.load(sys.stdin):
    print("%.3f %s %s %s %s %s %s %d" % (e["time"], names.get(e["source"], e["source"]), e["api"],
          e["action"] or "-", e["code"] or "-", e["host"] or "-", e["secret_id"] or "-", e["ms"]))
' "$(e2e_ip a)" "$(e2e_ip b)"
}

# e2e_count_calls NODE ACTION [CODE]: how many ACTION calls NODE made (optionally with that result).
e2e_count_calls() { e2e_calls | awk -v n="$1" -v a="$2" -v c="${3:-}" '$2 == n && $4 == a && (c == "" || $5 == c)' | wc -l; }

# ---------------------------------------------------------------------------------------------
# Node configuration and keepalived
# ---------------------------------------------------------------------------------------------

# e2e_tcvip_conf [LINE...]: the tcvip.conf every node gets (identical bytes); extra lines appended.
# Default: API 3 over the internal endpoint, static key, fast checks.
E2E_CONF_KEYS=1
e2e_tcvip_conf() {
	local _l
	{
		echo "# tcvip.conf for the e2e cluster: the same file on both nodes."
		echo "vip = $E2E_VIP"
		echo "endpoint = internal"
		if [ "$E2E_CONF_KEYS" = 1 ]; then
			echo "secret_id = $E2E_SECRET_ID"
			echo "secret_key = $E2E_SECRET_KEY"
		fi
		echo "query_interval = 2"
		echo "restart_command = /etc/keepalived/restart-keepalived.sh"
		for _l in "$@"; do echo "$_l"; done
	} >"$E2E_RUN/tcvip.conf"
	chmod 0600 "$E2E_RUN/tcvip.conf"
}

# e2e_node_setup NODE MODE [SCRIPTS]: writes NODE's /etc/keepalived from the MODE template
# (stable or preempt; E2E_FORM=fifo: the notify FIFO form of it); SCRIPTS=tcvip (default) lays the applets, SCRIPTS=true links /bin/true
# for a keepalived-only run. How the applets are laid, E2E_LINKS:
#   symlink (default) the user's install: the bare binary alone in a root-owned directory
#                     ($E2E_RUN/bin) and `ln -s` under the kit's names;
#   install           `tcvip --install` (symlinks too); hard: hard links; copy: copies.
# E2E_KA_GLOBALS: global_defs lines: "-enable_script_security" drops that line of the
# template, any other word is added (use_symlink_paths, for keepalived 2.3).
e2e_node_setup() {
	local _nd _mode _scripts _k _state _prio _f _g
	_nd=$1 _mode=$2 _scripts=${3:-tcvip}
	_k=/etc/netns/$(e2e_ns "$_nd")/keepalived
	case $_nd in a) _state=MASTER _prio=50 ;; *) _state=BACKUP _prio=30 ;; esac
	sed -e "s/@INTERFACE@/eth0/g" -e "s/@SELF_IP@/$(e2e_ip "$_nd")/g" \
		-e "s/@PEER_IP@/$(e2e_ip "$(e2e_peer "$_nd")")/g" -e "s/@VIP@/$E2E_VIP/g" \
		-e "s/@STATE@/$_state/g" -e "s/@PRIORITY@/$_prio/g" -e "s/@ROUTER_ID@/node_$_nd/g" \
		-e "s/@AUTH_PASS@/e2etest/g" \
		"$E2E_HERE/../../image/keepalived.$_mode${E2E_FORM:+-$E2E_FORM}.conf" >"$_k/keepalived.conf" || return 1
	for _g in ${E2E_KA_GLOBALS:-}; do
		case $_g in
		-*) sed -i "/^[[:space:]]*${_g#-}\$/d" "$_k/keepalived.conf" ;;
		*) sed -i "s/^global_defs {\$/global_defs {\n   $_g/" "$_k/keepalived.conf" ;;
		esac || return 1
	done
	chmod 0644 "$_k/keepalived.conf"
	rm -f "$_k/notify_action.sh" "$_k/check_self.sh" "$_k/notify_fifo.sh" "$_k/vip" "$_k/tcvip.conf"
	if [ "$_scripts" = true ]; then
		ln -s /bin/true "$_k/notify_action.sh"
		ln -s /bin/true "$_k/check_self.sh"
		ln -s /bin/true "$_k/notify_fifo.sh"
	else
		for _f in notify_action.sh check_self.sh notify_fifo.sh vip; do
			case ${E2E_LINKS:-symlink} in
			symlink) ln -s "$E2E_RUN/bin/tcvip" "$_k/$_f" ;;
			hard) ln "$E2E_RUN/bin/tcvip" "$_k/$_f" ;;
			copy) cp "$E2E_RUN/bin/tcvip" "$_k/$_f" && chmod 0755 "$_k/$_f" ;;
			install) [ "$_f" != vip ] || "$E2E_RUN/bin/tcvip" --install "$_k" >/dev/null ;;
			esac || return 1
		done
		cp "$E2E_RUN/tcvip.conf" "$_k/tcvip.conf" && chmod 0600 "$_k/tcvip.conf"
	fi
	# restart_command: keepalived is ours, not systemd's; record the request for the test.
	printf '#!/bin/sh\necho "$(date "+%%F %%T") restart requested" >>/var/log/restart-requests\n' >"$_k/restart-keepalived.sh"
	chmod 0755 "$_k/restart-keepalived.sh"
}

# e2e_ka_flags: keepalived's options for a foreground VRRP run. 2.x: -G (no syslog) and
# -P (VRRP subsystem only); 1.x has neither (1.3.5's
# keepalived/core/main.c parse_cmdline: no 'P', no 'G'): it runs its VRRP child alone when
# built --disable-lvs, as build/keepalived-1.3.5 is.
# e2e_ka_1x: the keepalived under test is a 1.x (it leaves its VIPs on the NIC when it starts).
e2e_ka_1x() { "${KEEPALIVED:-keepalived}" --version 2>&1 | head -n 1 | grep -q '^Keepalived v1\.'; }

e2e_ka_flags() {
	case $("${KEEPALIVED:-keepalived}" --version 2>&1 | head -n 1) in
	"Keepalived v1."*) echo "-n -l -D" ;;
	*) echo "-n -l -D -G -P" ;;
	esac
}

# e2e_ka_start NODE: starts keepalived (VRRP only, foreground) in NODE; output to its log.
e2e_ka_start() {
	local _d _flags
	_d=$E2E_RUN/$1
	_flags=$(e2e_ka_flags)
	echo "==== $(date '+%F %T') keepalived start" >>"$_d/keepalived.log"
	rm -f "$_d/k.pid" "$_d/v.pid"
	# A clean environment, as under systemd: nothing of the caller's leaks into tcvip.
	e2e_in "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
		"${KEEPALIVED:-keepalived}" $_flags -f /etc/keepalived/keepalived.conf \
		-p "$_d/k.pid" -r "$_d/v.pid" >>"$_d/keepalived.log" 2>&1 &
	echo $! >"$_d/sh.pid"
	wait_for 5 test -s "$_d/k.pid" && wait_for 5 test -s "$_d/v.pid"
}

# e2e_ka_pid NODE: keepalived's parent process (its own pid file; $! is only a subshell).
e2e_ka_pid() { cat "$E2E_RUN/$1/k.pid" 2>/dev/null; }
# e2e_ka_reap NODE: collects the subshell that ran keepalived, forgets the pid files.
e2e_ka_reap() {
	wait "$(cat "$E2E_RUN/$1/sh.pid" 2>/dev/null)" 2>/dev/null
	rm -f "$E2E_RUN/$1/sh.pid" "$E2E_RUN/$1/v.pid" "$E2E_RUN/$1/k.pid"
}
# e2e_alive PID: PID runs (a zombie, our unreaped child, does not count).
e2e_alive() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && ! awk '{ exit $3 != "Z" }' "/proc/$1/stat"; }
e2e_ka_running() { e2e_alive "$(e2e_ka_pid "$1")"; }

# e2e_ka_kill NODE: kill -9, as a crash: parent frozen first so it cannot respawn the VRRP child.
e2e_ka_kill() {
	local _p _v
	_p=$(e2e_ka_pid "$1") _v=$(cat "$E2E_RUN/$1/v.pid" 2>/dev/null)
	[ -n "$_p" ] || return 1
	kill -STOP "$_p" 2>/dev/null
	[ -n "$_v" ] && kill -9 "$_v" 2>/dev/null
	kill -9 "$_p" 2>/dev/null
	e2e_ka_reap "$1"
	echo "==== $(date '+%F %T') keepalived killed (-9)" >>"$E2E_RUN/$1/keepalived.log"
}

# e2e_ka_stop NODE: clean stop (SIGTERM), bounded; kill -9 if it does not stop in 15 s.
e2e_ka_stop() {
	local _p _i
	_p=$(e2e_ka_pid "$1")
	[ -n "$_p" ] || return 1
	kill -TERM "$_p" 2>/dev/null
	_i=150
	while [ $_i -gt 0 ] && e2e_alive "$_p"; do sleep 0.1; _i=$((_i - 1)); done
	e2e_alive "$_p" && kill -9 "$_p" 2>/dev/null
	e2e_ka_reap "$1"
}

# e2e_ka_state NODE: keepalived's current VRRP state from its log: MASTER, BACKUP, FAULT, or DOWN.
e2e_ka_state() {
	local _s
	e2e_ka_running "$1" || { echo DOWN; return 0; }
	_s=$(sed -n 's/.*Entering \([A-Z]*\) STATE.*/\1/p; s/.*==== .* keepalived start.*/START/p' \
		"$E2E_RUN/$1/keepalived.log" | tail -n 1)
	[ "$_s" = START ] && _s=INIT
	echo "${_s:-INIT}"
}
e2e_state_is() { [ "$(e2e_ka_state "$1")" = "$2" ]; }

# e2e_nic_has_vip NODE: the VIP is on NODE's eth0.
e2e_nic_has_vip() { ip -n "$(e2e_ns "$1")" -4 -o addr show dev eth0 | grep -q " $E2E_VIP/"; }

# e2e_master: the node keepalived says is MASTER (only one): a, b, none, or both.
e2e_master() {
	local _m _nd
	_m=""
	for _nd in $E2E_NODES; do e2e_state_is "$_nd" MASTER && _m="$_m$_nd"; done
	case $_m in "") echo none ;; a | b) echo "$_m" ;; *) echo both ;; esac
}

# e2e_tcvip_log NODE: tcvip's seed-compatible log_file on NODE.
e2e_tcvip_log() { cat "$E2E_RUN/$1/log/keepalived.log" 2>/dev/null; }

# e2e_converged NODE: keepalived MASTER on NODE only, the cloud agrees, VIP on NODE's NIC only.
e2e_converged() {
	[ "$(e2e_master)" = "$1" ] && e2e_holder_is "$1" && e2e_nic_has_vip "$1" && ! e2e_nic_has_vip "$(e2e_peer "$1")"
}

# e2e_wait_master TIMEOUT [GIVEUP]: waits for exactly one keepalived MASTER; prints it. Gives up
# early once keepalived logged GIVEUP (grep -E) on every node.
e2e_wait_master() {
	local _i _m
	_i=$(($1 * 10))
	while [ $_i -gt 0 ]; do
		_m=$(e2e_master)
		case $_m in a | b) echo "$_m"; return 0 ;; esac
		[ -n "${2:-}" ] && grep -qE -- "$2" "$E2E_RUN/a/keepalived.log" && grep -qE -- "$2" "$E2E_RUN/b/keepalived.log" && break
		sleep 0.1; _i=$((_i - 1))
	done
	echo "$_m"; return 1
}

# e2e_cluster MODE [HOLDER]: topology + simulator (VIP first held by HOLDER) + both nodes
# configured with the MODE template and the current tcvip.conf + keepalived on both.
e2e_cluster() {
	local _nd
	e2e_topology || return 1
	[ -f "$E2E_RUN/tcvip.conf" ] || e2e_tcvip_conf
	e2e_world "${2:-none}" "${E2E_WORLD_ROLE:-}"
	e2e_sim_start || return 1
	for _nd in $E2E_NODES; do e2e_node_setup "$_nd" "$1" || return 1; done
	for _nd in $E2E_NODES; do e2e_ka_start "$_nd" || return 1; done
}

# e2e_watch_failover NODE T0 TIMEOUT: polls until NODE is MASTER and holds the VIP in the cloud;
# sets E2E_T_MASTER / E2E_T_CLOUD (seconds after T0, or "-" if not seen).
e2e_watch_failover() {
	local _i
	E2E_T_MASTER=- E2E_T_CLOUD=-
	_i=$(($3 * 10))
	while [ $_i -gt 0 ]; do
		[ "$E2E_T_MASTER" = - ] && e2e_state_is "$1" MASTER && E2E_T_MASTER=$(e2e_since "$2")
		[ "$E2E_T_CLOUD" = - ] && e2e_holder_is "$1" && E2E_T_CLOUD=$(e2e_since "$2")
		[ "$E2E_T_MASTER" != - ] && [ "$E2E_T_CLOUD" != - ] && return 0
		sleep 0.1; _i=$((_i - 1))
	done
	return 1
}

# e2e_kill_failover FROM TO WHAT: kill -9 of FROM's keepalived (E2E_T0: the moment); TO must
# become MASTER and the holder in the cloud ("TO becomes MASTER and WHAT"), the VIP on its NIC.
e2e_kill_failover() {
	e2e_say "kill -9 keepalived on $1"
	E2E_T0=$(e2e_now)
	e2e_ka_kill "$1"
	must "$2 becomes MASTER and $3" e2e_watch_failover "$2" "$E2E_T0" 40
	expect "the VIP is on $2's NIC" wait_for 10 e2e_nic_has_vip "$2"
}

# e2e_kill_expect WHAT FROM TO: kill -9 of FROM's keepalived (E2E_T0: the moment); expected, each
# named "WHAT: ...": TO becomes MASTER and the cloud holder, the VIP on its NIC; the times said.
e2e_kill_expect() {
	E2E_T0=$(e2e_now)
	e2e_ka_kill "$2"
	expect "$1: kill -9 $2's keepalived: $3 becomes MASTER and the cloud holder" e2e_watch_failover "$3" "$E2E_T0" 40
	expect "$1: the VIP is on $3's NIC" wait_for 10 e2e_nic_has_vip "$3"
	e2e_say "time: $1: MASTER on $3 +$E2E_T_MASTER s, cloud holder +$E2E_T_CLOUD s"
}

# e2e_report_times WHAT NODE: prints the measured times (reported, never asserted), seconds after
# E2E_T0 (epoch): keepalived MASTER and the cloud holder by polling; from the simulator's log,
# NODE's first API call (its notify_action's migrate starting) and its accepted migration.
# E2E_SIM_OFFSET is the simulator's clock offset.
e2e_report_times() {
	local _t _first _mig
	_t=$(awk -v a="$E2E_T0" -v o="${E2E_SIM_OFFSET:-0}" 'BEGIN { printf "%.3f", a + o }')
	_first=$(e2e_calls | awk -v n="$2" -v t="$_t" '$2 == n && $1 >= t { printf "%.1f", $1 - t; exit }')
	_mig=$(e2e_calls | awk -v n="$2" -v t="$_t" '$2 == n && $1 >= t && ($4 ~ /Migrate|Assign|ReplaceRoutes|CreateRoutes/) && $5 == "Success" { printf "%.1f", $1 - t; exit }')
	echo "# time: $1: MASTER on $2 +${E2E_T_MASTER} s (polled); sim log: $2's first API call +${_first:--} s, migration accepted +${_mig:--} s; cloud holder $2 +${E2E_T_CLOUD} s (polled, task ${E2E_TASK_SECONDS} s)"
}

# ---------------------------------------------------------------------------------------------
# Scenario helpers
# ---------------------------------------------------------------------------------------------

# e2e_state_file NODE: what tcvip recorded in NODE's state_dir/state.
e2e_state_file() { tr -d '\n' <"$E2E_RUN/$1/var-keepalived/state" 2>/dev/null; }

# e2e_notify NODE ARGS...: delivers a notification to NODE as keepalived does (clean environment).
e2e_notify() {
	local _nd="$1"; shift
	e2e_in "$_nd" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /etc/keepalived/notify_action.sh "$@" </dev/null >/dev/null 2>&1
}

# e2e_vip NODE ARGS...: the operator tool on NODE (output on stdout).
e2e_vip() { local _nd="$1"; shift; e2e_in "$_nd" /etc/keepalived/vip "$@"; }

# e2e_link NODE up|down: NODE's eth0 link.
e2e_link() { ip -n "$(e2e_ns "$1")" link set eth0 "$2"; }

# e2e_block_vrrp NODE / e2e_unblock_vrrp NODE: drop VRRP (IP protocol 112) in and out of NODE
# (nftables in NODE's namespace); the API stays reachable.
e2e_block_vrrp() {
	printf '%s\n' 'table inet tcv_e2e_block {' \
		'	chain in { type filter hook input priority 0; policy accept; ip protocol vrrp drop; }' \
		'	chain out { type filter hook output priority 0; policy accept; ip protocol vrrp drop; }' '}' |
		ip netns exec "$(e2e_ns "$1")" nft -f -
}
e2e_unblock_vrrp() { ip netns exec "$(e2e_ns "$1")" nft delete table inet tcv_e2e_block; }

# e2e_hold NODE SECONDS: for SECONDS, keepalived's master and the cloud holder stay NODE and the
# VIP stays off the other NIC. Prints the first deviation and fails on it.
e2e_hold() {
	local _i=$(($2 * 4)) _m _h
	while [ "$_i" -gt 0 ]; do
		_m=$(e2e_master) _h=$(e2e_holder)
		if [ "$_m" != "$1" ] || [ "$_h" != "$1" ] || e2e_nic_has_vip "$(e2e_peer "$1")"; then
			echo "# deviation: keepalived master $_m, cloud holder $_h, VIP on $(e2e_peer "$1")'s NIC: $(e2e_nic_has_vip "$(e2e_peer "$1")" && echo yes || echo no)"
			return 1
		fi
		sleep 0.25; _i=$((_i - 1))
	done
}

# e2e_count_moves NODE SINCE: successful Migrate/Assign calls NODE made at simulator time >= SINCE.
e2e_count_moves() {
	e2e_calls | awk -v n="$1" -v t="$2" '$1 >= t && $2 == n && ($4 == "MigratePrivateIpAddress" || $4 == "AssignPrivateIpAddresses") && $5 == "Success"' | wc -l
}

# e2e_no_secrets: no secret key or token appears in any log, state file or the process list.
e2e_no_secrets() {
	local _f
	for _f in "$E2E_RUN"/a/keepalived.log "$E2E_RUN"/b/keepalived.log "$E2E_RUN"/a/log/* "$E2E_RUN"/b/log/*; do
		[ -f "$_f" ] || continue
		grep -qE "$E2E_SECRET_KEY|e2eRoleKey|e2eRoleToken" "$_f" && { echo "# secret found in $_f"; return 1; }
	done
	! ps -eo args | grep -E "$E2E_SECRET_KEY|e2eRoleKey|e2eRoleToken" | grep -vq grep
}

# e2e_diagnose: explains known causes of a cluster that does not come up.
e2e_diagnose() {
	grep -qs 'exited with status 2' "$E2E_RUN/a/keepalived.log" "$E2E_RUN/b/keepalived.log" || return 0
	echo "# keepalived's track script exits 2 (usage or config error): check_self never ran."
	echo "# keepalived runs a symlinked script by its realpath(), so argv[0] may be tcvip's own name;"
	echo "# tcvip then runs check_self only when its parent process is keepalived."
}

# must DESC CMD...: like expect, but a failure ends the scenario: what follows depends on it.
must() {
	_e2e_f=$T_FAIL
	expect "$@"
	[ "$T_FAIL" = "$_e2e_f" ] && return 0
	e2e_diagnose
	echo "# stopping here: the rest of this scenario depends on it"
	e2e_finish
	exit 1
}

# e2e_start_cluster MODE HOLDER: e2e_cluster (or the test's own E2E_CLUSTER_FN, same
# arguments), then one converged master; sets M (master) and P.
e2e_start_cluster() {
	must "cluster up ($1 mode, VIP first held by ${2:-none})" "${E2E_CLUSTER_FN:-e2e_cluster}" "$1" "${2:-}"
	# check_self exiting 2 (usage or config error) never lets a master emerge: do not wait for it.
	M=$(e2e_wait_master 30 "exited with status 2")
	must "a keepalived MASTER emerges (got: $M)" sh -c "case '$M' in a|b) true ;; *) false ;; esac"
	P=$(e2e_peer "$M")
	must "master $M: the cloud agrees, the VIP is on its NIC and not on $P's" wait_for 30 e2e_converged "$M"
}

# e2e_never_on_nic NODE SECONDS: for SECONDS the VIP never shows on NODE's NIC (sampled every 0.1 s).
e2e_never_on_nic() {
	local _i=$(($2 * 10))
	while [ "$_i" -gt 0 ]; do
		e2e_nic_has_vip "$1" && { echo "# the VIP appeared on $1's NIC"; return 1; }
		sleep 0.1; _i=$((_i - 1))
	done
}

# e2e_log_since NODE T: tcvip log_file lines of NODE stamped at or after epoch second T.
e2e_log_since() {
	awk -v t="$(date -d "@${2%.*}" '+%F %T')" 'substr($0, 2, 19) >= t' "$E2E_RUN/$1/log/keepalived.log" 2>/dev/null
}

# e2e_settle NODE TIMEOUT: waits until e2e_converged NODE has held for 3 s in a row.
e2e_settle() {
	local _end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$_end" ]; do
		e2e_converged "$1" && e2e_hold "$1" 3 >/dev/null && return 0
		sleep 0.5
	done
	return 1
}

# e2e_ka_mark NODE / e2e_ka_since NODE: keepalived's log lines of NODE written after the mark.
e2e_ka_mark() { wc -l <"$E2E_RUN/$1/keepalived.log" >"$E2E_RUN/$1/mark"; }
e2e_ka_since() { tail -n +"$(($(cat "$E2E_RUN/$1/mark") + 1))" "$E2E_RUN/$1/keepalived.log"; }
# e2e_ka_logged NODE PATTERN: keepalived logged PATTERN (grep -E) on NODE since the mark.
e2e_ka_logged() { e2e_ka_since "$1" | grep -qE -- "$2"; }
# e2e_logged NODE T PATTERN: tcvip's log_file on NODE has PATTERN (grep -E) since epoch second T.
e2e_logged() { e2e_log_since "$1" "$2" | grep -qE -- "$3"; }
# e2e_not CMD...: succeeds when CMD fails.
e2e_not() { ! "$@"; }
# e2e_state_file_is NODE STATE: tcvip's state file on NODE says STATE.
e2e_state_file_is() { [ "$(e2e_state_file "$1")" = "$2" ]; }

# e2e_sample SECONDS FILE: in the background, every 0.2 s for SECONDS, appends a line
# "HOLDER NICS" (e2e_holder; the nodes whose NIC has the VIP, e.g. "a", "ab", "-") to FILE.
# E2E_SAMPLER is its pid; e2e_sample_wait waits for it (bounded by SECONDS).
e2e_sample() {
	(
		_i=$(($1 * 5))
		while [ "$_i" -gt 0 ]; do
			_v=""
			for _x in a b; do e2e_nic_has_vip "$_x" && _v="$_v$_x"; done
			echo "$(e2e_holder | tr ' ' +) ${_v:--}"
			sleep 0.2; _i=$((_i - 1))
		done
	) >"$2" 2>/dev/null &
	E2E_SAMPLER=$!
	at_exit "kill $E2E_SAMPLER"
}
e2e_sample_wait() { wait "$E2E_SAMPLER" 2>/dev/null; }

# e2e_agree TIMEOUT: waits until keepalived's master, the cloud holder and the only NIC with the
# VIP are one node X, for 6 s in a row; prints X (or "none").
e2e_agree() {
	local _end=$(($(date +%s) + $1)) _x
	while [ "$(date +%s)" -lt "$_end" ]; do
		_x=$(e2e_master)
		case $_x in a | b) e2e_converged "$_x" && e2e_hold "$_x" 6 >/dev/null && { echo "$_x"; return 0; } ;; esac
		sleep 0.5
	done
	echo none; return 1
}
# e2e_master_is X: e2e_master says X (a, b, none or both).
e2e_master_is() { [ "$(e2e_master)" = "$1" ]; }
