// SPDX-License-Identifier: GPL-2.0
/*
 * udp-echo: the lab server's echo responder.
 *
 * Every datagram is sent back out of the interface it came in on, from the
 * address it was sent to (IP_PKTINFO / IPV6_PKTINFO). The lab has one link
 * per gateway and no reverse route injection, so this is what makes the
 * answer return through the gateway that carried the request.
 *
 * usage: udp-echo [-4|-6] [-p PORT] [-t SECONDS]
 * Stops by itself after -t seconds (default 900), or on SIGINT/SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netaddr.h"

#define ECHO_BUF_MAX	65536
#define ECHO_TIMEOUT_DEFAULT	900

static volatile sig_atomic_t echo_stop;

static void echo_on_signal(int sig)
{
	(void)sig;
	echo_stop = 1;
}

static int echo_open(int family, uint16_t port)
{
	struct sockaddr_storage ss = { .ss_family = family };
	int one = 1, fd;
	socklen_t len;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	netaddr_bigbuf(fd);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_port = htons(port);
		len = sizeof(*sin);
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)))
			goto fail;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_port = htons(port);
		len = sizeof(*sin6);
		/* The IPv4 socket serves IPv4; keep the families apart. */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			       sizeof(one)))
			goto fail;
	}
	if (bind(fd, (struct sockaddr *)&ss, len))
		goto fail;
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

/* One control message into out: its length, or -ENOBUFS. */
static int echo_put_cmsg(char *out, size_t outlen, int level, int type,
			 const void *data, size_t len)
{
	struct cmsghdr *o = (struct cmsghdr *)out;

	if (outlen < CMSG_SPACE(len))
		return -ENOBUFS;
	o->cmsg_level = level;
	o->cmsg_type = type;
	o->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(o), data, len);
	return CMSG_SPACE(len);
}

/*
 * Turn the received packet-info control message into the one that sends
 * the answer: same interface, source = the address the request went to.
 */
static int echo_reply_cmsg(struct msghdr *msg, char *out, size_t outlen)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo in, pi = { 0 };

			memcpy(&in, CMSG_DATA(c), sizeof(in));
			pi.ipi_ifindex = in.ipi_ifindex;
			pi.ipi_spec_dst = in.ipi_addr;
			return echo_put_cmsg(out, outlen, IPPROTO_IP,
					     IP_PKTINFO, &pi, sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return echo_put_cmsg(out, outlen, IPPROTO_IPV6,
					     IPV6_PKTINFO, &pi, sizeof(pi));
		}
	}
	return -ENOENT;
}

static int echo_one(int fd, char *buf)
{
	union {
		char buf[256];
		struct cmsghdr align;
	} cin, cout;
	struct sockaddr_storage peer;
	struct iovec iov = { .iov_base = buf, .iov_len = ECHO_BUF_MAX };
	struct msghdr msg = {
		.msg_name = &peer, .msg_namelen = sizeof(peer),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cin.buf, .msg_controllen = sizeof(cin.buf),
	};
	ssize_t n;
	int clen;

	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	clen = echo_reply_cmsg(&msg, cout.buf, sizeof(cout.buf));
	if (clen < 0)
		return clen;
	iov.iov_len = n;
	msg.msg_control = cout.buf;
	msg.msg_controllen = clen;
	msg.msg_flags = 0;
	if (sendmsg(fd, &msg, 0) < 0)
		return -errno;
	return 0;
}

static void echo_usage(FILE *f)
{
	fprintf(f, "usage: udp-echo [-4|-6] [-p PORT] [-t SECONDS]\n");
}

int main(int argc, char **argv)
{
	unsigned long port = 7, timeout = ECHO_TIMEOUT_DEFAULT, v;
	int want4 = 1, want6 = 1, nfds = 0, opt, i, ret;
	struct pollfd pfd[2];
	struct sigaction sa = { .sa_handler = echo_on_signal };
	time_t deadline;
	char *buf;

	while ((opt = getopt(argc, argv, "46p:t:h")) != -1) {
		switch (opt) {
		case '4':
			want6 = 0;
			break;
		case '6':
			want4 = 0;
			break;
		case 'p':
			if (netaddr_parse_ulong(optarg, 65535, &port) || !port) {
				fprintf(stderr, "udp-echo: bad port '%s'\n", optarg);
				return 2;
			}
			break;
		case 't':
			if (netaddr_parse_ulong(optarg, 86400, &v) || !v) {
				fprintf(stderr, "udp-echo: bad timeout '%s'\n", optarg);
				return 2;
			}
			timeout = v;
			break;
		case 'h':
			echo_usage(stdout);
			return 0;
		default:
			echo_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (!want4 && !want6)) {
		echo_usage(stderr);
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (i = 0; i < 2; i++) {
		int family = i ? AF_INET6 : AF_INET;

		if (!(i ? want6 : want4))
			continue;
		ret = echo_open(family, port);
		if (ret < 0) {
			fprintf(stderr, "udp-echo: %s port %lu: %s\n",
				i ? "IPv6" : "IPv4", port, strerror(-ret));
			return 1;
		}
		pfd[nfds].fd = ret;
		pfd[nfds++].events = POLLIN;
	}
	buf = malloc(ECHO_BUF_MAX);
	if (!buf)
		return 1;
	deadline = time(NULL) + (time_t)timeout;
	while (!echo_stop && time(NULL) < deadline) {
		if (poll(pfd, nfds, 500) <= 0)
			continue;
		for (i = 0; i < nfds; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			int budget = 1024;

			/* Drain; a failed answer is the client's loss to count. */
			while (budget-- > 0 &&
			       (ret = echo_one(pfd[i].fd, buf)) != -EAGAIN &&
			       ret != -EWOULDBLOCK)
				;
		}
	}
	free(buf);
	for (i = 0; i < nfds; i++)
		close(pfd[i].fd);
	return 0;
}
