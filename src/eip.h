/* eip.h: the EIP of a VIP after a move: checked (eip = auto), re-bound (eip = ID), a failed re-bind remembered for check_self. */
#ifndef EIP_H
#define EIP_H
#include "cfg.h"
#include "cloud.h"

/* After every VIP h[0..n-1] is confirmed on self (ENI mode): DescribeAddresses of each VIP's
 * EIP (its configured id, else the AddressId that DescribeNetworkInterfaces showed on the VIP
 * now or, seen[0..nseen-1], before the move), then per VIP: a configured EIP not bound to
 * self/VIP is bound there (DisassociateAddress first if bound elsewhere, AssociateAddress,
 * each task polled with DescribeTaskResult, confirmed by describing again); any other is only
 * reported. Every exchange ends by deadline (util_now_ms). A failed re-bind is logged by name
 * and recorded in state_dir (eip_retry_due); a run with none removes the record. No call at
 * all when no VIP has an EIP to look at (eip = none, api = 2, none seen). CLOUD_OK, or the
 * class of the worst failure; the VIPs stay where they are whatever happens here. */
enum cloud_rc eip_follow(struct cloud *cl, const struct cfg *c, long long deadline,
    const struct cloud_holder *h, int n, const char *self, const struct cloud_holder *seen,
    int nseen);
/* 1 if a failed re-bind is recorded and was last tried long enough ago for check_self to
 * start another migrate (a local file read, no API call), else 0. */
int eip_retry_due(const struct cfg *c, long long now_ms);
/* vip status: the failed re-binds recorded ("EIP VIP ACTION CODE; ..."), "" if none. */
void eip_pending_read(const struct cfg *c, char *buf, size_t cap);
/* vip status / doctor: the EIP of each VIP (configured id, else h[i].eip), described in one
 * call into out[i] (out[i].id "" when the VIP has none to show). CLOUD_OK or the class. */
enum cloud_rc eip_describe(struct cloud *cl, const struct cfg *c, const struct cloud_holder *h,
    struct cloud_eip *out);
/* "eni-x/198.18.0.100 (BIND)", "nowhere (UNBIND)", "no such EIP" into buf. */
const char *eip_where(const struct cloud_eip *e, char *buf, size_t cap);
#endif
