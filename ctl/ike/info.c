// SPDX-License-Identifier: GPL-2.0
/*
 * INFORMATIONAL (RFC 7296 1.4, 1.5): deleting the IKE SA or CHILD SAs,
 * either side, and liveness checks (DPD).
 */
#include <errno.h>

#include "internal.h"
#include "lib/log.h"

int ike_sa_delete(struct ike_sa *sa)
{
	uint8_t inner[64];
	struct ike_bld b;
	int err;

	if (sa->state != IKE_S_ESTABLISHED || sa->req_pending) {
		ike_sa_fail(sa, -ECONNABORTED, 0, "deleted before established");
		return 0;
	}
	ike_child_remove(sa, &sa->child);
	ike_bld_init(&b, inner, sizeof(inner));
	ike_pl_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	err = ike_send_sk(sa, IKE_INFORMATIONAL, false, &b);
	sa->state = IKE_S_DELETING;
	return err;
}

int ike_sa_dpd(struct ike_sa *sa)
{
	uint8_t inner[8];
	struct ike_bld b;

	if (sa->state != IKE_S_ESTABLISHED || sa->req_pending)
		return -EBUSY;
	ike_bld_init(&b, inner, sizeof(inner));
	return ike_send_sk(sa, IKE_INFORMATIONAL, false, &b);
}

int ike_info_request(struct ike_sa *sa, const struct ike_pls *p)
{
	uint8_t inner[128], spis[4 * (IKE_RETIRED_MAX + 2)];
	struct ike_bld b;
	bool ike_deleted = false;
	unsigned int i, j;
	uint16_t ns = 0;
	int err;

	ike_bld_init(&b, inner, sizeof(inner));
	for (i = 0; i < p->nd; i++) {
		const struct ike_delete_pl *d = &p->d[i];

		if (d->proto == IKE_PROTO_IKE) {
			ike_deleted = true;
			continue;
		}
		for (j = 0; j < d->nspi; j++) {
			uint32_t s = ike_get_u32(d->spis + 4 * j);

			if (d->proto != IKE_PROTO_ESP ||
			    d->spi_size != IKE_SPI_SIZE_ESP ||
			    ns >= IKE_RETIRED_MAX + 2)
				continue;
			if (ike_rekey_peer_delete(sa, s, spis, &ns))
				continue;
			if (!sa->child.installed || s != sa->child.spi_out)
				continue;
			ike_put_u32(spis + 4 * ns++, sa->child.spi_in);
			ike_child_remove(sa, &sa->child);
		}
	}
	if (ns)
		ike_pl_delete(&b, IKE_PROTO_ESP, IKE_SPI_SIZE_ESP, spis, ns);
	if (ike_deleted)
		ike_bld_init(&b, inner, sizeof(inner));	/* empty reply */
	err = ike_send_sk(sa, IKE_INFORMATIONAL, true, &b);
	if (ike_deleted) {
		log_info("%s: peer deleted IKE SA %016llx", sa->conf->name,
			 (unsigned long long)sa->spi_i);
		ike_sa_fail(sa, -ECONNRESET, 0, "deleted by peer");
	}
	return err;
}

int ike_info_response(struct ike_sa *sa, const struct ike_pls *p)
{
	(void)p;
	sa->req_pending = false;
	sa->msgid_out++;
	ike_rekey_delete_done(sa);
	if (sa->state == IKE_S_DELETING) {
		log_info("%s: IKE SA %016llx deleted", sa->conf->name,
			 (unsigned long long)sa->spi_i);
		sa->state = IKE_S_DEAD;
	}
	return 0;
}
