// SPDX-License-Identifier: GPL-2.0
/*
 * udp-stream: numbered datagrams at a fixed rate to an echo responder,
 * counting what comes back. The lab's measure of "did traffic flow, and
 * how long was it interrupted".
 *
 * usage: udp-stream -d ADDR [-p PORT] [-s SRC] [-r PPS] [-t SECONDS]
 *                   [--drain MS] [--size BYTES] [--gaps FILE]
 *                   [--gap-threshold MS]
 *
 * Sends for -t seconds (default 10, at most 3600) or until SIGINT/SIGTERM,
 * then waits --drain ms (default 1000) for late echoes and prints one line:
 *   sent=N received=N lost=N duplicates=N send_errors=N max_gap_ms=F
 *   gaps=N max_rtt_ms=F start_mono_ns=N start_real=SEC.USEC duration_ms=F
 * received counts distinct sequence numbers; lost = sent - received.
 * A gap is a time without a new echo: from the start (or the previous new
 * echo) to the next new echo, and from the last new echo to the end of
 * sending. --gaps writes every gap longer than the threshold (default
 * 10 ms) as "START_MONO_NS LENGTH_MS", CLOCK_MONOTONIC like vpnfo's events.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netaddr.h"

#define STREAM_MAGIC		0x56504653u	/* "VPFS" */
#define STREAM_HDR_LEN		20		/* magic, seq, tx time */
#define STREAM_SIZE_MAX		1400
#define STREAM_RATE_MAX		100000
#define STREAM_DURATION_MAX	3600.0
#define STREAM_DRAIN_MAX	60000
#define NSEC_PER_MSEC		1000000ULL
#define NSEC_PER_SEC		1000000000ULL
/* Behind schedule by more than this: skip ahead rather than burst. */
#define STREAM_LATE_NS		(100 * NSEC_PER_MSEC)

struct stream {
	int fd;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	size_t size;
	uint64_t period_ns;
	uint64_t gap_threshold_ns;
	FILE *gaps_file;

	uint64_t sent, received, duplicates, send_errors, gaps;
	uint64_t last_new_ns, max_gap_ns, max_rtt_ns;
	uint8_t *seen;		/* one bit per sequence number */
	uint64_t seen_bits;
};

static volatile sig_atomic_t stream_stop;

static void stream_on_signal(int sig)
{
	(void)sig;
	stream_stop = 1;
}

static uint64_t stream_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void stream_gap(struct stream *st, uint64_t from, uint64_t to)
{
	uint64_t len = to > from ? to - from : 0;

	if (len > st->max_gap_ns)
		st->max_gap_ns = len;
	if (len <= st->gap_threshold_ns)
		return;
	st->gaps++;
	if (st->gaps_file)
		fprintf(st->gaps_file, "%llu %.3f\n", (unsigned long long)from,
			(double)len / NSEC_PER_MSEC);
}

/* Mark seq seen; 1 if it was new, 0 if a duplicate, -errno on failure. */
static int stream_mark_seen(struct stream *st, uint64_t seq)
{
	if (seq >= st->seen_bits) {
		uint64_t bits = st->seen_bits ? st->seen_bits : 65536;
		uint8_t *p;

		while (bits <= seq)
			bits *= 2;
		p = realloc(st->seen, bits / 8);
		if (!p)
			return -ENOMEM;
		memset(p + st->seen_bits / 8, 0, (bits - st->seen_bits) / 8);
		st->seen = p;
		st->seen_bits = bits;
	}
	if (st->seen[seq / 8] & (1u << (seq % 8)))
		return 0;
	st->seen[seq / 8] |= 1u << (seq % 8);
	return 1;
}

static void stream_send(struct stream *st, uint64_t now)
{
	uint8_t buf[STREAM_SIZE_MAX] = { 0 };
	uint32_t magic = htobe32(STREAM_MAGIC);
	uint64_t seq = htobe64(st->sent), ts = htobe64(now);

	memcpy(buf, &magic, 4);
	memcpy(buf + 4, &seq, 8);
	memcpy(buf + 12, &ts, 8);
	/* A refused send (blocked policy, no route) is still a sent number. */
	if (sendto(st->fd, buf, st->size, 0, (struct sockaddr *)&st->dst,
		   st->dst_len) < 0)
		st->send_errors++;
	st->sent++;
}

