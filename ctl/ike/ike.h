/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IKE_IKE_H
#define IKE_IKE_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "crypto.h"
#include "payload.h"
#include "xfrm.h"

/* One proposal: for IKE all four are used, for ESP prf is 0. */
struct ike_algs {
	uint16_t encr;
	uint16_t keybits;
	uint16_t integ;
	uint16_t prf;
};

#define IKE_ALGS_MAX	4
#define IKE_DH_MAX	4

struct ike_cred {
	EVP_PKEY *key;
	X509 *cert;
	X509_STORE *trust;	/* the group's CA (and CRL) */
	/* SHA-1 of the CA's SPKI, for CERTREQ (RFC 7296 §3.7). */
	uint8_t ca_keyid[IKE_SHA1_LEN];
};

/* A tunnel (client side) or a group (gateway side). */
struct ike_conf {
	char name[32];
	struct ike_algs ike[IKE_ALGS_MAX];
	unsigned int n_ike;
	uint16_t dh[IKE_DH_MAX];
	unsigned int n_dh;
	struct ike_algs esp[IKE_ALGS_MAX];
	unsigned int n_esp;
	struct ike_ts_pl ts_local, ts_remote;
	struct ike_cred cred;
	/* Expected peer identity (DN string, FQDN, e-mail), "" = any cert. */
	char remote_id[256];
	/* Client side: out policy mark (0 = gateway form, no mark). */
	uint32_t mark, mark_mask;
	uint32_t reqid;
	unsigned int retrans_base_ms;	/* first retransmission timeout */
	unsigned int retrans_tries;	/* give up after this many sends */
	unsigned int dpd_ms;		/* liveness check when idle, 0 off */
	/*
	 * Gateway: the next group served on the same local address. A
	 * responder picks the group at IKE_AUTH, the first whose CA
	 * verifies the initiator's certificate; IKE_SA_INIT uses the first.
	 */
	const struct ike_conf *alt;
	/* Rekeying (RFC 7296 2.8): CHILD and IKE SA age limits, 0 never. */
	uint64_t child_rekey_ms;
	uint64_t ike_rekey_ms;
};

struct ike_addr {
	struct vpnfo_addr ip;
	uint16_t port;
};

struct ike_sa;

/* What an IKE SA needs from its owner (the daemon or a test). */
struct ike_env {
	int (*send)(void *ctx, struct ike_sa *sa, const uint8_t *msg,
		    size_t len);
	const struct xfrm_ops *xfrm;
	uint64_t (*now_ms)(void *ctx);
	void *ctx;
	/*
	 * Responder under load (RFC 7296 2.6): IKE_SA_INIT without a valid
	 * COOKIE is answered statelessly with one made from this secret.
	 */
	bool cookie_required;
	uint8_t cookie_secret[32];
	/*
	 * Rotation (ike_cookie_rotate): a COOKIE names its secret's version,
	 * and one made under the previous secret is still accepted.
	 */
	uint8_t cookie_prev[32];
	uint8_t cookie_ver;
	/*
	 * An IKE SA rekey (RFC 7296 1.3.2) made @nw to replace @old; the
	 * CHILD SAs move to it when @successor. The owner takes @nw into its
	 * table (once; a later call may only make it the successor); @old
	 * goes on until its delete is done. Non-zero: @nw is freed.
	 */
	int (*adopt)(void *ctx, struct ike_sa *old, struct ike_sa *nw,
		     bool successor);
};

struct ike_stats {
	uint64_t rx_malformed;	/* dropped: did not parse */
	uint64_t rx_icv;	/* dropped: SK did not authenticate */
	uint64_t rx_unexpected;	/* dropped: wrong message ID, state */
	uint64_t retransmits;
	uint64_t cookies_sent;
	uint64_t child_rekeys;	/* CHILD SAs replaced (either side started) */
	uint64_t ike_rekeys;	/* IKE SAs replaced */
	uint64_t rekey_collisions;
};

extern struct ike_stats ike_stats;

enum ike_state {
	IKE_S_IDLE,
	IKE_S_INIT_SENT,	/* initiator, waiting for IKE_SA_INIT reply */
	IKE_S_AUTH_SENT,	/* initiator, waiting for IKE_AUTH reply */
	IKE_S_INIT_DONE,	/* responder, waiting for IKE_AUTH */
	IKE_S_ESTABLISHED,
	IKE_S_DELETING,		/* our delete is outstanding */
	IKE_S_DEAD,		/* the owner frees it */
};

