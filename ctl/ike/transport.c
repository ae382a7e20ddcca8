// SPDX-License-Identifier: GPL-2.0
/*
 * Transport of an IKE SA's messages (RFC 7296 2.1, 2.2, 2.6, 2.23): the
 * clock, message headers and IDs, sending requests and responses (kept for
 * retransmission), SK sealing and opening, retransmission with back-off,
 * COOKIEs, NAT detection, and receiving up to where an exchange takes the
 * message. A message that does not parse or authenticate is dropped and
 * counted; it never tears down a healthy SA. Knows no exchange.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "internal.h"
#include "lib/log.h"

struct ike_stats ike_stats;

uint64_t ike_sa_now(const struct ike_sa *sa)
{
	return sa->env->now_ms(sa->env->ctx);
}

void ike_sa_hdr(const struct ike_sa *sa, struct ike_hdr *h, uint8_t exch,
		bool response, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	h->spi_i = sa->spi_i;
	h->spi_r = sa->spi_r;
	h->exch = exch;
	h->flags = (sa->initiator ? IKE_FLAG_I : 0) |
		   (response ? IKE_FLAG_R : 0);
	h->msgid = msgid;
}

int ike_keep_copy(uint8_t **dst, size_t *dlen, const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n);

	if (!c)
		return -ENOMEM;
	memcpy(c, p, n);
	free(*dst);
	*dst = c;
	*dlen = n;
	return 0;
}

int ike_send_request(struct ike_sa *sa, const uint8_t *msg, size_t len)
{
	int err = ike_keep_copy(&sa->req, &sa->req_len, msg, len);

	if (err)
		return err;
	sa->req_pending = true;
	sa->req_sends = 1;
	sa->req_deadline = ike_sa_now(sa) + sa->conf->retrans_base_ms;
	return sa->env->send(sa->env->ctx, sa, msg, len);
}

int ike_send_response(struct ike_sa *sa, const uint8_t *msg, size_t len)
{
	int err = ike_keep_copy(&sa->resp, &sa->resp_len, msg, len);

	if (err)
		return err;
	sa->msgid_in++;
	return sa->env->send(sa->env->ctx, sa, msg, len);
}

int ike_bld_alloc(struct ike_bld *b)
{
	uint8_t *p = malloc(IKE_BUF_LEN);

	if (!p)
		return -ENOMEM;
	ike_bld_init(b, p, IKE_BUF_LEN);
	return 0;
}

void ike_bld_free(struct ike_bld *b)
{
	free(b->w.p);
	b->w.p = NULL;
}

int ike_send_sk(struct ike_sa *sa, uint8_t exch, bool response,
		const struct ike_bld *inner)
{
	uint8_t *out = malloc(IKE_BUF_LEN);
	struct ike_bld b;
	struct ike_hdr h;
	size_t s;
	int len, err;

	if (!out)
		return -ENOMEM;
	if (inner->w.err) {
		err = inner->w.err;
		goto out;
	}
	ike_sa_hdr(sa, &h, exch, response,
		   response ? sa->msgid_in : sa->msgid_out);
	ike_bld_init(&b, out, IKE_BUF_LEN);
	ike_bld_hdr(&b, &h);
	s = ike_pl_begin(&b, IKE_PL_SK);
	if (b.w.err) {
		err = b.w.err;
		goto out;
	}
	out[s] = inner->first;
	len = ike_sk_seal(&sa->suite, sa->initiator ? sa->sk_ei : sa->sk_er,
			  sa->initiator ? sa->sk_ai : sa->sk_ar, out, b.w.len,
			  inner->w.p, inner->w.len, IKE_BUF_LEN);
	if (len < 0) {
		err = len;
		goto out;
	}
	err = response ? ike_send_response(sa, out, len) :
			 ike_send_request(sa, out, len);
out:
	free(out);
	return err;
}

/* NAT detection hash: SHA-1(SPIi | SPIr | IP | port), RFC 7296 2.23. */
static int natd_hash(uint64_t spi_i, uint64_t spi_r, const struct ike_addr *a,
		     uint8_t out[IKE_SHA1_LEN])
{
	uint8_t buf[16 + 16 + 2];
	struct ike_wr w;
	size_t alen = a->ip.family == AF_INET ? 4 : 16;

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_u64(&w, spi_i);
	ike_wr_u64(&w, spi_r);
	ike_wr_bytes(&w, a->ip.bytes, alen);
	ike_wr_u16(&w, a->port);
	return ike_sha1(buf, w.len, out);
}

