/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the IKE SA state machine (sa.c) and CREATE_CHILD_SA (rekey.c)
 * share; not part of the library's interface.
 */
#ifndef IKE_SA_PRIV_H
#define IKE_SA_PRIV_H

#include "ike.h"

#define IKE_NONCE_LEN	32	/* of the nonces we make */
#define IKE_BUF_LEN	16384

uint64_t ike_sa_now(const struct ike_sa *sa);
void ike_sa_fail(struct ike_sa *sa, int err, uint16_t notify,
		 const char *why);
/* Wraps an inner chain in SK and sends it as a request or response. */
int ike_send_sk(struct ike_sa *sa, uint8_t exch, bool response,
		const struct ike_bld *inner);
int ike_reply_notify(struct ike_sa *sa, uint8_t exch, uint16_t type,
		     const uint8_t *data, size_t n);
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

/* rekey.c */
int ike_rekey_request(struct ike_sa *sa, const struct ike_pls *p);
int ike_rekey_response(struct ike_sa *sa, const struct ike_pls *p);
/* Timers of rekeying and of replaced SAs; ms to the next event. */
uint64_t ike_rekey_tick(struct ike_sa *sa, uint64_t now);
/* When due: the next rekey time for an SA of this age limit. */
uint64_t ike_rekey_time(const struct ike_sa *sa, uint64_t life_ms);
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

#endif
