/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growing delays after failed logins, per user name and per client
 * address: the n-th consecutive failure makes the next answer wait
 * base * 2^(n-1), up to a cap. A bounded table; the oldest entry goes.
 */
#ifndef PKI_RATELIMIT_H
#define PKI_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#define RL_SLOTS 4096
#define RL_KEY_MAX 80

struct rl_entry {
	char key[RL_KEY_MAX];
	unsigned int failures;
	double until;		/* monotonic time before which answers wait */
	double last;
};

struct ratelimit {
	pthread_mutex_t lock;
	double base;		/* seconds */
	double cap;
	double forget;		/* failures are forgotten after this long */
	struct rl_entry slots[RL_SLOTS];
};

void rl_init(struct ratelimit *rl, double base, double cap);
/* How long to wait before checking a password for key (seconds). */
double rl_wait(struct ratelimit *rl, const char *key);
/* Records a failure; returns the delay to apply before answering. */
double rl_fail(struct ratelimit *rl, const char *key);
void rl_success(struct ratelimit *rl, const char *key);
/* Sleeps for s seconds (fractional). */
void rl_sleep(double s);

#endif
