// SPDX-License-Identifier: GPL-2.0
/* Proposal choice (RFC 7296 3.3) and traffic-selector narrowing (2.9). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ike.h"

static void xf_add(struct ike_prop *p, uint8_t type, uint16_t id,
		   uint16_t keylen)
{
	if (p->nx < IKE_XFORMS_MAX)
		p->x[p->nx++] = (struct ike_xform){ .type = type, .id = id,
						    .keylen = keylen };
}

void ike_prop_build(struct ike_sa_pl *sa, const struct ike_algs *algs,
		    unsigned int n, uint8_t proto, const uint8_t *spi,
		    uint8_t spi_size, const uint16_t *dh, unsigned int ndh)
{
	unsigned int i, j;

	memset(sa, 0, sizeof(*sa));
	for (i = 0; i < n && i < IKE_PROPS_MAX; i++) {
		struct ike_prop *p = &sa->p[sa->np++];

		p->num = (uint8_t)(i + 1);
		p->proto = proto;
		p->spi_size = spi_size;
		if (spi_size)
			memcpy(p->spi, spi, spi_size);
		xf_add(p, IKE_XF_ENCR, algs[i].encr, algs[i].keybits);
		if (proto == IKE_PROTO_IKE)
			xf_add(p, IKE_XF_PRF, algs[i].prf, 0);
		if (algs[i].integ)
			xf_add(p, IKE_XF_INTEG, algs[i].integ, 0);
		for (j = 0; j < ndh; j++)
			xf_add(p, IKE_XF_DH, dh[j], 0);
		if (proto == IKE_PROTO_ESP)
			xf_add(p, IKE_XF_ESN, 0, 0);
	}
}

static bool has_xf(const struct ike_prop *p, uint8_t type, uint16_t id,
		   uint16_t keylen)
{
	unsigned int i;

	for (i = 0; i < p->nx; i++)
		if (p->x[i].type == type && p->x[i].id == id &&
		    p->x[i].keylen == keylen && !p->x[i].unusable)
			return true;
	return false;
}

static bool has_type(const struct ike_prop *p, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < p->nx; i++)
		if (p->x[i].type == type)
			return true;
	return false;
}

static bool algs_match(const struct ike_prop *p, uint8_t proto,
		       const struct ike_algs *a)
{
	if (!has_xf(p, IKE_XF_ENCR, a->encr, a->keybits))
		return false;
	if (a->integ) {
		if (!has_xf(p, IKE_XF_INTEG, a->integ, 0))
			return false;
	} else if (has_type(p, IKE_XF_INTEG) &&
		   !has_xf(p, IKE_XF_INTEG, IKE_INTEG_NONE, 0)) {
		return false;	/* AEAD with a separate integrity: refused */
	}
	if (proto == IKE_PROTO_IKE && !has_xf(p, IKE_XF_PRF, a->prf, 0))
		return false;
	/* No extended sequence numbers: need ESN "none" or no ESN at all. */
	if (proto == IKE_PROTO_ESP && has_type(p, IKE_XF_ESN) &&
	    !has_xf(p, IKE_XF_ESN, 0, 0))
		return false;
	return true;
}

int ike_prop_select(const struct ike_sa_pl *peer, uint8_t proto,
		    const struct ike_algs *ours, unsigned int n,
		    const uint16_t *dh, unsigned int ndh,
		    struct ike_algs *out, uint16_t *dh_out)
{
	unsigned int i, j, k;

	for (i = 0; i < peer->np; i++) {
		const struct ike_prop *p = &peer->p[i];
		uint16_t group = 0;

		if (p->proto != proto)
			continue;
		if (proto == IKE_PROTO_IKE && p->spi_size != 0 &&
		    p->spi_size != IKE_SPI_SIZE_IKE)
			continue;
		if (proto == IKE_PROTO_ESP && p->spi_size != IKE_SPI_SIZE_ESP)
			continue;
		if (ndh) {
			/* The peer's KE group when we accept it, else ours. */
			for (k = 0; k < ndh && !group; k++)
				if (dh[k] == *dh_out &&
				    has_xf(p, IKE_XF_DH, dh[k], 0))
					group = dh[k];
			for (k = 0; k < ndh && !group; k++)
				if (has_xf(p, IKE_XF_DH, dh[k], 0))
					group = dh[k];
			if (!group)
				continue;
		} else if (has_type(p, IKE_XF_DH) &&
			   !has_xf(p, IKE_XF_DH, 0, 0)) {
			continue;	/* PFS asked for but not configured */
		}
		for (j = 0; j < n; j++) {
			if (algs_match(p, proto, &ours[j])) {
				*out = ours[j];
				if (dh_out)
					*dh_out = group;
				return (int)i;
			}
		}
	}
	return -ENOPROTOOPT;
}

