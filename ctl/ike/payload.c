// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 payloads: validate, then decode (RFC 7296 section 3). Nothing here
 * reads a byte the bounds-checked reader has not granted. Every refusal
 * names what was wrong (a constant string, for the drop's debug log).
 */
#include <errno.h>
#include <string.h>

#include "payload.h"

/* A malformed input: @reason is what the caller logs. */
static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -EBADMSG;
}

int ike_hdr_parse_why(const uint8_t *p, size_t len, struct ike_hdr *h,
		      const char **why)
{
	struct ike_rd r;

	ike_rd_init(&r, p, len);
	if (ike_rd_u64(&r, &h->spi_i) || ike_rd_u64(&r, &h->spi_r) ||
	    ike_rd_u8(&r, &h->next) || ike_rd_u8(&r, &h->version) ||
	    ike_rd_u8(&r, &h->exch) || ike_rd_u8(&r, &h->flags) ||
	    ike_rd_u32(&r, &h->msgid) || ike_rd_u32(&r, &h->length))
		return bad(why, "shorter than the IKE header");
	/* A datagram holds exactly one message. */
	if (h->length != len)
		return bad(why, "header length is not the datagram's");
	if ((h->version >> 4) != IKE_VERSION >> 4)
		return bad(why, "major version is not 2");
	if (!h->spi_i)
		return bad(why, "SPIi is zero");
	return 0;
}

int ike_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h)
{
	const char *why;

	return ike_hdr_parse_why(p, len, h, &why);
}

static bool pl_known(uint8_t type)
{
	return (type >= IKE_PL_SA && type <= IKE_PL_EAP) || type == IKE_PL_SKF;
}

int ike_chain_parse(uint8_t next, const uint8_t *p, size_t len,
		    struct ike_chain *c)
{
	struct ike_rd r;

	memset(c, 0, sizeof(*c));
	ike_rd_init(&r, p, len);
	while (next != IKE_PL_NONE) {
		struct ike_payload *pl;
		uint8_t nnext, flags;
		uint16_t plen;
		const uint8_t *body;

		if (c->sk)
			return bad(&c->why, "payload after SK");
		if (c->n == IKE_PAYLOADS_MAX) {
			c->why = "too many payloads";
			return -E2BIG;
		}
		if (ike_rd_u8(&r, &nnext) || ike_rd_u8(&r, &flags) ||
		    ike_rd_u16(&r, &plen))
			return bad(&c->why, "payload header truncated");
		if (plen < IKE_PL_HDR_LEN)
			return bad(&c->why, "payload length below its header");
		if (ike_rd_bytes(&r, plen - IKE_PL_HDR_LEN, &body))
			return bad(&c->why,
				   "payload length exceeds the message");
		pl = &c->pl[c->n++];
		pl->type = next;
		pl->critical = flags & IKE_PL_CRITICAL;
		pl->body = body;
		pl->len = plen - IKE_PL_HDR_LEN;
		if (!pl_known(next) && pl->critical &&
		    !c->unsupported_critical)
			c->unsupported_critical = next;
		if (next == IKE_PL_SK) {
			c->sk = pl;
			c->sk_next = nnext;
			break;
		}
		next = nnext;
	}
	/* Trailing bytes after the last payload mean a forged length. */
	if (ike_rd_left(&r))
		return bad(&c->why, "bytes after the last payload");
	return 0;
}

static int xform_parse(struct ike_rd *r, struct ike_xform *x,
		       const char **why)
{
	uint8_t type, res;

	if (ike_rd_u8(r, &type) || ike_rd_u8(r, &res) ||
	    ike_rd_u16(r, &x->id))
		return bad(why, "transform header truncated");
	x->type = type;
	x->keylen = 0;
	x->unusable = false;
	while (ike_rd_left(r)) {
		uint16_t at, val;

		if (ike_rd_u16(r, &at) || ike_rd_u16(r, &val))
			return bad(why, "transform attribute truncated");
		if (at & IKE_ATTR_TV) {
			if ((at & ~IKE_ATTR_TV) == IKE_ATTR_KEY_LENGTH)
				x->keylen = val;
			else
				x->unusable = true;
		} else {
			/* TLV attributes: none defined we accept. */
			if (ike_rd_skip(r, val))
				return bad(why, "TLV attribute exceeds the "
					   "transform");
			x->unusable = true;
		}
	}
	return 0;
}

