/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKE library's internal interface: what its files offer one another,
 * none of it part of ike.h. Calls go one way, down this list:
 *
 *   exchange.c   dispatch of messages and timers to the exchanges
 *   init.c       IKE_SA_INIT            (calls auth.c)
 *   auth.c       IKE_AUTH               (calls rekey.c, info.c)
 *   rekey.c      CREATE_CHILD_SA        (calls info.c)
 *   info.c       INFORMATIONAL
 *   sa.c         the IKE SA object: new, fail, free
 *   retired.c    replaced CHILD SAs until deleted
 *   transport.c  clock, send, retransmit, receive, COOKIEs, NAT-D
 *   keys.c       key derivation, SPIs
 *
 * and below them all child.c, proposal.c, payload.c, crypto.c, buf.c.
 */
#ifndef IKE_INTERNAL_H
#define IKE_INTERNAL_H

#include "ike.h"

#define IKE_NONCE_LEN	32	/* of the nonces we make */
#define IKE_BUF_LEN	16384
/* The peer deletes what it replaced within this, or we do (rekey.c). */
#define IKE_PEER_DELETE_WAIT_MS	10000

/* child.c (installing a CHILD SA: ike.h) */

/* ESP proposals of @algs with our inbound SPI; with @dh, PFS. */
void ike_child_prop(struct ike_sa_pl *prop, const struct ike_algs *algs,
		    unsigned int n, uint32_t spi_in, const uint16_t *dh,
		    unsigned int ndh);
/*
 * The responder's answer to our proposals: one of them, selectors inside
 * ours. Fills @c's algorithms, outbound SPI and selectors; @dh and *group
 * as for ike_prop_select(). Returns 0 or -ENOPROTOOPT.
 */
int ike_child_accept(const struct ike_conf *cf, const struct ike_pls *p,
		     const uint16_t *dh, unsigned int ndh, uint16_t *group,
		     struct ike_child *c);
/*
 * The initiator's proposals answered: the first we accept (@pfs: with
 * its KE's group or, out in *group, the one we want instead), its
 * selectors narrowed to ours. Fills @c's algorithms, outbound SPI and
 * selectors and *idx, the proposal chosen. Returns 0 or the notify to
 * refuse with.
 */
uint16_t ike_child_choose(const struct ike_conf *cf, const struct ike_pls *p,
			  bool pfs, uint16_t *group, struct ike_child *c,
			  int *idx);

/* keys.c */

/*
 * SK_* of @sa from g^ir and its nonces and SPIs. @old_skd: an IKE SA
 * rekey, SKEYSEED = prf_old(SK_d old, g^ir | Ni | Nr) (RFC 7296 2.18).
 */
int ike_derive_ike_keys(struct ike_sa *sa, const uint8_t *gir, size_t glen,
			const uint8_t *old_skd, uint16_t old_prf);
/*
 * KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr) (2.17); i and r are the roles in
 * the exchange that made the CHILD SA, @we_init ours.
 */
int ike_derive_child_keys(const struct ike_sa *sa, struct ike_child *c,
			  bool we_init, const uint8_t *gir, size_t glen,
			  const uint8_t *ni, size_t nil, const uint8_t *nr,
			  size_t nrl);
int ike_new_spi32(uint32_t *spi);
uint32_t ike_spi32_of(const struct ike_prop *pr);
void ike_put_u32(uint8_t *b, uint32_t v);
uint32_t ike_get_u32(const uint8_t *b);	/* big-endian, as on the wire */

/* transport.c */

uint64_t ike_sa_now(const struct ike_sa *sa);
void ike_sa_hdr(const struct ike_sa *sa, struct ike_hdr *h, uint8_t exch,
		bool response, uint32_t msgid);
/* *@dst becomes a copy of @p (the old one freed). */
int ike_keep_copy(uint8_t **dst, size_t *dlen, const uint8_t *p, size_t n);
/* Sent and kept: a request for retransmission, a response for replay. */
int ike_send_request(struct ike_sa *sa, const uint8_t *msg, size_t len);
int ike_send_response(struct ike_sa *sa, const uint8_t *msg, size_t len);
/* A chain into IKE_BUF_LEN bytes of its own, freed by ike_bld_free(). */
int ike_bld_alloc(struct ike_bld *b);
void ike_bld_free(struct ike_bld *b);
/* Wraps an inner chain in SK and sends it as a request or response. */
int ike_send_sk(struct ike_sa *sa, uint8_t exch, bool response,
		const struct ike_bld *inner);