void ike_pl_natd(struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t h[IKE_SHA1_LEN];

	natd_hash(sa->spi_i, sa->spi_r, &sa->local, h);
	ike_pl_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h,
		      IKE_SHA1_LEN);
	natd_hash(sa->spi_i, sa->spi_r, &sa->remote, h);
	ike_pl_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h,
		      IKE_SHA1_LEN);
}

void ike_natd_check(struct ike_sa *sa, const struct ike_pls *p,
		    uint64_t spi_r)
{
	uint8_t h[IKE_SHA1_LEN];
	unsigned int i;
	bool src_seen = false, src_ok = false, dst_seen = false;
	bool dst_ok = false;

	for (i = 0; i < p->nn; i++) {
		const struct ike_notify_pl *n = &p->n[i];

		if (n->len != IKE_SHA1_LEN)
			continue;
		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			src_seen = true;
			natd_hash(sa->spi_i, spi_r, &sa->remote, h);
			src_ok |= !memcmp(h, n->data, IKE_SHA1_LEN);
		} else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			dst_seen = true;
			natd_hash(sa->spi_i, spi_r, &sa->local, h);
			dst_ok |= !memcmp(h, n->data, IKE_SHA1_LEN);
		}
	}
	sa->nat_remote = src_seen && !src_ok;
	sa->nat_local = dst_seen && !dst_ok;
	if (sa->nat_local || sa->nat_remote)
		log_info("%s: NAT detected (%s)", sa->conf->name,
			 sa->nat_local ? "in front of us" : "in front of peer");
}

int ike_reply_notify(struct ike_sa *sa, uint8_t exch, uint16_t type,
		     const uint8_t *data, size_t n)
{
	uint8_t inner[64];
	struct ike_bld b;

	ike_bld_init(&b, inner, sizeof(inner));
	ike_pl_notify(&b, 0, NULL, 0, type, data, n);
	return ike_send_sk(sa, exch, true, &b);
}

int ike_cookie_rotate(struct ike_env *env)
{
	uint8_t next[sizeof(env->cookie_secret)];

	if (ike_random(next, sizeof(next)))
		return -EIO;
	memcpy(env->cookie_prev, env->cookie_secret, sizeof(next));
	memcpy(env->cookie_secret, next, sizeof(next));
	ike_wipe(next, sizeof(next));
	env->cookie_ver++;
	return 0;
}

int ike_cookie_make(const struct ike_sa *sa, const struct ike_pls *p,
		    uint64_t spi_i, uint8_t ver, uint8_t out[IKE_COOKIE_LEN])
{
	const struct ike_env *env = sa->env;
	uint8_t buf[IKE_NONCE_LEN_MAX + 16 + 8], mac[IKE_HASH_MAX];
	struct ike_wr w;
	int err;

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_bytes(&w, p->nonce.p, p->nonce.len);
	ike_wr_bytes(&w, sa->remote.ip.bytes,
		     sa->remote.ip.family == AF_INET ? 4 : 16);
	ike_wr_u64(&w, spi_i);
	if (w.err)
		return w.err;
	err = ike_prf(IKE_PRF_HMAC_SHA2_256, ver == env->cookie_ver ?
		      env->cookie_secret : env->cookie_prev,
		      sizeof(env->cookie_secret), buf, w.len, mac);
	out[0] = ver;
	memcpy(out + 1, mac, IKE_COOKIE_LEN - 1);
	return err;
}