static int prop_parse(struct ike_rd *r, struct ike_prop *pr, const char **why)
{
	uint8_t nx;
	unsigned int i;

	if (ike_rd_u8(r, &pr->num) || ike_rd_u8(r, &pr->proto) ||
	    ike_rd_u8(r, &pr->spi_size) || ike_rd_u8(r, &nx))
		return bad(why, "proposal header truncated");
	if (pr->spi_size > sizeof(pr->spi))
		return bad(why, "proposal SPI size over 8");
	if (!nx)
		return bad(why, "proposal without transforms");
	if (ike_rd_copy(r, pr->spi, pr->spi_size))
		return bad(why, "proposal SPI truncated");
	pr->nx = 0;
	for (i = 0; i < nx; i++) {
		uint8_t last, res;
		uint16_t tlen;
		struct ike_rd sub;
		struct ike_xform x;
		int err;

		if (ike_rd_u8(r, &last) || ike_rd_u8(r, &res) ||
		    ike_rd_u16(r, &tlen))
			return bad(why, "transform header truncated");
		if (tlen < IKE_XFORM_HDR_LEN)
			return bad(why,
				   "transform length below its header");
		if (ike_rd_sub(r, tlen - IKE_PL_HDR_LEN, &sub))
			return bad(why,
				   "transform length exceeds the proposal");
		if ((last != 0) != (i + 1 < nx) ||
		    (last && last != IKE_XFORM_MORE))
			return bad(why, "transform count disagrees with Last "
				   "Substruc");
		err = xform_parse(&sub, &x, why);
		if (err)
			return err;
		/* More than we keep: the rest cannot be chosen, not an error. */
		if (pr->nx < IKE_XFORMS_MAX)
			pr->x[pr->nx++] = x;
	}
	if (ike_rd_left(r))
		return bad(why, "bytes after the last transform");
	return 0;
}

int ike_sa_pl_parse(const uint8_t *p, size_t len, struct ike_sa_pl *sa,
		    const char **why)
{
	struct ike_rd r;
	uint8_t last = IKE_PROP_MORE;
	unsigned int want = 1;	/* next number expected */

	ike_rd_init(&r, p, len);
	sa->np = 0;
	while (ike_rd_left(&r)) {
		uint8_t res;
		uint16_t plen;
		struct ike_rd sub;
		struct ike_prop pr;
		int err;

		if (last != IKE_PROP_MORE)
			return bad(why, "data after the last proposal");
		if (ike_rd_u8(&r, &last) || ike_rd_u8(&r, &res) ||
		    ike_rd_u16(&r, &plen))
			return bad(why, "proposal header truncated");
		if (plen < IKE_PROP_HDR_LEN)
			return bad(why, "proposal length below its header");
		if (ike_rd_sub(&r, plen - IKE_PL_HDR_LEN, &sub))
			return bad(why, "SA proposal length exceeds payload");
		if (last != 0 && last != IKE_PROP_MORE)
			return bad(why, "proposal Last Substruc not 0 or 2");
		err = prop_parse(&sub, &pr, why);
		if (err)
			return err;
		/*
		 * Numbers go up by one (3.3.1); a reply's single proposal
		 * carries the number of the one accepted.
		 */
		if (!pr.num || (want > 1 && pr.num != want))
			return bad(why, "proposal numbers do not count up "
				   "from 1");
		want = pr.num + 1U;
		if (sa->np < IKE_PROPS_MAX)
			sa->p[sa->np++] = pr;
	}
	if (!sa->np)
		return bad(why, "SA payload without proposals");
	if (last != 0)
		return bad(why, "last proposal says more follow");
	return 0;
}

