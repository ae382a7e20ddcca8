// SPDX-License-Identifier: GPL-2.0
/* NAT traversal: IKE's move to port 4500 and NAT-keepalives (natt.h). */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "natt.h"
#include "lib/log.h"

/*
 * Keepalive timers by IKE SA. The IKE library owns struct ike_sa; this
 * table remembers when each SA behind a NAT is due. vpnfod calls us for
 * every live SA at least once a second, so a slot not seen for a few
 * seconds belongs to an SA that is gone.
 */
#define NATT_SLOTS	64
#define NATT_STALE_MS	5000

struct natt_slot {
	const struct ike_sa *sa;
	uint64_t spi_i, spi_r;	/* a freed SA's address may be reused */
	uint64_t due_ms, seen_ms;
};

static struct natt_slot slots[NATT_SLOTS];

bool natt_float(struct ike_sa *sa, const uint8_t *msg, size_t len)
{
	struct ike_hdr h;

	if (sa->initiator && (sa->nat_local || sa->nat_remote) &&
	    sa->local.port != NATT_PORT && !ike_hdr_parse(msg, len, &h) &&
	    h.exch != IKE_SA_INIT) {
		log_info("%s: NAT detected, IKE moves to port %u",
			 sa->conf->name, NATT_PORT);
		sa->local.port = NATT_PORT;
		sa->remote.port = NATT_PORT;
	}
	return sa->local.port == NATT_PORT;
}

static struct natt_slot *slot_of(const struct ike_sa *sa, uint64_t now)
{
	struct natt_slot *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < NATT_SLOTS; i++) {
		struct natt_slot *s = &slots[i];

		if (s->sa == sa && s->spi_i == sa->spi_i &&
		    s->spi_r == sa->spi_r)
			return s;
		if (!free_slot && (!s->sa || now - s->seen_ms > NATT_STALE_MS))
			free_slot = s;
	}
	return free_slot;
}

int natt_send(int fd, const struct ike_sa *sa, const uint8_t *msg,
	      size_t len, bool marker)
{
	static const uint8_t non_esp[4];	/* RFC 3948 §2.2 */
	struct sockaddr_storage to;
	union {	/* the larger of the two pktinfos, aligned for cmsghdr */
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_in *to4 = (struct sockaddr_in *)&to;
	struct sockaddr_in6 *to6 = (struct sockaddr_in6 *)&to;
	struct iovec iov[2] = { { (void *)non_esp, sizeof(non_esp) },
				{ (void *)msg, len } };
	struct msghdr mh = { .msg_name = &to, .msg_iov = marker ? iov : iov + 1,
			     .msg_iovlen = marker ? 2 : 1,
			     .msg_control = &cbuf };
	bool v4 = sa->remote.ip.family == AF_INET;
	struct cmsghdr *cm = (struct cmsghdr *)&cbuf;

	memset(&to, 0, sizeof(to));
	memset(&cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = v4 ? IPPROTO_IP : IPPROTO_IPV6;
	cm->cmsg_type = v4 ? IP_PKTINFO : IPV6_PKTINFO;
	if (v4) {
		to4->sin_family = AF_INET;
		to4->sin_port = htons(sa->remote.port);
		memcpy(&to4->sin_addr, sa->remote.ip.bytes, 4);
		mh.msg_namelen = sizeof(*to4);
		cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		mh.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
		memcpy(&((struct in_pktinfo *)CMSG_DATA(cm))->ipi_spec_dst,
		       sa->local.ip.bytes, 4);
	} else {
		to6->sin6_family = AF_INET6;
		to6->sin6_port = htons(sa->remote.port);
		memcpy(&to6->sin6_addr, sa->remote.ip.bytes, 16);
		mh.msg_namelen = sizeof(*to6);
		cm->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
		mh.msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
		memcpy(&((struct in6_pktinfo *)CMSG_DATA(cm))->ipi6_addr,
		       sa->local.ip.bytes, 16);
	}
	if (sendmsg(fd, &mh, 0) < 0)
		return -errno;
	return 0;
}

void natt_keepalive(const struct ike_sa *sa, int fd, unsigned int interval_ms,
		    uint64_t now_ms)
{
	static const uint8_t keepalive = 0xff;	/* RFC 3948 §2.3 */
	struct natt_slot *s;
	int err;

	/* Only the side behind the NAT needs to keep the mapping open. */
	if (!interval_ms || fd < 0 || sa->state != IKE_S_ESTABLISHED ||
	    !sa->nat_local || sa->local.port != NATT_PORT)
		return;
	s = slot_of(sa, now_ms);
	if (!s) {
		log_debug("%s: no keepalive slot left", sa->conf->name);
		return;
	}
	if (s->sa != sa || s->spi_i != sa->spi_i || s->spi_r != sa->spi_r)
		*s = (struct natt_slot){ sa, sa->spi_i, sa->spi_r,
					 now_ms + interval_ms, now_ms };
	s->seen_ms = now_ms;
	if (now_ms < s->due_ms)
		return;
	s->due_ms = now_ms + interval_ms;
	err = natt_send(fd, sa, &keepalive, 1, false);
	if (err)
		log_debug("%s: NAT-keepalive: %s", sa->conf->name,
			  strerror(-err));
	else
		log_debug("%s: NAT-keepalive sent", sa->conf->name);
}