enum ike_child_fate {
	IKE_CH_LIVE,
	IKE_CH_DEL_QUEUED,	/* replaced: we send its delete next */
	IKE_CH_DEL_SENT,	/* our delete is outstanding */
	IKE_CH_PEER_DELETES,	/* replaced: the peer sends the delete */
};

#define IKE_NONCE_MAX	64

struct ike_child {
	bool installed;			/* inbound SA in the kernel */
	bool out_installed;		/* outbound SA and policies */
	uint32_t spi_in, spi_out;	/* host order */
	struct ike_algs algs;
	uint8_t ek_in[IKE_KEY_MAX], ek_out[IKE_KEY_MAX];
	uint8_t ak_in[IKE_KEY_MAX], ak_out[IKE_KEY_MAX];
	struct ike_ts_pl ts_l, ts_r;
	uint64_t rekey_at;		/* ms, 0 never */
	enum ike_child_fate fate;
	uint64_t deadline;		/* IKE_CH_PEER_DELETES: then we do */
	/* The lower nonce of the exchange that made it (collisions). */
	uint8_t nmin[IKE_NONCE_MAX];
	size_t nmin_len;
};

enum ike_rekey_kind { IKE_RK_NONE, IKE_RK_CHILD, IKE_RK_IKE };

/* Our CREATE_CHILD_SA in flight. */
struct ike_rekey {
	enum ike_rekey_kind kind;
	struct ike_dh dh;
	uint8_t ni[IKE_NONCE_MAX];
	size_t ni_len;
	uint64_t spi;			/* IKE: our SPI of the new IKE SA */
	struct ike_child child;		/* CHILD: the new one, spi_in ours */
};

#define IKE_RETIRED_MAX	3

struct ike_sa {
	const struct ike_conf *conf;
	const struct ike_env *env;
	enum ike_state state;
	bool initiator;
	uint64_t spi_i, spi_r;
	struct ike_addr local, remote;
	bool nat_local, nat_remote;	/* NAT in front of us / of the peer */
	bool peer_sig_hash;		/* peer announced RFC 7427 hashes */

	struct ike_suite suite;
	uint16_t dh_group;
	struct ike_dh dh;
	uint8_t ni[64], nr[64];
	size_t ni_len, nr_len;
	uint8_t sk_d[IKE_KEY_MAX], sk_ai[IKE_KEY_MAX], sk_ar[IKE_KEY_MAX];
	uint8_t sk_ei[IKE_KEY_MAX], sk_er[IKE_KEY_MAX];
	uint8_t sk_pi[IKE_KEY_MAX], sk_pr[IKE_KEY_MAX];
	uint8_t *init_i, *init_r;	/* IKE_SA_INIT messages, for AUTH */
	size_t init_i_len, init_r_len;
	uint8_t cookie[64];
	size_t cookie_len;

	/* Message IDs: a window of one in each direction. */
	uint32_t msgid_out;		/* of our next request */
	uint32_t msgid_in;		/* expected of the peer's next one */
	uint8_t *req;			/* our outstanding request */
	size_t req_len;
	bool req_pending;
	unsigned int req_sends;
	uint64_t req_deadline;
	uint8_t *resp;			/* our last response, for replays */
	size_t resp_len;
	uint64_t last_rx_ms;

	X509 *peer_cert;
	struct ike_child child;		/* the CHILD SA in use */
	struct ike_child retired[IKE_RETIRED_MAX]; /* replaced, until deleted */
	struct ike_rekey rk;
	/*
	 * Simultaneous rekeying (2.8.1, 2.8.2): what the peer's rekey made
	 * while ours was in flight; resolved when our response arrives.
	 */
	struct ike_child peer_child;
	struct ike_sa *peer_ike;
	uint8_t peer_nmin[IKE_NONCE_MAX];
	size_t peer_nmin_len;
	uint64_t ike_rekey_at;		/* ms, 0 never */
	bool replaced;			/* a rekey made its successor */
	uint64_t replaced_deadline;	/* then we delete it ourselves */
	int error;			/* why it died, -errno */
	uint16_t error_notify;		/* notify we got or sent */
};

/* A new COOKIE secret; the current one becomes the previous. */
int ike_cookie_rotate(struct ike_env *env);

