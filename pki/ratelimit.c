// SPDX-License-Identifier: GPL-2.0
#include "ratelimit.h"
#include "util.h"

#include <string.h>
#include <time.h>

void rl_init(struct ratelimit *rl, double base, double cap)
{
	memset(rl, 0, sizeof(*rl));
	pthread_mutex_init(&rl->lock, NULL);
	rl->base = base;
	rl->cap = cap;
	rl->forget = 900;
}

static uint32_t rl_hash(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

/* Linear probing over 8 slots; a full neighbourhood reuses its oldest. */
static struct rl_entry *rl_find(struct ratelimit *rl, const char *key, int create, double now)
{
	uint32_t h = rl_hash(key);
	struct rl_entry *oldest = NULL;
	int i;

	for (i = 0; i < 8; i++) {
		struct rl_entry *e = &rl->slots[(h + (uint32_t)i) % RL_SLOTS];

		if (e->key[0] && now - e->last > rl->forget)
			e->key[0] = '\0';
		if (e->key[0] && !strncmp(e->key, key, RL_KEY_MAX - 1))
			return e;
		if (!e->key[0]) {
			if (!oldest || oldest->key[0])
				oldest = e;
		} else if (!oldest || (oldest->key[0] && e->last < oldest->last)) {
			oldest = e;
		}
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	strncpy(oldest->key, key, RL_KEY_MAX - 1);
	oldest->last = now;
	return oldest;
}

double rl_wait(struct ratelimit *rl, const char *key)
{
	double now = time_mono(), w = 0;
	struct rl_entry *e;

	pthread_mutex_lock(&rl->lock);
	e = rl_find(rl, key, 0, now);
	if (e && e->until > now)
		w = e->until - now;
	pthread_mutex_unlock(&rl->lock);
	return w;
}

double rl_fail(struct ratelimit *rl, const char *key)
{
	double now = time_mono(), d;
	struct rl_entry *e;
	unsigned int i;

	pthread_mutex_lock(&rl->lock);
	e = rl_find(rl, key, 1, now);
	e->failures++;
	e->last = now;
	d = rl->base;
	for (i = 1; i < e->failures && d < rl->cap; i++)
		d *= 2;
	if (d > rl->cap)
		d = rl->cap;
	e->until = now + d;
	pthread_mutex_unlock(&rl->lock);
	return d;
}

void rl_success(struct ratelimit *rl, const char *key)
{
	struct rl_entry *e;

	pthread_mutex_lock(&rl->lock);
	e = rl_find(rl, key, 0, time_mono());
	if (e)
		e->key[0] = '\0';
	pthread_mutex_unlock(&rl->lock);
}

void rl_sleep(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0)
		;
}
