/* doctor.h: `vip doctor`: one line per check of everything failover needs, with a fix hint. */
#ifndef DOCTOR_H
#define DOCTOR_H
/* Runs every check against the config at path; 0 if all pass, 1 otherwise. API permissions
 * are checked read-only (DescribeNetworkInterfaces, DescribeVpcTaskResult) unless
 * probe_write: then MigratePrivateIpAddress and AssignPrivateIpAddresses are really sent,
 * naming the nonexistent ENI eni-00000000 and the first VIP. */
int doctor_run(const char *path, int probe_write);
#endif