/* A COOKIE of the current secret, or of the one before. */
bool ike_cookie_ok(const struct ike_sa *sa, const struct ike_pls *p,
		   uint64_t spi_i, const struct ike_notify_pl *n)
{
	uint8_t want[IKE_COOKIE_LEN];
	uint8_t ver = sa->env->cookie_ver;
	bool ok;

	if (!n || n->len != IKE_COOKIE_LEN ||
	    (n->data[0] != ver && n->data[0] != (uint8_t)(ver - 1)))
		return false;
	ok = !ike_cookie_make(sa, p, spi_i, n->data[0], want) &&
	     !CRYPTO_memcmp(n->data, want, IKE_COOKIE_LEN);
	ike_wipe(want, sizeof(want));
	return ok;
}

static int drop(struct ike_sa *sa, uint64_t *counter, int err,
		const char *why)
{
	(*counter)++;
	log_debug("%s: message dropped: %s", sa->conf->name, why);
	return err;
}

/* A message that did not parse: @what failed, for the parser's @why. */
static int drop_malformed(struct ike_sa *sa, const char *what,
			  uint8_t type, const char *why)
{
	ike_stats.rx_malformed++;
	if (!why)
		why = "malformed";
	if (type)
		log_debug("%s: message dropped: %s: payload %u: %s",
			  sa->conf->name, what, type, why);
	else
		log_debug("%s: message dropped: %s: %s", sa->conf->name, what,
			  why);
	return -EBADMSG;
}

/* RFC 7296 §2.23: called only once the message has authenticated. */
static void sa_float_ports(struct ike_sa *sa, const struct ike_addr *from,
			   const struct ike_addr *to)
{
	if (!from || !to || (sa->remote.port == from->port &&
			     sa->local.port == to->port))
		return;
	log_debug("%s: peer moved to port %u", sa->conf->name, from->port);
	sa->remote.port = from->port;
	sa->local.port = to->port;
}

/*
 * One datagram for @sa, up to where an exchange takes it (RFC 7296 2.1,
 * 2.2, 3.14): header and SPIs, the message-ID window of one (a retransmitted
 * request gets our kept response again), the payload chain, SK opened and
 * its inner chain decoded, the ports floated (2.23). Returns 0 with
 * @rx->deliver set when an exchange is to handle @rx, else what the message
 * ended in (a drop is counted). ike_rx_release() frees @rx in either case.
 */
int ike_msg_receive(struct ike_sa *sa, const uint8_t *msg, size_t len,
		    const struct ike_addr *from, const struct ike_addr *to,
		    struct ike_rx *rx)
{
	struct ike_chain c, ic;
	struct ike_hdr h;
	struct ike_pls *p;
	const char *why;
	bool resp;