int ike_ts_pl_parse(const uint8_t *p, size_t len, struct ike_ts_pl *ts,
		    const char **why)
{
	struct ike_rd r;
	uint8_t n;
	unsigned int i;

	ike_rd_init(&r, p, len);
	if (ike_rd_u8(&r, &n) || ike_rd_skip(&r, IKE_TS_PL_HDR_LEN - 1))
		return bad(why, "TS payload header truncated");
	if (!n || n > IKE_TS_MAX)
		return bad(why, "TS count is 0 or over 8");
	ts->n = n;
	for (i = 0; i < n; i++) {
		struct ike_ts *t = &ts->ts[i];
		uint16_t tlen;
		size_t alen;

		memset(t, 0, sizeof(*t));
		if (ike_rd_u8(&r, &t->type) || ike_rd_u8(&r, &t->proto) ||
		    ike_rd_u16(&r, &tlen))
			return bad(why, "traffic selector header truncated");
		if (t->type == IKE_TS_IPV4)
			alen = 4;
		else if (t->type == IKE_TS_IPV6)
			alen = 16;
		else
			return bad(why, "traffic selector type unknown");
		if (tlen != IKE_TS_HDR_LEN + 2 * alen)
			return bad(why, "traffic selector length wrong for "
				   "its type");
		if (ike_rd_u16(&r, &t->sport) || ike_rd_u16(&r, &t->eport) ||
		    ike_rd_copy(&r, t->start, alen) ||
		    ike_rd_copy(&r, t->end, alen))
			return bad(why, "traffic selector truncated");
		if (t->sport > t->eport || memcmp(t->start, t->end, alen) > 0)
			return bad(why, "traffic selector range reversed");
	}
	if (ike_rd_left(&r))
		return bad(why, "bytes after the last traffic selector");
	return 0;
}

static int notify_parse(const struct ike_payload *pl, struct ike_notify_pl *n,
			const char **why)
{
	struct ike_rd r;

	ike_rd_init(&r, pl->body, pl->len);
	if (ike_rd_u8(&r, &n->proto) || ike_rd_u8(&r, &n->spi_size) ||
	    ike_rd_u16(&r, &n->type))
		return bad(why, "notify header truncated");
	if (n->spi_size != 0 && n->spi_size != IKE_SPI_SIZE_ESP &&
	    n->spi_size != IKE_SPI_SIZE_IKE)
		return bad(why, "notify SPI size not 0, 4 or 8");
	if (ike_rd_bytes(&r, n->spi_size, &n->spi))
		return bad(why, "notify SPI truncated");
	n->len = ike_rd_left(&r);
	return ike_rd_bytes(&r, n->len, &n->data);
}

static int delete_parse(const struct ike_payload *pl, struct ike_delete_pl *d,
			const char **why)
{
	struct ike_rd r;

	ike_rd_init(&r, pl->body, pl->len);
	if (ike_rd_u8(&r, &d->proto) || ike_rd_u8(&r, &d->spi_size) ||
	    ike_rd_u16(&r, &d->nspi))
		return bad(why, "delete header truncated");
	if (d->proto == IKE_PROTO_IKE) {
		if (d->spi_size || d->nspi)
			return bad(why, "IKE SA delete with SPIs");
	} else if (d->proto == IKE_PROTO_ESP || d->proto == IKE_PROTO_AH) {
		if (d->spi_size != IKE_SPI_SIZE_ESP || !d->nspi)
			return bad(why, "ESP/AH delete without 4-byte SPIs");
	} else {
		return bad(why, "delete of an unknown protocol");
	}
	if (ike_rd_bytes(&r, (size_t)d->spi_size * d->nspi, &d->spis))
		return bad(why, "delete SPIs exceed the payload");
	if (ike_rd_left(&r))
		return bad(why, "bytes after the delete SPIs");
	return 0;
}

/*
 * Body with a 1-byte type and 3 reserved bytes before at least one byte of
 * data (ID §3.5, AUTH §3.8).
 */
static int typed_parse(const struct ike_payload *pl, uint8_t *type,
		       struct ike_blob *data, const char **why,
		       const char *reason)
{
	struct ike_rd r;

	ike_rd_init(&r, pl->body, pl->len);
	if (ike_rd_u8(&r, type) || ike_rd_skip(&r, 3) || !ike_rd_left(&r))
		return bad(why, reason);
	data->len = ike_rd_left(&r);
	return ike_rd_bytes(&r, data->len, &data->p);
}