static size_t ts_alen(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV4 ? 4 : 16;
}

static bool ts_intersect(const struct ike_ts *a, const struct ike_ts *b,
			 struct ike_ts *o)
{
	size_t al = ts_alen(a);

	if (a->type != b->type)
		return false;
	if (a->proto && b->proto && a->proto != b->proto)
		return false;
	*o = *a;
	o->proto = a->proto ? a->proto : b->proto;
	o->sport = a->sport > b->sport ? a->sport : b->sport;
	o->eport = a->eport < b->eport ? a->eport : b->eport;
	if (o->sport > o->eport)
		return false;
	memcpy(o->start, memcmp(a->start, b->start, al) > 0 ? a->start :
	       b->start, al);
	memcpy(o->end, memcmp(a->end, b->end, al) < 0 ? a->end : b->end, al);
	return memcmp(o->start, o->end, al) <= 0;
}

static bool ts_inside(const struct ike_ts *a, const struct ike_ts *b)
{
	size_t al = ts_alen(a);

	return a->type == b->type && (!b->proto || a->proto == b->proto) &&
	       a->sport >= b->sport && a->eport <= b->eport &&
	       memcmp(a->start, b->start, al) >= 0 &&
	       memcmp(a->end, b->end, al) <= 0;
}

bool ike_ts_subset(const struct ike_ts_pl *a, const struct ike_ts_pl *b)
{
	unsigned int i, j;

	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++)
			if (ts_inside(&a->ts[i], &b->ts[j]))
				break;
		if (j == b->n)
			return false;
	}
	return a->n > 0;
}

int ike_ts_narrow(const struct ike_ts_pl *peer, const struct ike_ts_pl *ours,
		  struct ike_ts_pl *out)
{
	unsigned int i, j, k;

	out->n = 0;
	for (i = 0; i < peer->n; i++) {
		for (j = 0; j < ours->n; j++) {
			struct ike_ts t;
			bool dup = false;

			if (!ts_intersect(&peer->ts[i], &ours->ts[j], &t))
				continue;
			/*
			 * An initiator's first selector may be the packet that
			 * triggered it (2.9): drop what another one covers.
			 */
			for (k = 0; k < out->n; k++) {
				if (ts_inside(&t, &out->ts[k])) {
					dup = true;
				} else if (ts_inside(&out->ts[k], &t)) {
					out->ts[k] = t;
					dup = true;
				}
			}
			if (!dup && out->n < IKE_TS_MAX)
				out->ts[out->n++] = t;
		}
	}
	return out->n ? 0 : -ENOENT;
}

int ike_ts_to_sel(const struct ike_ts *ts, struct vpnfo_addr *a,
		  uint8_t *plen)
{
	size_t al = ts_alen(ts), i;
	unsigned int bits = 0;
	bool host = true;

	/* start..end must be addr/plen: a common prefix, then 0s vs 1s. */
	for (i = 0; i < al * 8; i++) {
		unsigned int s = ts->start[i / 8] >> (7 - i % 8) & 1;
		unsigned int e = ts->end[i / 8] >> (7 - i % 8) & 1;

		if (host) {
			if (s == e) {
				bits++;
				continue;
			}
			host = false;
		}
		if (s != 0 || e != 1)
			return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	a->family = ts->type == IKE_TS_IPV4 ? AF_INET : AF_INET6;
	memcpy(a->bytes, ts->start, al);
	*plen = (uint8_t)bits;
	return 0;
}

int ike_ts_from_prefix(struct ike_ts *ts, int family, const uint8_t *addr,
		       uint8_t plen)
{
	size_t al = family == AF_INET ? 4 : 16, i;

	if (plen > al * 8)
		return -EINVAL;
	memset(ts, 0, sizeof(*ts));
	ts->type = family == AF_INET ? IKE_TS_IPV4 : IKE_TS_IPV6;
	ts->eport = 0xffff;
	for (i = 0; i < al * 8; i++) {
		unsigned int bit = addr[i / 8] >> (7 - i % 8) & 1;

		if (i < plen) {
			ts->start[i / 8] |= bit << (7 - i % 8);
			ts->end[i / 8] |= bit << (7 - i % 8);
		} else {
			ts->end[i / 8] |= 1 << (7 - i % 8);
		}
	}
	return 0;
}