	memset(rx, 0, sizeof(*rx));
	if (ike_hdr_parse_why(msg, len, &h, &why))
		return drop_malformed(sa, "header", 0, why);
	resp = h.flags & IKE_FLAG_R;
	if (sa->state == IKE_S_DEAD ||
	    (sa->spi_i && h.spi_i != sa->spi_i) ||
	    (sa->spi_r && h.spi_r != sa->spi_r && h.exch != IKE_SA_INIT) ||
	    !(h.flags & IKE_FLAG_I) != sa->initiator)
		return drop(sa, &ike_stats.rx_unexpected, -EPROTO, "SPI/role");
	if (resp) {
		if (!sa->req_pending || h.msgid != sa->msgid_out ||
		    sa->req_len <= IKE_HDR_EXCH_OFF ||
		    sa->req[IKE_HDR_EXCH_OFF] != h.exch)
			return drop(sa, &ike_stats.rx_unexpected, -EPROTO,
				    "response to no request of ours");
	} else if (sa->resp && h.msgid + 1 == sa->msgid_in) {
		/* Our response was lost: send it again, do nothing else. */
		ike_stats.retransmits++;
		return sa->env->send(sa->env->ctx, sa, sa->resp,
				     sa->resp_len);
	} else if (h.msgid != sa->msgid_in) {
		return drop(sa, &ike_stats.rx_unexpected, -EPROTO,
			    "message ID outside the window");
	}
	if (ike_chain_parse(h.next, msg + IKE_HDR_LEN, len - IKE_HDR_LEN, &c))
		return drop_malformed(sa, "chain", 0, c.why);
	rx->hdr = h;
	p = rx->pls = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (h.exch == IKE_SA_INIT) {
		if (c.sk)
			return drop_malformed(sa, "IKE_SA_INIT", IKE_PL_SK,
					      "SK before keys exist");
		if (c.unsupported_critical)
			return drop_malformed(sa, "IKE_SA_INIT",
					      c.unsupported_critical,
					      "critical payload not supported");
		if (ike_pls_decode(&c, p))
			return drop_malformed(sa, "IKE_SA_INIT", p->bad_type,
					      p->why);
	} else {
		size_t body, plen;

		if (!c.sk || sa->state == IKE_S_IDLE ||
		    sa->state == IKE_S_INIT_SENT)
			return drop(sa, &ike_stats.rx_unexpected, -EPROTO,
				    "no SK payload or no keys yet");
		body = (size_t)(c.sk->body - msg);
		rx->plain = malloc(len);
		if (!rx->plain)
			return -ENOMEM;
		rx->plain_len = len;
		if (ike_sk_open(&sa->suite,
				sa->initiator ? sa->sk_er : sa->sk_ei,
				sa->initiator ? sa->sk_ar : sa->sk_ai, msg, len,
				body, rx->plain, &plen))
			return drop(sa, &ike_stats.rx_icv, -EBADMSG,
				    "SK does not authenticate");
		if (ike_chain_parse(c.sk_next, rx->plain, plen, &ic))
			return drop_malformed(sa, "inner chain", 0, ic.why);
		if (!ic.unsupported_critical && ike_pls_decode(&ic, p))
			return drop_malformed(sa, "inner payloads",
					      p->bad_type, p->why);
		if (ic.unsupported_critical) {
			uint8_t t = ic.unsupported_critical;

			ike_stats.rx_malformed++;
			return resp ? -EPROTO :
			       ike_reply_notify(sa, h.exch,
					    IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
					    &t, 1);
		}
		sa_float_ports(sa, from, to);
	}
	sa->last_rx_ms = ike_sa_now(sa);
	rx->deliver = true;
	return 0;
}

void ike_rx_release(struct ike_rx *rx)
{
	if (rx->plain)
		ike_wipe(rx->plain, rx->plain_len);
	free(rx->plain);
	free(rx->pls);
	rx->plain = NULL;
	rx->pls = NULL;
}

/*
 * RFC 7296 2.1: our pending request again when its time has come, with
 * exponential back-off; -ETIMEDOUT once the tries are spent.
 */
int ike_retransmit_tick(struct ike_sa *sa, uint64_t t)
{
	const struct ike_conf *cf = sa->conf;

	if (!sa->req_pending || t < sa->req_deadline)
		return 0;
	if (sa->req_sends >= cf->retrans_tries)
		return -ETIMEDOUT;
	/* Exponential back-off: base, 2 base, 4 base ... */
	sa->req_deadline = t + ((uint64_t)cf->retrans_base_ms
				<< sa->req_sends);
	sa->req_sends++;
	ike_stats.retransmits++;
	log_debug("%s: retransmit %u of message %u", cf->name,
		  sa->req_sends, sa->msgid_out);
	sa->env->send(sa->env->ctx, sa, sa->req, sa->req_len);
	return 0;
}
