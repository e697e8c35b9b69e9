/* cfg.h: tcvip.conf: keys, defaults, validation, and the secrets-file permission rule. */
#ifndef CFG_H
#define CFG_H
#include <stdint.h>

#define CFG_DEFAULT_PATH "/etc/keepalived/tcvip.conf"
#define CFG_MAX_VIPS 64
#define CFG_MAX_ARGV 16
#define CFG_EIP_ID_LEN 32

/* eip: what happens to the EIP of a VIP after a move (src/eip.c). */
enum { CFG_EIP_AUTO, CFG_EIP_NONE, CFG_EIP_IDS };
struct cfg_eip {
	char id[CFG_EIP_ID_LEN];	/* eip-xxxxxxxx */
	uint32_t vip;			/* network byte order; 0 until cfg_load resolves a bare id */
	int line;			/* its line in the file, for errors found after parsing */
};
#define CFG_MAX_ROUTE_TABLES 16

struct cfg {
	char path[256];
	uint32_t vip[CFG_MAX_VIPS];	/* network byte order */
	int nvip;
	char interface[16];		/* "" = discover */
	char eni[64], peer_eni[64], vpc[64], region[64];
	int api;			/* 2 or 3 */
	char endpoint[256];		/* "public", "internal" or HOST[:PORT] */
	char ca_file[256];		/* "" = system default */
	int timeout;			/* seconds, one HTTP exchange */
	int migrate_timeout;		/* seconds, one whole migrate */
	char secret_id[128], secret_key[128];
	char credentials_file[256];
	char role[128];			/* "auto" = read the bound role name */
	char metadata[256];
	char state_dir[256];
	char log_file[256];		/* "" = no log file */
	int query_interval, fault_after, recheck_delay;
	char restart_command[512];	/* split on spaces, run without a shell */
	int spot_handover;		/* 1: a spot reclaim notice hands the master over */
	int eip_mode;			/* CFG_EIP_AUTO (default), _NONE, or _IDS (eip[] named) */
	int eip_word;			/* auto or none was written (not mixable with ids) */
	struct cfg_eip eip[CFG_MAX_VIPS];
	int neip;
	int mode;			/* row of src/modes.h: 0 eni (the default), 1 route */
	char route_table[CFG_MAX_ROUTE_TABLES][64];	/* mode = route: none = discovered */
	int nroute_table;
	int mode_line, route_table_line;	/* where mode / the first route_table was set */
	char metrics_file[256];		/* "" = off; Prometheus text (metrics.c) */
};

/* The name of mode row m of src/modes.h ("eni", "route"), or "?". */
const char *cfg_mode_name(int m);

/* Path to use: explicit (-c), else $TCVIP_CONFIG, else the default. */
const char *cfg_path(const char *explicit_path);
/* Fills defaults. */
void cfg_defaults(struct cfg *c);
/* Loads and validates path into c. Errors are logged as "file:line: message".
 * Returns 0, or -1 (the caller exits 2). */
int cfg_load(struct cfg *c, const char *path);
/* The EIP id configured for vip (eip = ID or ID@VIP), or NULL: the VIP's EIP is then
 * checked only (eip = auto) or left alone (eip = none). */
const char *cfg_eip_of(const struct cfg *c, uint32_t vip);
/* Wipes the secret_key copy in c: once the process no longer builds API clients from c. */
void cfg_wipe_secrets(struct cfg *c);
/* Parses one "key = value" line's value into c (used by cfg_load and tests). */
int cfg_set(struct cfg *c, const char *key, const char *value, char *why, int whylen);
/* Reads secret_id/secret_key from a credentials file (same syntax, same permission rule). */
int cfg_load_credentials(const char *path, char *id, int idcap, char *key, int keycap);
/* Refuses a file holding secrets that group or others may read or write. 0 ok, -1 (logged). */
int cfg_check_private(const char *path, int fd);
/* Refuses a config not owned by us (or root) or writable by group/others. 0 or -1 (logged).
 * The same rule for the trust anchors (ca_file) and credentials_file. */
int cfg_check_owner(const char *path, int fd);
struct stat;
int cfg_check_owner_st(const char *path, const struct stat *st);
/* Splits restart_command into argv (pointers into buf). Returns argc or -1. */
int cfg_split_argv(const char *cmd, char *buf, int bufcap, char **argv, int max);
#endif
