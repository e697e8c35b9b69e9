/* files.h: every file tcvip keeps in state_dir, named once, with the module that owns it (the
 * only one that reads or writes it) and its format. Others ask the owner. */
#ifndef FILES_H
#define FILES_H

/* Seed-compatible (Tencent's kit reads and writes these too). */
#define FILE_STATE "state"			/* vrrp.c: "MASTER\n", "BACKUP\n", ... */
#define FILE_FAILED "vip_check_failed_count"	/* vrrp.c, check_self.c: "N\n" */
#define FILE_RESULT "vip_last_check_result"	/* check_self.c: "true\n" / "false\n" */

/* Who wrote the state and in which order. */
#define FILE_RECORD "notify"		/* vrrp.c: "BOOT_ID KA_PID KA_START EV_START EV_PID WARNED\n" */
#define FILE_RECORD_LOCK "notify.lock"	/* vrrp.c: flock, held for one read and two renames */

/* check_self's own memory between ticks. */
#define FILE_QUERIED "last_query"	/* check_self.c: monotonic ms of the last cloud query */
#define FILE_HISTORY "takeover"		/* splitbrain.c: struct splitbrain, "LAST SEEN UNTIL K\n" */
#define FILE_RESTARTED "last_restart"	/* check_self.c: monotonic ms of the last restart_command */
#define FILE_SPOT_POLLED "last_spot_poll"	/* check_self.c: monotonic ms of the last spot-notice GET */

/* A planned handover (vip drill, a spot reclaim notice): check_self reports a fault until. */
#define FILE_HANDOVER "handover"	/* handover.c: "BOOT_ID UNTIL_MS REASON\n", monotonic ms */

/* The migrate. */
#define FILE_LOCK "lock"		/* migrate.c: flock, one migrate at a time */
/* phases.c: "time=N result=R duration_ms=N calls=N retries=N error=CODE|- event=KIND
 * ended_ms=UNIX_MS total_ms=N request_ms=N|- accepted_ms= task_ended_ms= confirmed_ms= follow_up_ms=\n"
 * (ms after the event; the first four keys as older versions wrote them) */
#define FILE_LAST_MIGRATE "last_migrate"

/* metrics_file's counts, merged by every process (metrics_file set only). */
#define FILE_METRICS "metrics"		/* metrics.c: "SERIES VALUE\n", sorted, unique */
#define FILE_METRICS_LOCK "metrics.lock"	/* metrics.c: flock, held for one merge */
/* metrics.c: one byte appended per count a process left as it died at its time limit (armed
 * by metrics_deadline, written by log.c's SIGALRM handler), merged and removed by the next flush */
#define FILE_METRICS_TALLY "metrics.tally"
#define FILE_METRICS_TALLY_MERGING "metrics.tally.merging"	/* metrics.c: the tally, renamed aside to be merged */
#define FILE_EIP_PENDING "eip_pending"	/* eip.c: "at=MONO_MS\n" + "EIP VIP ACTION CODE\n" per failed re-bind */

/* Caches: owned by us, not group/other-writable, else ignored (state.c state_open_cache);
 * all thrown away when state_dir had to be tightened. */
#define FILE_TA_CACHE "anchors.cache"		/* anchors.c: decoded trust anchors, checksummed */
#define FILE_ROLE_CACHE "role_credentials"	/* creds.c: the CVM role's answer, 0600 */
#define FILE_DISC_CACHE "discovered"		/* disc.c: "boot=ID\nkey=value\n...", this boot */
#define FILE_CLOCK_OFFSET "clock_offset"	/* cloud.c: seconds, from the API's Date */
#define FILE_TLS_SESSION "tls_session"		/* cloud.c: the API's last TLS session (tls.h record,
						 * master secret inside), 0600, refused if others may read it */
#define FILE_HOLDERS "holders"		/* migrate.c: "VIP HOLDER PEER\n" per VIP ("-": none),
					 * the last holders learnt: where the next move starts */
#endif
