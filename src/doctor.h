/* doctor.h: `vip doctor`: one line per check of everything failover needs, with a fix hint. */
#ifndef DOCTOR_H
#define DOCTOR_H
/* Runs every check against the config at path; 0 if all pass, 1 otherwise. */
int doctor_run(const char *path);
#endif
