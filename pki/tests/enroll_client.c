// SPDX-License-Identifier: GPL-2.0
/*
 * Test and benchmark driver for the enrollment client (pki/lib/enroll_client.c):
 *   enroll_client HOST PORT PIN USER PASSWORD DIR [CLIENTS ROUNDS]
 *       runs steps 100-105 CLIENTS x ROUNDS times at once (DIR/cN.rR each)
 *       and prints "ok N failed M seconds S per_enroll_ms ..." on stdout
 *   enroll_client --renew DIR     EST simplereenroll now
 *   enroll_client --renew-due DIR  the same when due (vpnfoctl enroll renew)
 *   enroll_client --check DIR     verify the stored policy's signature
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "enroll_client.h"
#include "lib/num.h"
#include "util.h"

struct job {
	struct enroll_cfg cfg;
	const char *base;
	int id, rounds, ok, failed;
	double sum_total, sum_start, sum_csr, sum_policy, sum_store, max_total;
};

/* A strict number argument; the bad value is quoted. 0 or -EINVAL. */
static int arg_num(const char *what, const char *s, uint32_t min, uint32_t max, int *out)
{
	uint32_t v;
	int err = num_parse_u32(s, min, max, &v);

	if (err) {
		fprintf(stderr, "enroll_client: invalid %s '%s' (%s, want %u-%u)\n", what, s,
			num_strerror(err), min, max);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

static void *run(void *arg)
{
	struct job *j = arg;
	char dir[512];
	int r;

	for (r = 0; r < j->rounds; r++) {
		struct enroll_cfg cfg = j->cfg;
		struct enroll_times t = { 0 };

		snprintf(dir, sizeof(dir), "%s/c%d.r%d", j->base, j->id, r);
		cfg.dir = dir;
		if (enroll_run(&cfg, &t)) {
			j->failed++;
			continue;
		}
		j->ok++;
		j->sum_total += t.total;
		j->sum_start += t.start;
		j->sum_csr += t.csr;
		j->sum_policy += t.policy;
		j->sum_store += t.store;
		if (t.total > j->max_total)
			j->max_total = t.total;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct job *jobs;
	pthread_t *th;
	double t0, el, sum = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, mx = 0;
	int clients = 1, rounds = 1, port, i, ok = 0, failed = 0;
	bool renewed;

	if (argc == 3 && (!strcmp(argv[1], "--renew") || !strcmp(argv[1], "--renew-due"))) {
		bool force = !strcmp(argv[1], "--renew");
		int err = enroll_renew(argv[2], force ? 0 : 1.0 / 3, force, 30, &renewed);

		printf("renew %s\n", err ? strerror(-err) : renewed ? "renewed" : "not due");
		return err ? 1 : 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--check"))
		return enroll_policy_check(argv[2]) ? 1 : 0;
	if (argc != 7 && argc != 9) {
		fprintf(stderr, "usage: enroll_client HOST PORT PIN USER PASSWORD DIR [CLIENTS ROUNDS]\n");
		return 2;
	}
	if (arg_num("PORT", argv[2], 1, 65535, &port) ||
	    (argc == 9 && (arg_num("CLIENTS", argv[7], 1, 10000, &clients) ||
			   arg_num("ROUNDS", argv[8], 1, 100000, &rounds))))
		return 2;
	jobs = calloc((size_t)clients, sizeof(*jobs));
	th = calloc((size_t)clients, sizeof(*th));
	if (!jobs || !th)
		return 1;
	if (clients > 1 || rounds > 1)
		mkdir(argv[6], 0700);
	t0 = time_mono();
	for (i = 0; i < clients; i++) {
		jobs[i].cfg = (struct enroll_cfg){ .host = argv[1], .port = port,
						   .pin_sha256 = argv[3], .user = argv[4],
						   .password = argv[5], .timeout = 60 };
		jobs[i].base = argv[6];
		jobs[i].id = i;
		jobs[i].rounds = rounds;
		if (clients == 1 && rounds == 1) {
			/* Single enrollment: the state goes to DIR itself. */
			struct enroll_times t;

			jobs[i].cfg.dir = argv[6];
			if (enroll_run(&jobs[i].cfg, &t)) {
				printf("ok 0 failed 1\n");
				return 1;
			}
			printf("ok 1 failed 0 seconds %.4f total_ms %.2f start_ms %.2f csr_ms %.2f "
			       "policy_ms %.2f store_ms %.2f\n", time_mono() - t0, t.total * 1000,
			       t.start * 1000, t.csr * 1000, t.policy * 1000, t.store * 1000);
			return 0;
		}
		pthread_create(&th[i], NULL, run, &jobs[i]);
	}
	for (i = 0; i < clients; i++) {
		pthread_join(th[i], NULL);
		ok += jobs[i].ok;
		failed += jobs[i].failed;
		sum += jobs[i].sum_total;
		s1 += jobs[i].sum_start;
		s2 += jobs[i].sum_csr;
		s3 += jobs[i].sum_policy;
		s4 += jobs[i].sum_store;
		if (jobs[i].max_total > mx)
			mx = jobs[i].max_total;
	}
	el = time_mono() - t0;
	printf("ok %d failed %d seconds %.3f per_second %.2f mean_ms %.1f start_ms %.1f "
	       "csr_ms %.1f policy_ms %.1f store_ms %.1f max_ms %.1f\n", ok, failed, el,
	       ok / el, ok ? sum / ok * 1000 : 0, ok ? s1 / ok * 1000 : 0,
	       ok ? s2 / ok * 1000 : 0, ok ? s3 / ok * 1000 : 0, ok ? s4 / ok * 1000 : 0,
	       mx * 1000);
	free(jobs);
	free(th);
	return failed ? 1 : 0;
}
