// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "buf.h"

int ike_rd_bytes(struct ike_rd *r, size_t n, const uint8_t **out)
{
	if (n > ike_rd_left(r))
		return -EBADMSG;
	*out = r->p + r->off;
	r->off += n;
	return 0;
}

int ike_rd_copy(struct ike_rd *r, void *dst, size_t n)
{
	const uint8_t *p;
	int err = ike_rd_bytes(r, n, &p);

	if (!err && n)
		memcpy(dst, p, n);
	return err;
}

int ike_rd_skip(struct ike_rd *r, size_t n)
{
	const uint8_t *p;

	return ike_rd_bytes(r, n, &p);
}

int ike_rd_sub(struct ike_rd *r, size_t n, struct ike_rd *sub)
{
	const uint8_t *p;
	int err = ike_rd_bytes(r, n, &p);

	if (!err)
		ike_rd_init(sub, p, n);
	return err;
}

int ike_rd_u8(struct ike_rd *r, uint8_t *v)
{
	return ike_rd_copy(r, v, 1);
}

int ike_rd_u16(struct ike_rd *r, uint16_t *v)
{
	const uint8_t *p;
	int err = ike_rd_bytes(r, 2, &p);

	if (!err)
		*v = (uint16_t)(p[0] << 8 | p[1]);
	return err;
}

int ike_rd_u32(struct ike_rd *r, uint32_t *v)
{
	const uint8_t *p;
	int err = ike_rd_bytes(r, 4, &p);

	if (!err)
		*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		     (uint32_t)p[2] << 8 | p[3];
	return err;
}

int ike_rd_u64(struct ike_rd *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (ike_rd_left(r) < 8)
		return -EBADMSG;
	ike_rd_u32(r, &hi);
	ike_rd_u32(r, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static uint8_t *wr_room(struct ike_wr *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (n > w->cap - w->len) {
		w->err = -EMSGSIZE;
		return NULL;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

void ike_wr_bytes(struct ike_wr *w, const void *src, size_t n)
{
	uint8_t *p = wr_room(w, n);

	if (p && n)
		memcpy(p, src, n);
}

void ike_wr_zero(struct ike_wr *w, size_t n)
{
	uint8_t *p = wr_room(w, n);

	if (p && n)
		memset(p, 0, n);
}

void ike_wr_u8(struct ike_wr *w, uint8_t v)
{
	ike_wr_bytes(w, &v, 1);
}

void ike_wr_u16(struct ike_wr *w, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	ike_wr_bytes(w, b, 2);
}

void ike_wr_u32(struct ike_wr *w, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff };

	ike_wr_bytes(w, b, 4);
}

void ike_wr_u64(struct ike_wr *w, uint64_t v)
{
	ike_wr_u32(w, (uint32_t)(v >> 32));
	ike_wr_u32(w, (uint32_t)v);
}

size_t ike_wr_hole(struct ike_wr *w, size_t n)
{
	size_t off = w->len;

	ike_wr_zero(w, n);
	return w->err ? 0 : off;
}

void ike_wr_put16(struct ike_wr *w, size_t off, uint16_t v)
{
	if (w->err || off + 2 > w->len)
		return;
	w->p[off] = v >> 8;
	w->p[off + 1] = v & 0xff;
}

void ike_wr_put32(struct ike_wr *w, size_t off, uint32_t v)
{
	if (w->err || off + 4 > w->len)
		return;
	w->p[off] = v >> 24;
	w->p[off + 1] = v >> 16 & 0xff;
	w->p[off + 2] = v >> 8 & 0xff;
	w->p[off + 3] = v & 0xff;
}