int ike_reply_notify(struct ike_sa *sa, uint8_t exch, uint16_t type,
		     const uint8_t *data, size_t n);
/* NAT_DETECTION_*_IP of our side, and the peer's checked (2.23). */
void ike_pl_natd(struct ike_sa *sa, struct ike_bld *b);
void ike_natd_check(struct ike_sa *sa, const struct ike_pls *p,
		    uint64_t spi_r);
/*
 * COOKIE = version | HMAC-SHA256(secret of that version, Ni | IPi | SPIi),
 * first 16 bytes (RFC 7296 2.6).
 */
#define IKE_COOKIE_LEN	17
int ike_cookie_make(const struct ike_sa *sa, const struct ike_pls *p,
		    uint64_t spi_i, uint8_t ver, uint8_t out[IKE_COOKIE_LEN]);
/* A COOKIE of the current secret, or of the one before. */
bool ike_cookie_ok(const struct ike_sa *sa, const struct ike_pls *p,
		   uint64_t spi_i, const struct ike_notify_pl *n);

/* A received message as an exchange gets it. */
struct ike_rx {
	bool deliver;		/* for an exchange; else already handled */
	struct ike_hdr hdr;
	struct ike_pls *pls;
	uint8_t *plain;		/* the opened SK, which @pls points into */
	size_t plain_len;
};
int ike_msg_receive(struct ike_sa *sa, const uint8_t *msg, size_t len,
		    const struct ike_addr *from, const struct ike_addr *to,
		    struct ike_rx *rx);
void ike_rx_release(struct ike_rx *rx);
int ike_retransmit_tick(struct ike_sa *sa, uint64_t t);

/* retired.c */

bool ike_retired_any(const struct ike_sa *sa);
/*
 * Moves @c into a retired slot; @c is left empty. @stop_out: its outbound
 * SA goes now, else when the delete is done.
 */
void ike_retire(struct ike_sa *sa, struct ike_child *c,
		enum ike_child_fate fate, bool stop_out);
/* The CHILD SA in use gets its outbound SA (delayed as rekey responder). */
void ike_current_out(struct ike_sa *sa);
/*
 * The peer deletes ESP SA @spi (its inbound, our outbound) and it is a
 * replaced one: removed, and our SPI added to the reply unless we had
 * deleted it ourselves. Returns false if @spi is none of them.
 */
bool ike_rekey_peer_delete(struct ike_sa *sa, uint32_t spi,
			   uint8_t *reply_spis, uint16_t *n);
/* Our delete of replaced CHILD SAs was answered. */
void ike_rekey_delete_done(struct ike_sa *sa);
/* Everything rekeying keeps, out of the kernel and memory. */
void ike_rekey_cleanup(struct ike_sa *sa);

/* sa.c */

void ike_sa_fail(struct ike_sa *sa, int err, uint16_t notify,
		 const char *why);

/* info.c */

int ike_info_request(struct ike_sa *sa, const struct ike_pls *p);
int ike_info_response(struct ike_sa *sa, const struct ike_pls *p);

/* rekey.c */

int ike_rekey_request(struct ike_sa *sa, const struct ike_pls *p);
int ike_rekey_response(struct ike_sa *sa, const struct ike_pls *p);
/* Timers of rekeying and of replaced SAs; ms to the next event. */
uint64_t ike_rekey_tick(struct ike_sa *sa, uint64_t now);
/* When due: the next rekey time for an SA of this age limit. */
uint64_t ike_rekey_time(const struct ike_sa *sa, uint64_t life_ms);

/* auth.c */

int ike_auth_send(struct ike_sa *sa);
int ike_auth_request(struct ike_sa *sa, const struct ike_pls *p);
int ike_auth_response(struct ike_sa *sa, const struct ike_pls *p);

/* init.c */

int ike_init_request(struct ike_sa *sa, const struct ike_hdr *h,
		     const uint8_t *msg, size_t len, const struct ike_pls *p);
int ike_init_response(struct ike_sa *sa, const struct ike_hdr *h,
		      const uint8_t *msg, size_t len,
		      const struct ike_pls *p);

#endif