/* Duplicates are refused. */
static int once(bool *seen, const char **why, const char *reason)
{
	if (*seen)
		return bad(why, reason);
	*seen = true;
	return 0;
}

static int pl_decode(const struct ike_payload *pl, struct ike_pls *o)
{
	const char **why = &o->why;
	struct ike_rd r;

	switch (pl->type) {
	case IKE_PL_SA:
		if (once(&o->has_sa, why, "duplicate SA payload"))
			return -EBADMSG;
		return ike_sa_pl_parse(pl->body, pl->len, &o->sa, why);
	case IKE_PL_KE:
		if (once(&o->has_ke, why, "duplicate KE payload"))
			return -EBADMSG;
		ike_rd_init(&r, pl->body, pl->len);
		if (ike_rd_u16(&r, &o->ke_group) || ike_rd_skip(&r, 2) ||
		    !ike_rd_left(&r))
			return bad(why, "KE payload without key data");
		o->ke.len = ike_rd_left(&r);
		return ike_rd_bytes(&r, o->ke.len, &o->ke.p);
	case IKE_PL_NONCE:
		if (once(&o->has_nonce, why, "duplicate NONCE payload"))
			return -EBADMSG;
		if (pl->len < IKE_NONCE_LEN_MIN ||
		    pl->len > IKE_NONCE_LEN_MAX)
			return bad(why, "nonce length outside 16..256");
		o->nonce.p = pl->body;
		o->nonce.len = pl->len;
		return 0;
	case IKE_PL_IDI:
		if (once(&o->has_idi, why, "duplicate IDi payload"))
			return -EBADMSG;
		o->idi_body = (struct ike_blob){ pl->body, pl->len };
		return typed_parse(pl, &o->idi_type, &o->idi, why,
				   "IDi payload without an identity");
	case IKE_PL_IDR:
		if (once(&o->has_idr, why, "duplicate IDr payload"))
			return -EBADMSG;
		o->idr_body = (struct ike_blob){ pl->body, pl->len };
		return typed_parse(pl, &o->idr_type, &o->idr, why,
				   "IDr payload without an identity");
	case IKE_PL_CERT:
		if (o->ncert == IKE_CERTS_MAX)
			return 0;	/* extra intermediates: unused */
		if (pl->len < 2)
			return bad(why, "CERT payload without data");
		o->cert_enc[o->ncert] = pl->body[0];
		o->cert[o->ncert].p = pl->body + 1;
		o->cert[o->ncert].len = pl->len - 1;
		o->ncert++;
		return 0;
	case IKE_PL_CERTREQ:
		if (!pl->len)
			return bad(why, "CERTREQ payload without an encoding");
		o->has_certreq = true;
		o->certreq.p = pl->body + 1;
		o->certreq.len = pl->len - 1;
		return 0;
	case IKE_PL_AUTH:
		if (once(&o->has_auth, why, "duplicate AUTH payload"))
			return -EBADMSG;
		return typed_parse(pl, &o->auth_method, &o->auth, why,
				   "AUTH payload without data");
	case IKE_PL_TSI:
		if (once(&o->has_tsi, why, "duplicate TSi payload"))
			return -EBADMSG;
		return ike_ts_pl_parse(pl->body, pl->len, &o->tsi, why);
	case IKE_PL_TSR:
		if (once(&o->has_tsr, why, "duplicate TSr payload"))
			return -EBADMSG;
		return ike_ts_pl_parse(pl->body, pl->len, &o->tsr, why);
	case IKE_PL_N:
		if (o->nn == IKE_NOTIFY_MAX) {
			*why = "too many notify payloads";
			return -E2BIG;
		}
		return notify_parse(pl, &o->n[o->nn++], why);
	case IKE_PL_D:
		if (o->nd == IKE_DELETES_MAX) {
			*why = "too many delete payloads";
			return -E2BIG;
		}
		return delete_parse(pl, &o->d[o->nd++], why);
	case IKE_PL_V:
		return 0;
	default:
		/* Unknown, or not spoken here (CP, EAP, SKF): ignored. */
		if (!pl->critical)
			return 0;
		*why = "critical payload not supported";
		return -EPROTONOSUPPORT;
	}
}

