/* cloud.h: the VPC API (3.0 and legacy 2.0): one call, error classes, and the operations tcvip needs. */
#ifndef CLOUD_H
#define CLOUD_H
#include <stddef.h>
#include <stdint.h>
struct cfg;
struct meta;
struct anchors;

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

/* The client: its fields are seen only in cloud.c (accessors below). The caller owns the
 * storage (it is large: keep it static): struct cloud_mem, turned into the client by cloud_of(). */
struct cloud;
#define CLOUD_MEM_SIZE (704 * 1024)	/* cloud.c asserts sizeof(struct cloud) fits */
struct cloud_mem {
	union {
		max_align_t align;
		unsigned char bytes[CLOUD_MEM_SIZE];
	} u;
};
struct cloud *cloud_of(struct cloud_mem *m);

/* Holder of one VIP: "" = nobody. */
struct cloud_holder {
	uint32_t vip;
	char eni[CLOUD_ID_LEN];
	int busy;	/* the IP is in a running task (MIGRATING/PENDING): not held yet */
	char eip[CLOUD_ID_LEN];	/* AddressId of the EIP bound to the VIP on eni, "" if none */
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
/* Route tables (mode = route; API 3 only). A route of one table to VIP/32 of a VIP. */
#define CLOUD_MAX_RTB 16	/* route tables one describe keeps */
#define CLOUD_MAX_ROUTES 128	/* routes to the VIPs one describe keeps */
struct cloud_route {
	char table[CLOUD_ID_LEN];	/* RouteTableId */
	uint32_t vip;
	long long id;			/* RouteId */
	char item[CLOUD_ID_LEN];	/* RouteItemId */
	char type[32];			/* GatewayType */
	char gateway[CLOUD_ID_LEN];	/* GatewayId */
	char desc[256];			/* RouteDescription, kept by a replace */
	int enabled;
};
struct cloud_rtbs {
	int ntable;
	char table[CLOUD_MAX_RTB][CLOUD_ID_LEN];
	int nroute;
	struct cloud_route route[CLOUD_MAX_ROUTES];
};
/* DescribeRouteTables (Filters vpc-id, and route-table-id when nid > 0), every page: out gets
 * the tables named (nid > 0) or, nid == 0, every table with a route to one of the VIPs, and
 * every route to VIP/32 of vips[0..nvip-1]. More than the caps: CLOUD_FATAL (logged). */
int cloud_route_tables(struct cloud *cl, const char *vpc, const char (*ids)[CLOUD_ID_LEN], int nid,
    const uint32_t *vips, int nvip, struct cloud_rtbs *out);
/* ReplaceRoutes of the route old (its RouteId and RouteItemId kept, its description too):
 * next hop NORMAL_CVM gateway. Synchronous (the answer's NewRouteSet is the route now). */
int cloud_route_replace(struct cloud *cl, const struct cloud_route *old, const char *gateway);
/* CreateRoutes: table gets vip/32 -> NORMAL_CVM gateway (only where it has no route to it:
 * beside another, CVM next hops form ECMP). Synchronous. */
int cloud_route_create(struct cloud *cl, const char *table, uint32_t vip, const char *gateway);
/* The last error as "Code: message (RequestId ...)". */
const char *cloud_last_error(const struct cloud *cl);
/* The last error's code alone, "" after a success or before any call. */
const char *cloud_error_code(const struct cloud *cl);
/* Class of the last call (CLOUD_OK before any); cloud_rc_clear() sets it back to CLOUD_OK. */
enum cloud_rc cloud_last_rc(const struct cloud *cl);
void cloud_rc_clear(struct cloud *cl);
/* API calls made since cloud_init or cloud_calls_reset (benchmarks, last_migrate). */
unsigned cloud_calls(const struct cloud *cl);
void cloud_calls_reset(struct cloud *cl);
/* The Date header of the last answer, "" if none (doctor: clock skew). */
const char *cloud_date(const struct cloud *cl);
/* Caps every exchange, metadata included, at deadline_ms (util_now_ms clock; 0 = none). */
void cloud_set_deadline(struct cloud *cl, long long deadline_ms);
/* The API region once discovery learned it. 0 or -1 (too long). */
int cloud_set_region(struct cloud *cl, const char *region);
/* The API endpoint's host and port. */
const char *cloud_host(const struct cloud *cl);
int cloud_port(const struct cloud *cl);
/* The metadata client (discovery, role credentials). */
struct meta *cloud_meta(struct cloud *cl);
/* Loads the credentials now (doctor). 0, or -1 (logged); cloud_creds_source names them. */
int cloud_creds_load(struct cloud *cl);
const char *cloud_creds_source(const struct cloud *cl);
/* The trust anchors, loaded from the bundle (not the cache) if not yet: NULL on failure
 * (logged). The calls that follow use them. */
const struct anchors *cloud_anchors(struct cloud *cl);
/* An EIP as DescribeAddresses tells it ([MODELS] Address). API 3 only. */
struct cloud_eip {
	char id[CLOUD_ID_LEN];		/* AddressId: set by the caller */
	int found;			/* 0: the region has no such EIP */
	char ip[16];			/* AddressIp */
	char status[16];		/* AddressStatus: UNBIND, BINDING, BIND, UNBINDING, BIND_ENI, ... */
	char eni[CLOUD_ID_LEN];		/* NetworkInterfaceId, "" when null (unbound) */
	uint32_t private_ip;		/* PrivateAddressIp, 0 when null */
};
/* DescribeAddresses AddressIds = e[0..n-1].id (n <= 64): fills each, found 0 if absent. */
enum cloud_rc cloud_addresses(struct cloud *cl, struct cloud_eip *e, int n);
/* AssociateAddress (AddressId, NetworkInterfaceId, PrivateIpAddress) and DisassociateAddress:
 * asynchronous, task gets the EIP task id (cloud_eip_task, not cloud_task). */
enum cloud_rc cloud_eip_bind(struct cloud *cl, const char *eip, const char *eni, uint32_t ip,
    char task[CLOUD_ID_LEN]);
enum cloud_rc cloud_eip_unbind(struct cloud *cl, const char *eip, char task[CLOUD_ID_LEN]);
/* DescribeTaskResult of an EIP task into *st. CLOUD_OK once read, else the error class. */
enum cloud_rc cloud_eip_task(struct cloud *cl, const char *task, enum cloud_task_state *st);
#endif
