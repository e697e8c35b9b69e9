/* creds.h: where the API key comes from: config, credentials_file, environment, CVM role. */
#ifndef CREDS_H
#define CREDS_H
struct cfg;
struct meta;

struct creds {
	char id[128];
	char key[128];
	char token[4096];	/* "" for static keys */
	long long expires;	/* unix time, 0 = never (static keys) */
	char source[192];	/* "config /etc/keepalived/tcvip.conf", "role tcvip-role", ... never a secret */
};

#define CREDS_RETRY (-2)	/* the metadata service did not answer: worth another try */

/* Resolves credentials in SPEC order. Role credentials come from the cache in
 * state_dir unless refresh is set or they expire within 300 s.
 * 0, -1 (logged, naming what was tried), or CREDS_RETRY. */
int creds_load(struct creds *cr, const struct cfg *c, struct meta *m, int refresh);
/* 1 if these are temporary (role) credentials that can be refreshed. */
int creds_refreshable(const struct creds *cr);
void creds_wipe(struct creds *cr);
#endif