int ike_pls_decode(const struct ike_chain *c, struct ike_pls *out)
{
	unsigned int i;
	int err;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < c->n; i++) {
		if (c->pl[i].type == IKE_PL_SK)
			continue;
		err = pl_decode(&c->pl[i], out);
		if (err) {
			out->bad_type = c->pl[i].type;
			return err;
		}
	}
	return 0;
}

const struct ike_notify_pl *ike_pls_notify(const struct ike_pls *pls,
					   uint16_t type)
{
	unsigned int i;

	for (i = 0; i < pls->nn; i++)
		if (pls->n[i].type == type)
			return &pls->n[i];
	return NULL;
}

const struct ike_notify_pl *ike_pls_error(const struct ike_pls *pls)
{
	unsigned int i;

	for (i = 0; i < pls->nn; i++)
		if (pls->n[i].type < IKE_N_STATUS_FIRST)
			return &pls->n[i];
	return NULL;
}

/* Builder. */

void ike_bld_init(struct ike_bld *b, uint8_t *buf, size_t cap)
{
	ike_wr_init(&b->w, buf, cap);
	b->next_off = SIZE_MAX;
	b->first = IKE_PL_NONE;
}

void ike_bld_hdr(struct ike_bld *b, const struct ike_hdr *h)
{
	ike_wr_u64(&b->w, h->spi_i);
	ike_wr_u64(&b->w, h->spi_r);
	b->next_off = b->w.len;
	ike_wr_u8(&b->w, IKE_PL_NONE);
	ike_wr_u8(&b->w, IKE_VERSION);
	ike_wr_u8(&b->w, h->exch);
	ike_wr_u8(&b->w, h->flags);
	ike_wr_u32(&b->w, h->msgid);
	ike_wr_u32(&b->w, 0);
}

int ike_bld_finish(struct ike_bld *b)
{
	if (b->w.err)
		return b->w.err;
	ike_wr_put32(&b->w, IKE_HDR_LEN_OFF, (uint32_t)b->w.len);
	return (int)b->w.len;
}

size_t ike_pl_begin(struct ike_bld *b, uint8_t type)
{
	size_t start;

	if (b->next_off == SIZE_MAX)
		b->first = type;
	else if (!b->w.err)
		b->w.p[b->next_off] = type;
	start = b->w.len;
	b->next_off = start;
	ike_wr_u8(&b->w, IKE_PL_NONE);
	ike_wr_u8(&b->w, 0);
	ike_wr_u16(&b->w, 0);
	if (b->w.err)
		b->next_off = SIZE_MAX - 1;	/* never written */
	return start;
}

void ike_pl_end(struct ike_bld *b, size_t start)
{
	if (b->w.len - start > 0xffff)
		b->w.err = -EMSGSIZE;
	ike_wr_put16(&b->w, start + 2, (uint16_t)(b->w.len - start));
}

void ike_pl_sa(struct ike_bld *b, const struct ike_sa_pl *sa)
{
	size_t s = ike_pl_begin(b, IKE_PL_SA);
	unsigned int i, j;

	for (i = 0; i < sa->np; i++) {
		const struct ike_prop *p = &sa->p[i];
		size_t ps = b->w.len;

		ike_wr_u8(&b->w, i + 1 < sa->np ? IKE_PROP_MORE : 0);
		ike_wr_u8(&b->w, 0);
		ike_wr_u16(&b->w, 0);
		ike_wr_u8(&b->w, p->num);
		ike_wr_u8(&b->w, p->proto);
		ike_wr_u8(&b->w, p->spi_size);
		ike_wr_u8(&b->w, (uint8_t)p->nx);
		ike_wr_bytes(&b->w, p->spi, p->spi_size);
		for (j = 0; j < p->nx; j++) {
			const struct ike_xform *x = &p->x[j];

			ike_wr_u8(&b->w, j + 1 < p->nx ? IKE_XFORM_MORE : 0);
			ike_wr_u8(&b->w, 0);
			/* A Key Length attribute is 4 bytes (TV). */
			ike_wr_u16(&b->w, x->keylen ? IKE_XFORM_HDR_LEN + 4 :
						    IKE_XFORM_HDR_LEN);
			ike_wr_u8(&b->w, x->type);
			ike_wr_u8(&b->w, 0);
			ike_wr_u16(&b->w, x->id);
			if (x->keylen) {
				ike_wr_u16(&b->w,
					   IKE_ATTR_TV | IKE_ATTR_KEY_LENGTH);
				ike_wr_u16(&b->w, x->keylen);
			}
		}
		ike_wr_put16(&b->w, ps + 2, (uint16_t)(b->w.len - ps));
	}
	ike_pl_end(b, s);
}