/* Library entry points. */
int ike_sa_new(struct ike_sa **sap, const struct ike_conf *conf,
	       const struct ike_env *env, bool initiator,
	       const struct ike_addr *local, const struct ike_addr *remote);
void ike_sa_free(struct ike_sa *sa);
int ike_sa_initiate(struct ike_sa *sa);
/* One datagram for this SA (the owner matched it by SPI). */
int ike_sa_input(struct ike_sa *sa, const uint8_t *msg, size_t len);
/*
 * ike_sa_input() for a message that came from `from` to `to` (local).
 * RFC 7296 §2.23: only a message that authenticates moves the peer's port
 * (a NAT that rebinds, the move to 4500); a forged one moves nothing.
 */
int ike_sa_input_from(struct ike_sa *sa, const uint8_t *msg, size_t len,
		      const struct ike_addr *from, const struct ike_addr *to);
/* Timers: retransmission, give-up, liveness. Returns ms to next event. */
uint64_t ike_sa_tick(struct ike_sa *sa);
/*
 * A responder SA that has not completed IKE_AUTH (IKE_SA_INIT refused,
 * dropped or answered): it expires 30 s after its last message and counts
 * toward the daemon's COOKIE threshold.
 */
bool ike_sa_half_open(const struct ike_sa *sa);
/* Starts an INFORMATIONAL delete of the IKE SA (and its CHILD SA). */
int ike_sa_delete(struct ike_sa *sa);
/* Starts a liveness check (an empty INFORMATIONAL). */
int ike_sa_dpd(struct ike_sa *sa);
/* Rekeys the CHILD SA or the IKE SA now (CREATE_CHILD_SA, with PFS). */
int ike_sa_rekey_child(struct ike_sa *sa);
int ike_sa_rekey_ike(struct ike_sa *sa);

/* Proposals and traffic selectors (proposal.c). */
void ike_prop_build(struct ike_sa_pl *sa, const struct ike_algs *algs,
		    unsigned int n, uint8_t proto, const uint8_t *spi,
		    uint8_t spi_size, const uint16_t *dh, unsigned int ndh);
/*
 * Picks the first of the peer's proposals our configuration accepts. For
 * IKE *dh is in: the group the peer's KE uses (0 = none), out: the group
 * chosen. Returns the index of the peer's proposal or -ENOPROTOOPT.
 */
int ike_prop_select(const struct ike_sa_pl *peer, uint8_t proto,
		    const struct ike_algs *ours, unsigned int n,
		    const uint16_t *dh, unsigned int ndh,
		    struct ike_algs *out, uint16_t *dh_out);
/* Narrows @peer to @ours. Returns 0, or -ENOENT when nothing is left. */
int ike_ts_narrow(const struct ike_ts_pl *peer, const struct ike_ts_pl *ours,
		  struct ike_ts_pl *out);
/* Whether every selector of @a lies inside one of @b. */
bool ike_ts_subset(const struct ike_ts_pl *a, const struct ike_ts_pl *b);
/* A prefix form of a TS range, or -EINVAL if it is not one. */
int ike_ts_to_sel(const struct ike_ts *ts, struct vpnfo_addr *a,
		  uint8_t *plen);
int ike_ts_from_prefix(struct ike_ts *ts, int family, const uint8_t *addr,
		       uint8_t plen);

/*
 * Child SA keys into the kernel (child.c). install = install_in then
 * install_out (outbound SA and the policies); remove undoes both.
 * retire_out / retire remove SAs only: a rekeyed CHILD SA's policies
 * belong to its successor.
 */
int ike_child_install(struct ike_sa *sa, struct ike_child *c);
int ike_child_install_in(struct ike_sa *sa, struct ike_child *c);
int ike_child_install_out(struct ike_sa *sa, struct ike_child *c);
void ike_child_remove(struct ike_sa *sa, struct ike_child *c);
void ike_child_retire_out(struct ike_sa *sa, struct ike_child *c);
void ike_child_retire(struct ike_sa *sa, struct ike_child *c);

/* XFRM operations that succeed and keep nothing (xfrm_null.c). */
extern const struct xfrm_ops ike_xfrm_null;

/*
 * The library logs through lib/log.h (log_info: SA events, log_debug:
 * drops and retransmits); the program sets its name and level.
 */

#endif