static int stream_receive(struct stream *st)
{
	uint8_t buf[STREAM_SIZE_MAX + 1];
	struct sockaddr_storage from;
	uint64_t seq, ts, now;
	uint32_t magic;
	socklen_t flen;
	ssize_t n;
	int ret;

	for (;;) {
		flen = sizeof(from);
		n = recvfrom(st->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		now = stream_now();
		if ((size_t)n != st->size || !netaddr_equal(&from, &st->dst))
			continue;
		memcpy(&magic, buf, 4);
		memcpy(&seq, buf + 4, 8);
		memcpy(&ts, buf + 12, 8);
		seq = be64toh(seq);
		ts = be64toh(ts);
		if (be32toh(magic) != STREAM_MAGIC || seq >= st->sent)
			continue;
		ret = stream_mark_seen(st, seq);
		if (ret < 0)
			return ret;
		if (!ret) {
			st->duplicates++;
			continue;
		}
		st->received++;
		if (now > ts && now - ts > st->max_rtt_ns)
			st->max_rtt_ns = now - ts;
		stream_gap(st, st->last_new_ns, now);
		st->last_new_ns = now;
	}
}

static int stream_run(struct stream *st, uint64_t start, uint64_t duration_ns,
		      uint64_t drain_ns)
{
	uint64_t next = start, end = start + duration_ns;
	uint64_t now, wake, drain_end = 0;
	struct pollfd pfd = { .fd = st->fd, .events = POLLIN };
	int sending = 1, ret;

	st->last_new_ns = start;
	for (;;) {
		now = stream_now();
		if (sending && (stream_stop || now >= end)) {
			sending = 0;
			end = now;
			drain_end = now + drain_ns;
		}
		if (sending && now >= next) {
			stream_send(st, now);
			next += st->period_ns;
			if (now > next + STREAM_LATE_NS)
				next = now + st->period_ns;
		}
		if (!sending && now >= drain_end)
			break;
		wake = sending ? (next < end ? next : end) : drain_end;
		if (wake > now) {
			struct timespec ts = {
				.tv_sec = (wake - now) / NSEC_PER_SEC,
				.tv_nsec = (wake - now) % NSEC_PER_SEC,
			};

			ret = ppoll(&pfd, 1, &ts, NULL);
			if (ret < 0 && errno != EINTR)
				return -errno;
		}
		ret = stream_receive(st);
		if (ret < 0 && ret != -ECONNREFUSED && ret != -EHOSTUNREACH &&
		    ret != -ENETUNREACH)
			return ret;
	}
	/* Silence from the last echo to the end of sending is a gap too. */
	if (st->last_new_ns < end)
		stream_gap(st, st->last_new_ns, end);
	return (int)((end - start) / NSEC_PER_MSEC);
}

static void stream_usage(FILE *f)
{
	fprintf(f,
		"usage: udp-stream -d ADDR [-p PORT] [-s SRC] [-r PPS] [-t SECONDS]\n"
		"                  [--drain MS] [--size BYTES] [--gaps FILE]\n"
		"                  [--gap-threshold MS]\n");
}

static int stream_bad(const char *what, const char *val)
{
	fprintf(stderr, "udp-stream: bad %s '%s'\n", what, val);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 't' },
		{ "drain", required_argument, NULL, 'D' },
		{ "size", required_argument, NULL, 'S' },
		{ "gaps", required_argument, NULL, 'g' },
		{ "gap-threshold", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct stream st = { .fd = -1, .size = 64,
			     .gap_threshold_ns = 10 * NSEC_PER_MSEC };
	const char *dst = NULL, *src = NULL, *gaps = NULL;
	unsigned long port = 7, rate = 1000, drain_ms = 1000, v;
	struct sigaction sa = { .sa_handler = stream_on_signal };
	struct timespec real;
	double duration = 10.0, d;
	uint64_t start_mono;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "d:p:s:r:t:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			dst = optarg;
			break;
		case 's':
			src = optarg;
			break;
		case 'p':
			if (netaddr_parse_ulong(optarg, 65535, &port) || !port)
				return stream_bad("port", optarg);
			break;
		case 'r':
			if (netaddr_parse_ulong(optarg, STREAM_RATE_MAX, &rate) ||
			    !rate)
				return stream_bad("rate", optarg);
			break;
		case 't':
			if (netaddr_parse_double(optarg, STREAM_DURATION_MAX,
						 &duration) || duration <= 0)
				return stream_bad("duration", optarg);
			break;
		case 'D':
			if (netaddr_parse_ulong(optarg, STREAM_DRAIN_MAX,
						&drain_ms))
				return stream_bad("drain", optarg);
			break;
		case 'S':
			if (netaddr_parse_ulong(optarg, STREAM_SIZE_MAX, &v) ||
			    v < STREAM_HDR_LEN)
				return stream_bad("size", optarg);
			st.size = v;
			break;
		case 'g':
			gaps = optarg;
			break;
		case 'G':
			if (netaddr_parse_double(optarg, 3600000.0, &d))
				return stream_bad("gap threshold", optarg);
			st.gap_threshold_ns = (uint64_t)(d * NSEC_PER_MSEC);
			break;
		case 'h':
			stream_usage(stdout);
			return 0;
		default:
			stream_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !dst) {
		stream_usage(stderr);
		return 2;
	}
	if (netaddr_parse(dst, port, &st.dst, &st.dst_len))
		return stream_bad("destination address", dst);
	st.period_ns = NSEC_PER_SEC / rate;

	st.fd = socket(st.dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (st.fd < 0) {
		perror("udp-stream: socket");
		return 1;
	}
	netaddr_bigbuf(st.fd);
	if (src) {
		struct sockaddr_storage ss;
		socklen_t len;

		if (netaddr_parse(src, 0, &ss, &len) ||
		    ss.ss_family != st.dst.ss_family)
			return stream_bad("source address", src);
		if (bind(st.fd, (struct sockaddr *)&ss, len)) {
			fprintf(stderr, "udp-stream: bind %s: %s\n", src,
				strerror(errno));
			return 1;
		}
	}
	if (gaps) {
		st.gaps_file = fopen(gaps, "w");
		if (!st.gaps_file) {
			fprintf(stderr, "udp-stream: %s: %s\n", gaps,
				strerror(errno));
			return 1;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	clock_gettime(CLOCK_REALTIME, &real);
	start_mono = stream_now();
	ret = stream_run(&st, start_mono, (uint64_t)(duration * NSEC_PER_SEC),
			 drain_ms * NSEC_PER_MSEC);
	if (st.gaps_file)
		fclose(st.gaps_file);
	if (ret < 0) {
		fprintf(stderr, "udp-stream: %s\n", strerror(-ret));
		return 1;
	}
	printf("sent=%llu received=%llu lost=%llu duplicates=%llu "
	       "send_errors=%llu max_gap_ms=%.3f gaps=%llu max_rtt_ms=%.3f "
	       "start_mono_ns=%llu start_real=%lld.%06ld duration_ms=%d\n",
	       (unsigned long long)st.sent, (unsigned long long)st.received,
	       (unsigned long long)(st.sent - st.received),
	       (unsigned long long)st.duplicates,
	       (unsigned long long)st.send_errors,
	       (double)st.max_gap_ns / NSEC_PER_MSEC,
	       (unsigned long long)st.gaps,
	       (double)st.max_rtt_ns / NSEC_PER_MSEC,
	       (unsigned long long)start_mono, (long long)real.tv_sec,
	       real.tv_nsec / 1000, ret);
	free(st.seen);
	close(st.fd);
	return 0;
}
