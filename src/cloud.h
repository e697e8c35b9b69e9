/* cloud.h: the VPC API (3.0 and legacy 2.0): one call, error classes, and the operations tcvip needs. */
#ifndef CLOUD_H
#define CLOUD_H
#include <stdint.h>
#include "creds.h"
#include "http.h"
#include "json.h"
#include "meta.h"
#include "tls.h"

#define CLOUD_ID_LEN 64
#define CLOUD_RESP_MAX (256 * 1024)
#define CLOUD_TOKENS 16384

/* What a failed call means for the caller. */
enum cloud_rc {
	CLOUD_OK = 0,
	CLOUD_RETRY = -1,	/* transient: rate limit, internal error, busy, transport */
	CLOUD_FATAL = -2,	/* auth, permission, bad parameter: retrying will not help */
	CLOUD_RACE = -3,	/* the world moved (holder gone, IP in use, task superseded): look again */
};

struct cloud {
	const struct cfg *cfg;
	char host[256];
	int port;
	char region[64];
	long long clock_offset;		/* seconds to add to our clock (from the API's Date) */
	struct tls_anchors ta;
	int ta_loaded;
	struct http_conn conn;
	struct meta meta;		/* metadata service, for role credentials */
	struct creds creds;
	int creds_loaded;
	char body[8192];		/* request body */
	char buf[CLOUD_RESP_MAX];	/* response, headers included */
	size_t buf_used;		/* high-water mark of buf, wiped by cloud_close */
	struct json_tok tok[CLOUD_TOKENS];
	struct json resp;		/* the parsed Response object of the last call */
	int resp_obj;			/* token index of "Response" (API 3) or root (API 2) */
	char code[96];			/* last error code ("" on success) */
	char msg[256];			/* last error message, sanitised */
	char request_id[80];		/* last RequestId */
	unsigned calls;			/* API calls made, for benchmarks */
	int last_rc;			/* class of the last call: CLOUD_OK, _RETRY, _FATAL */
	char date[40];			/* Date header of the last answer (doctor: clock skew) */
	long long deadline_ms;		/* absolute (util_now_ms), 0 = none: caps every exchange */
};

/* Holder of one VIP: "" = nobody. */
struct cloud_holder {
	uint32_t vip;
	char eni[CLOUD_ID_LEN];
	int busy;	/* the IP is in a running task (MIGRATING/PENDING): not held yet */
};

/* Endpoint host and port for cfg api/endpoint. 0 or -1. */
int cloud_endpoint(const struct cfg *c, char *host, int hostcap, int *port);
/* Prepares a client (no network yet). region: API region name. 0 or -1 (logged). */
int cloud_init(struct cloud *cl, const struct cfg *c, const char *region);
void cloud_close(struct cloud *cl);
/* For a long-lived client (the notify FIFO consumer): trust anchors and credentials loaded
 * (role credentials renewed 300 s before they expire) and the connection open, so that the
 * next call sends at once. CLOUD_OK or the error class. */
enum cloud_rc cloud_warm(struct cloud *cl);
/* The open connection's fd (-1 if none): readable while idle means the server closed it. */
int cloud_conn_fd(const struct cloud *cl);
void cloud_conn_drop(struct cloud *cl);

/* This node's ENI: DescribeNetworkInterfaces by attachment.instance-id, matched by MAC. */
int cloud_find_eni(struct cloud *cl, const char *vpc, const char *instance, const char *mac,
    char eni[CLOUD_ID_LEN]);
/* Holders of n VIPs in one batched DescribeNetworkInterfaces (address-ip, vpc-id). */
int cloud_holders(struct cloud *cl, const char *vpc, struct cloud_holder *h, int n);
/* Starts an asynchronous change; task gets the id to poll. */
int cloud_migrate(struct cloud *cl, const char *vpc, uint32_t vip, const char *from,
    const char *to, char task[CLOUD_ID_LEN]);
int cloud_assign(struct cloud *cl, const char *vpc, const char *eni, const uint32_t *vips, int n,
    char task[CLOUD_ID_LEN]);
/* State of an asynchronous task (DescribeVpcTaskResult). */
enum cloud_task_state {
	CLOUD_TASK_RUNNING,
	CLOUD_TASK_SUCCESS,
	CLOUD_TASK_FAILED,	/* the change was not made; out has the task's Output */
};
/* Reads the task's state into *st; when it FAILED, its Output (sanitised, "" if none) into
 * out (cap bytes). CLOUD_OK once the state was read, else the error class of the call. */
enum cloud_rc cloud_task(struct cloud *cl, const char *task, enum cloud_task_state *st,
    char *out, size_t cap);
/* The last error as "Code: message (RequestId ...)". */
const char *cloud_last_error(const struct cloud *cl);
#endif
