#!/bin/sh
# test_api2_role.sh: scenario 4, legacy API 2.0 over the in-VPC host vpc.api.tencentyun.com, with CVM-role credentials (no keys in the config).
. "$(dirname "$0")/lib.sh"
e2e_require

E2E_CONF_KEYS=0
E2E_WORLD_ROLE=role
e2e_tcvip_conf "api = 2"
expect "tcvip.conf holds no keys" sh -c "! grep -qE '^(secret_|credentials_file)' $E2E_RUN/tcvip.conf"
e2e_start_cluster stable b

e2e_say "kill -9 keepalived on $M"
E2E_T0=$(e2e_now)
e2e_ka_kill "$M"
must "$P becomes MASTER and holds the VIP in the cloud" e2e_watch_failover "$P" "$E2E_T0" 40
expect "the VIP is on $P's NIC" wait_for 10 e2e_nic_has_vip "$P"
e2e_report_times "kill -9 $M (API 2, role)" "$P"
expect "keepalived restarts on $M" e2e_ka_start "$M"
expect "$M comes back as BACKUP" wait_for 20 e2e_state_is "$M" BACKUP
expect "converged on $P" wait_for 20 e2e_converged "$P"
expect "$P stays master and holder" e2e_hold "$P" 4

calls=$(e2e_calls)
n_all=$(printf '%s\n' "$calls" | awk '$2 == "a" || $2 == "b"' | wc -l)
n_v2=$(printf '%s\n' "$calls" | awk '($2 == "a" || $2 == "b") && $3 == 2 && $6 ~ /^vpc\.api\.tencentyun\.com(:443)?$/' | wc -l)
e2e_say "API calls from the nodes: $n_all, of which API 2 to vpc.api.tencentyun.com: $n_v2"
expect "the nodes made API calls" test "$n_all" -gt 0
expect "every call was API 2 to vpc.api.tencentyun.com" test "$n_all" = "$n_v2"
expect "the migration was a legacy MigratePrivateIpAddress" \
	sh -c "printf '%s\n' \"$calls\" | awk '\$3 == 2 && \$4 == \"MigratePrivateIpAddress\" && \$5 == \"Success\"' | grep -q ."
expect "every call was signed with the role's temporary key" \
	sh -c "printf '%s\n' \"$calls\" | awk '(\$2 == \"a\" || \$2 == \"b\") && \$7 !~ /^AKIDe2eROLE/' | wc -l | grep -qx 0"
expect "no call failed authentication" sh -c "! printf '%s\n' \"$calls\" | grep -q AuthFailure"
for n in a b; do
	T_OUT=$(e2e_vip "$n" status 2>&1)
	expect "node $n: vip status names the role" sh -c "printf '%s' \"\$0\" | grep -qi role" "$T_OUT"
	expect "node $n: vip status shows no secret" sh -c "! printf '%s' \"\$0\" | grep -qE 'e2eRoleKey|e2eRoleToken'" "$T_OUT"
done
expect "cached role credentials are private (0600, state_dir 0700)" \
	sh -c "! find $E2E_RUN/a/var-keepalived $E2E_RUN/b/var-keepalived -perm /077 | grep -q ."
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
