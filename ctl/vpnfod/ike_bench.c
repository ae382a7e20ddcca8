// SPDX-License-Identifier: GPL-2.0
/*
 * ike-bench: IKE responder load. Keeps N initiator IKE SAs (this library,
 * kernel state faked) in flight against one responder: each runs
 * IKE_SA_INIT + IKE_AUTH with its first CHILD SA, then deletes and starts
 * over. Prints the responder's handshakes per second.
 *
 *   ike-bench -c CONF [-n PARALLEL] [-t SECONDS] [-p RESPONDER_PORT]
 * CONF: a vpnfod.conf whose first [tunnel] gives addresses and credentials.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "config.h"
#include "lib/num.h"
#include "lib/log.h"

#define SLOTS_MAX 256

static int fd;
static struct sockaddr_in peer;

static uint64_t b_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int b_send(void *ctx, struct ike_sa *sa, const uint8_t *m, size_t n)
{
	(void)ctx, (void)sa;
	return sendto(fd, m, n, 0, (struct sockaddr *)&peer,
		      sizeof(peer)) < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	static struct vpnfod_conf conf;
	static struct ike_sa *slot[SLOTS_MAX];
	struct ike_env env = { .send = b_send, .xfrm = &ike_xfrm_null,
			       .now_ms = b_now };
	struct ike_addr local, remote;
	struct sockaddr_in me = { .sin_family = AF_INET };
	socklen_t mlen = sizeof(me);
	unsigned int n = 8, secs = 10, port = 500, i;
	uint64_t done = 0, failed = 0, start, end;
	const char *file = NULL;
	struct vpnfod_peer *p;
	uint8_t buf[IKE_MSG_MAX];
	int c;

	log_init("ike-bench");
	while ((c = getopt(argc, argv, "c:n:t:p:")) != -1) {
		switch (c) {
		case 'c': file = optarg; break;
		case 'n':
			if (num_parse_u32(optarg, 1, SLOTS_MAX, &n))
				return 2;
			break;
		case 't':
			if (num_parse_u32(optarg, 1, 86400, &secs))
				return 2;
			break;
		case 'p':
			if (num_parse_u32(optarg, 1, 65535, &port))
				return 2;
			break;
		default: return 2;
		}
	}
	if (!file || !n || n > SLOTS_MAX)
		return 2;
	if (config_load(&conf, file) || config_load_creds(&conf)) {
		log_error("%s", conf.err);
		return 1;
	}
	p = &conf.p[0];
	if (p->local.ip.family != AF_INET) {
		log_error("IPv4 only");
		return 1;
	}
	log_set_level(LOG_LEVEL_NONE);
	p->ike.dpd_ms = 0;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memcpy(&me.sin_addr, p->local.ip.bytes, 4);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
	    getsockname(fd, (struct sockaddr *)&me, &mlen)) {
		perror("ike-bench: socket");
		return 1;
	}
	peer.sin_family = AF_INET;
	peer.sin_port = htons(port);
	memcpy(&peer.sin_addr, p->remote.ip.bytes, 4);
	local = p->local;
	local.port = ntohs(me.sin_port);
	remote = p->remote;
	remote.port = (uint16_t)port;
	start = b_now(NULL);
	end = start + secs * 1000ULL;
	while (b_now(NULL) < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t len;

		for (i = 0; i < n; i++) {
			struct ike_sa *sa = slot[i];

			if (sa && sa->state == IKE_S_ESTABLISHED &&
			    !sa->req_pending) {
				done++;
				ike_sa_delete(sa);
			}
			if (sa)
				ike_sa_tick(sa);
			if (sa && sa->state == IKE_S_DEAD) {
				if (sa->error && sa->error != -ECONNABORTED)
					failed++;
				ike_sa_free(sa);
				slot[i] = sa = NULL;
			}
			if (!sa && !ike_sa_new(&slot[i], &p->ike, &env, true,
					       &local, &remote))
				ike_sa_initiate(slot[i]);
		}
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			struct ike_hdr h;

			if (ike_hdr_parse(buf, (size_t)len, &h))
				continue;
			for (i = 0; i < n; i++)
				if (slot[i] && slot[i]->spi_i == h.spi_i)
					ike_sa_input(slot[i], buf, (size_t)len);
		}
	}
	printf("handshakes %llu failed %llu seconds %u parallel %u rate %.1f/s\n",
	       (unsigned long long)done, (unsigned long long)failed, secs, n,
	       done * 1000.0 / (double)(b_now(NULL) - start));
	return 0;
}
