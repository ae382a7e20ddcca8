// SPDX-License-Identifier: GPL-2.0
/*
 * What a message or the clock makes an IKE SA do (RFC 7296 1.1-1.5): a
 * received message, once transport.c has taken it in, goes to its exchange
 * (init.c, auth.c, info.c, rekey.c) by exchange type, role and state;
 * the timer retransmits, forgets half-open SAs, rekeys and checks
 * liveness. The top of the library: nothing in it calls back here.
 */
#include <errno.h>

#include "internal.h"
#include "lib/log.h"

/* A responder's half-open SA without IKE_AUTH is forgotten after this. */
#define HALF_OPEN_MS	30000

static int dispatch(struct ike_sa *sa, const struct ike_hdr *h,
		    const uint8_t *msg, size_t len, const struct ike_pls *p)
{
	bool resp = h->flags & IKE_FLAG_R;

	switch (h->exch) {
	case IKE_SA_INIT:
		if (!resp && sa->state == IKE_S_IDLE && !sa->initiator)
			return ike_init_request(sa, h, msg, len, p);
		if (resp && sa->state == IKE_S_INIT_SENT)
			return ike_init_response(sa, h, msg, len, p);
		break;
	case IKE_AUTH:
		if (!resp && sa->state == IKE_S_INIT_DONE)
			return ike_auth_request(sa, p);
		if (resp && sa->state == IKE_S_AUTH_SENT)
			return ike_auth_response(sa, p);
		break;
	case IKE_INFORMATIONAL:
		if (sa->state != IKE_S_ESTABLISHED &&
		    sa->state != IKE_S_DELETING)
			break;
		return resp ? ike_info_response(sa, p) : ike_info_request(sa, p);
	case IKE_CREATE_CHILD_SA:
		if (sa->state != IKE_S_ESTABLISHED)
			break;
		return resp ? ike_rekey_response(sa, p) :
			      ike_rekey_request(sa, p);
	default:
		if (!resp && sa->state == IKE_S_ESTABLISHED)
			return ike_reply_notify(sa, h->exch,
					    IKE_N_INVALID_SYNTAX, NULL, 0);
		break;
	}
	ike_stats.rx_unexpected++;
	log_debug("%s: exchange %u (%s) unexpected in state %d, dropped",
		  sa->conf->name, h->exch, resp ? "response" : "request",
		  sa->state);
	return -EPROTO;
}

int ike_sa_input(struct ike_sa *sa, const uint8_t *msg, size_t len)
{
	return ike_sa_input_from(sa, msg, len, NULL, NULL);
}

int ike_sa_input_from(struct ike_sa *sa, const uint8_t *msg, size_t len,
		      const struct ike_addr *from, const struct ike_addr *to)
{
	struct ike_rx rx;
	int err;

	err = ike_msg_receive(sa, msg, len, from, to, &rx);
	if (!err && rx.deliver)
		err = dispatch(sa, &rx.hdr, msg, len, rx.pls);
	ike_rx_release(&rx);
	return err;
}

uint64_t ike_sa_tick(struct ike_sa *sa)
{
	const struct ike_conf *cf = sa->conf;
	uint64_t t = ike_sa_now(sa), next;

	if (sa->state == IKE_S_DEAD)
		return UINT64_MAX;
	if (ike_retransmit_tick(sa, t)) {
		ike_sa_fail(sa, -ETIMEDOUT, 0,
			    "peer does not answer, giving up");
		return UINT64_MAX;
	}
	if (ike_sa_half_open(sa)) {
		if (t - sa->last_rx_ms >= HALF_OPEN_MS) {
			ike_sa_fail(sa, -ETIMEDOUT, 0,
				    "half-open: no IKE_AUTH came");
			return UINT64_MAX;
		}
		return sa->last_rx_ms + HALF_OPEN_MS - t;
	}
	next = ike_rekey_tick(sa, t);
	if (sa->state == IKE_S_ESTABLISHED && !sa->req_pending &&
	    !sa->replaced && cf->dpd_ms) {
		if (t - sa->last_rx_ms >= cf->dpd_ms)
			ike_sa_dpd(sa);
		else if (sa->last_rx_ms + cf->dpd_ms - t < next)
			next = sa->last_rx_ms + cf->dpd_ms - t;
	}
	if (sa->req_pending && sa->req_deadline - t < next)
		next = sa->req_deadline > t ? sa->req_deadline - t : 0;
	return next;
}