void ike_pl_ke(struct ike_bld *b, uint16_t group, const uint8_t *p, size_t n)
{
	size_t s = ike_pl_begin(b, IKE_PL_KE);

	ike_wr_u16(&b->w, group);
	ike_wr_u16(&b->w, 0);
	ike_wr_bytes(&b->w, p, n);
	ike_pl_end(b, s);
}

void ike_pl_blob(struct ike_bld *b, uint8_t type, const uint8_t *p, size_t n)
{
	size_t s = ike_pl_begin(b, type);

	ike_wr_bytes(&b->w, p, n);
	ike_pl_end(b, s);
}

void ike_pl_id(struct ike_bld *b, uint8_t type, uint8_t id_type,
	       const uint8_t *p, size_t n)
{
	size_t s = ike_pl_begin(b, type);

	ike_wr_u8(&b->w, id_type);
	ike_wr_zero(&b->w, 3);
	ike_wr_bytes(&b->w, p, n);
	ike_pl_end(b, s);
}

void ike_pl_cert(struct ike_bld *b, uint8_t type, uint8_t enc,
		 const uint8_t *p, size_t n)
{
	size_t s = ike_pl_begin(b, type);

	ike_wr_u8(&b->w, enc);
	ike_wr_bytes(&b->w, p, n);
	ike_pl_end(b, s);
}

void ike_pl_auth(struct ike_bld *b, uint8_t method, const uint8_t *p,
		 size_t n)
{
	ike_pl_id(b, IKE_PL_AUTH, method, p, n);
}

void ike_pl_notify(struct ike_bld *b, uint8_t proto, const uint8_t *spi,
		   uint8_t spi_size, uint16_t type, const uint8_t *data,
		   size_t n)
{
	size_t s = ike_pl_begin(b, IKE_PL_N);

	ike_wr_u8(&b->w, proto);
	ike_wr_u8(&b->w, spi_size);
	ike_wr_u16(&b->w, type);
	ike_wr_bytes(&b->w, spi, spi_size);
	ike_wr_bytes(&b->w, data, n);
	ike_pl_end(b, s);
}

void ike_pl_ts(struct ike_bld *b, uint8_t type, const struct ike_ts_pl *ts)
{
	size_t s = ike_pl_begin(b, type);
	unsigned int i;

	ike_wr_u8(&b->w, (uint8_t)ts->n);
	ike_wr_zero(&b->w, IKE_TS_PL_HDR_LEN - 1);
	for (i = 0; i < ts->n; i++) {
		const struct ike_ts *t = &ts->ts[i];
		size_t alen = t->type == IKE_TS_IPV4 ? 4 : 16;

		ike_wr_u8(&b->w, t->type);
		ike_wr_u8(&b->w, t->proto);
		ike_wr_u16(&b->w, (uint16_t)(IKE_TS_HDR_LEN + 2 * alen));
		ike_wr_u16(&b->w, t->sport);
		ike_wr_u16(&b->w, t->eport);
		ike_wr_bytes(&b->w, t->start, alen);
		ike_wr_bytes(&b->w, t->end, alen);
	}
	ike_pl_end(b, s);
}

void ike_pl_delete(struct ike_bld *b, uint8_t proto, uint8_t spi_size,
		   const uint8_t *spis, uint16_t nspi)
{
	size_t s = ike_pl_begin(b, IKE_PL_D);

	ike_wr_u8(&b->w, proto);
	ike_wr_u8(&b->w, spi_size);
	ike_wr_u16(&b->w, nspi);
	ike_wr_bytes(&b->w, spis, (size_t)spi_size * nspi);
	ike_pl_end(b, s);
}
