/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IKE_BUF_H
#define IKE_BUF_H

#include <stddef.h>
#include <stdint.h>

/*
 * The one bounds-checked reader for every byte that comes off the wire.
 * Every getter either consumes exactly what it returns or fails with
 * -EBADMSG and leaves the cursor where it was.
 */
struct ike_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static inline void ike_rd_init(struct ike_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}

static inline size_t ike_rd_left(const struct ike_rd *r)
{
	return r->len - r->off;
}

int ike_rd_u8(struct ike_rd *r, uint8_t *v);
int ike_rd_u16(struct ike_rd *r, uint16_t *v);
int ike_rd_u32(struct ike_rd *r, uint32_t *v);
int ike_rd_u64(struct ike_rd *r, uint64_t *v);
/* Points *out at the next n bytes (no copy). */
int ike_rd_bytes(struct ike_rd *r, size_t n, const uint8_t **out);
int ike_rd_copy(struct ike_rd *r, void *dst, size_t n);
/* A reader over the next n bytes; the parent skips them. */
int ike_rd_sub(struct ike_rd *r, size_t n, struct ike_rd *sub);
int ike_rd_skip(struct ike_rd *r, size_t n);

/*
 * Writer into a caller's fixed buffer; the first overflow sets err to
 * -EMSGSIZE and later writes do nothing, so a builder checks once at the end.
 */
struct ike_wr {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err;
};

static inline void ike_wr_init(struct ike_wr *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

void ike_wr_u8(struct ike_wr *w, uint8_t v);
void ike_wr_u16(struct ike_wr *w, uint16_t v);
void ike_wr_u32(struct ike_wr *w, uint32_t v);
void ike_wr_u64(struct ike_wr *w, uint64_t v);
void ike_wr_bytes(struct ike_wr *w, const void *p, size_t n);
void ike_wr_zero(struct ike_wr *w, size_t n);
/* Room for n bytes filled in later; returns their offset (or 0 on error). */
size_t ike_wr_hole(struct ike_wr *w, size_t n);
void ike_wr_put16(struct ike_wr *w, size_t off, uint16_t v);
void ike_wr_put32(struct ike_wr *w, size_t off, uint32_t v);

#endif
