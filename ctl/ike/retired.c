// SPDX-License-Identifier: GPL-2.0
/*
 * Replaced CHILD SAs (RFC 7296 2.8): the slots where a rekeyed pair waits
 * for its delete, what a peer's delete of one does, and their removal
 * with the IKE SA. Below both CREATE_CHILD_SA (rekey.c), which fills the
 * slots, and INFORMATIONAL (info.c), which empties them on the peer's
 * delete, so that info.c never calls into rekey.c.
 */
#include <string.h>

#include "internal.h"
#include "lib/log.h"

static bool slot_free(const struct ike_child *c)
{
	return !c->installed && !c->out_installed && c->fate == IKE_CH_LIVE;
}

bool ike_retired_any(const struct ike_sa *sa)
{
	unsigned int i;

	for (i = 0; i < IKE_RETIRED_MAX; i++)
		if (!slot_free(&sa->retired[i]))
			return true;
	return false;
}

/*
 * Moves @c into a retired slot; @c is left empty. @stop_out: its outbound
 * SA goes now (a redundant CHILD SA the peer is told to delete must not
 * be sent on), else when the delete is done.
 */
void ike_retire(struct ike_sa *sa, struct ike_child *c,
		enum ike_child_fate fate, bool stop_out)
{
	struct ike_child *r = NULL;
	unsigned int i;

	for (i = 0; i < IKE_RETIRED_MAX && !r; i++)
		if (slot_free(&sa->retired[i]))
			r = &sa->retired[i];
	if (!r) {
		/* Cannot happen with one rekey at a time; never leak. */
		ike_child_retire(sa, c);
		ike_wipe(c, sizeof(*c));
		return;
	}
	*r = *c;
	ike_wipe(c, sizeof(*c));
	r->fate = fate;
	if (stop_out)
		ike_child_retire_out(sa, r);
	if (fate == IKE_CH_PEER_DELETES)
		r->deadline = ike_sa_now(sa) + IKE_PEER_DELETE_WAIT_MS;
}

/* The CHILD SA in use gets its outbound SA (delayed as rekey responder). */
void ike_current_out(struct ike_sa *sa)
{
	if (sa->child.installed && !sa->child.out_installed &&
	    ike_child_install_out(sa, &sa->child))
		log_info("%s: outbound SA %08x not installed", sa->conf->name,
			 sa->child.spi_out);
}

void ike_rekey_cleanup(struct ike_sa *sa)
{
	unsigned int i;

	for (i = 0; i < IKE_RETIRED_MAX; i++)
		ike_child_retire(sa, &sa->retired[i]);
	ike_child_retire(sa, &sa->peer_child);
	ike_child_retire(sa, &sa->rk.child);
	ike_dh_free(&sa->rk.dh);
	ike_wipe(sa->retired, sizeof(sa->retired));
	ike_wipe(&sa->peer_child, sizeof(sa->peer_child));
	ike_wipe(&sa->rk, sizeof(sa->rk));
	sa->peer_ike = NULL;
}

bool ike_rekey_peer_delete(struct ike_sa *sa, uint32_t spi,
			   uint8_t *reply_spis, uint16_t *n)
{
	struct ike_child *r = NULL;
	unsigned int i;

	for (i = 0; i < IKE_RETIRED_MAX && !r; i++)
		if (!slot_free(&sa->retired[i]) &&
		    sa->retired[i].spi_out == spi)
			r = &sa->retired[i];
	if (!r && sa->peer_child.installed && sa->peer_child.spi_out == spi)
		r = &sa->peer_child;
	if (!r)
		return false;
	if (r->fate == IKE_CH_DEL_SENT) {
		/*
		 * Deletes that crossed (1.4.1): the outbound SA goes now, the
		 * inbound one with our delete's reply, and ours is not
		 * repeated in this reply.
		 */
		ike_child_retire_out(sa, r);
		return true;
	}
	if (r->fate == IKE_CH_PEER_DELETES)
		ike_current_out(sa);	/* successor first, then the old */
	ike_put_u32(reply_spis + 4 * (*n)++, r->spi_in);
	ike_child_retire(sa, r);
	ike_wipe(r, sizeof(*r));
	return true;
}

void ike_rekey_delete_done(struct ike_sa *sa)
{
	unsigned int i;

	for (i = 0; i < IKE_RETIRED_MAX; i++) {
		struct ike_child *r = &sa->retired[i];

		if (r->fate != IKE_CH_DEL_SENT)
			continue;
		ike_child_retire(sa, r);
		ike_wipe(r, sizeof(*r));
	}
}
