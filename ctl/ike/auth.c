// SPDX-License-Identifier: GPL-2.0
/*
 * IKE_AUTH (RFC 7296 1.2, 2.15; RFC 7427 signatures): our identity,
 * certificate and AUTH, the peer's verified against the group CA, and the
 * first CHILD SA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "lib/log.h"

static int our_id(const struct ike_sa *sa, uint8_t *buf, size_t cap,
		  size_t *len)
{
	X509_NAME *n = X509_get_subject_name(sa->conf->cred.cert);
	int l = i2d_X509_NAME(n, NULL);
	uint8_t *p = buf;

	if (l <= 0 || (size_t)l > cap)
		return -EINVAL;
	i2d_X509_NAME(n, &p);
	*len = (size_t)l;
	return 0;
}

/*
 * The octets an AUTH signs (2.15): the sender's IKE_SA_INIT message, the
 * other side's nonce, prf(SK_p, the sender's ID payload body).
 */
static int auth_octets(const struct ike_sa *sa, bool of_initiator,
		       const uint8_t *id_body, size_t id_len, uint8_t **out,
		       size_t *olen)
{
	const uint8_t *msg = of_initiator ? sa->init_i : sa->init_r;
	size_t mlen = of_initiator ? sa->init_i_len : sa->init_r_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	size_t nlen = of_initiator ? sa->nr_len : sa->ni_len;
	size_t hl = ike_prf_len(sa->suite.prf);
	uint8_t *p;
	int err;

	if (!msg)
		return -EINVAL;
	p = malloc(mlen + nlen + hl);
	if (!p)
		return -ENOMEM;
	memcpy(p, msg, mlen);
	memcpy(p + mlen, nonce, nlen);
	err = ike_prf(sa->suite.prf, of_initiator ? sa->sk_pi : sa->sk_pr, hl,
		      id_body, id_len, p + mlen + nlen);
	if (err) {
		free(p);
		return err;
	}
	*out = p;
	*olen = mlen + nlen + hl;
	return 0;
}

/* IDx, CERT, AUTH (and CERTREQ) of our side, into an inner chain. */
static int pl_identity(struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t idb[4 + 1024], *der = NULL, *oct = NULL, auth[1024];
	size_t idlen, olen, alen = sizeof(auth);
	int dlen, err;

	memset(idb, 0, 4);
	idb[0] = IKE_ID_DER_ASN1_DN;
	err = our_id(sa, idb + 4, sizeof(idb) - 4, &idlen);
	if (err)
		return err;
	ike_pl_blob(b, sa->initiator ? IKE_PL_IDI : IKE_PL_IDR, idb,
		    idlen + 4);
	dlen = i2d_X509(sa->conf->cred.cert, &der);
	if (dlen <= 0)
		return -EINVAL;
	ike_pl_cert(b, IKE_PL_CERT, IKE_CERT_X509_SIG, der, dlen);
	OPENSSL_free(der);
	if (sa->initiator)
		ike_pl_cert(b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG,
			    sa->conf->cred.ca_keyid, IKE_SHA1_LEN);
	err = auth_octets(sa, sa->initiator, idb, idlen + 4, &oct, &olen);
	if (err)
		return err;
	err = ike_sig_sign(sa->conf->cred.key, oct, olen, auth, &alen);
	free(oct);
	if (err)
		return err;
	ike_pl_auth(b, IKE_AUTH_DIGSIG, auth, alen);
	return 0;
}

int ike_auth_send(struct ike_sa *sa)
{
	struct ike_sa_pl prop;
	struct ike_bld b;
	int err = ike_bld_alloc(&b);

	if (err)
		return err;
	err = pl_identity(sa, &b);
	if (err)
		goto out;
	ike_pl_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	err = ike_new_spi32(&sa->child.spi_in);
	if (err)
		goto out;
	ike_child_prop(&prop, sa->conf->esp, sa->conf->n_esp,
		       sa->child.spi_in, NULL, 0);
	ike_pl_sa(&b, &prop);
	ike_pl_ts(&b, IKE_PL_TSI, &sa->conf->ts_local);
	ike_pl_ts(&b, IKE_PL_TSR, &sa->conf->ts_remote);
	sa->msgid_out = 1;
	err = ike_send_sk(sa, IKE_AUTH, false, &b);
	if (!err)
		sa->state = IKE_S_AUTH_SENT;
out:
	ike_bld_free(&b);
	return err;
}

/* Peer's certificate against the group CA, its ID, then its AUTH. */
static int peer_verify(struct ike_sa *sa, const struct ike_pls *p,
		       bool of_initiator)
{
	const struct ike_blob *id = of_initiator ? &p->idi : &p->idr;
	const struct ike_blob *body = of_initiator ? &p->idi_body :
						     &p->idr_body;
	uint8_t id_type = of_initiator ? p->idi_type : p->idr_type;
	const char *rid = sa->conf->remote_id;
	X509_STORE_CTX *ctx = NULL;
	const uint8_t *q;
	X509 *cert = NULL;
	uint8_t *oct = NULL;
	size_t olen;
	int err = -EACCES, ok = 0;

	if (!p->ncert || p->cert_enc[0] != IKE_CERT_X509_SIG ||
	    !p->has_auth)
		return -EACCES;
	q = p->cert[0].p;
	cert = d2i_X509(NULL, &q, (long)p->cert[0].len);
	if (!cert || q != p->cert[0].p + p->cert[0].len)
		goto out;
	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, sa->conf->cred.trust, cert,
					 NULL))
		goto out;
	if (X509_verify_cert(ctx) != 1) {
		log_info("%s: peer certificate refused: %s", sa->conf->name,
			 X509_verify_cert_error_string(
				 X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	switch (id_type) {
	case IKE_ID_DER_ASN1_DN: {
		X509_NAME *n;

		q = id->p;
		n = d2i_X509_NAME(NULL, &q, (long)id->len);
		ok = n && q == id->p + id->len &&
		     !X509_NAME_cmp(n, X509_get_subject_name(cert));
		X509_NAME_free(n);
		break;
	}
	case IKE_ID_FQDN:
		ok = X509_check_host(cert, (const char *)id->p, id->len, 0,
				     NULL) == 1;
		break;
	case IKE_ID_RFC822:
		ok = X509_check_email(cert, (const char *)id->p, id->len,
				      0) == 1;
		break;
	case IKE_ID_IPV4:
	case IKE_ID_IPV6:
		ok = X509_check_ip(cert, id->p, id->len, 0) == 1;
		break;
	}
	if (!ok) {
		log_info("%s: peer ID (type %u) not in its certificate",
			 sa->conf->name, id_type);
		goto out;
	}
	if (rid[0] && (strchr(rid, '@') ?
		       X509_check_email(cert, rid, 0, 0) :
		       X509_check_host(cert, rid, 0, 0, NULL)) != 1) {
		log_info("%s: peer is not \"%s\"", sa->conf->name, rid);
		goto out;
	}
	if (p->auth_method != IKE_AUTH_DIGSIG) {
		log_info("%s: AUTH method %u refused (RFC 7427 only)",
			 sa->conf->name, p->auth_method);
		goto out;
	}
	err = auth_octets(sa, of_initiator, body->p, body->len, &oct, &olen);
	if (err)
		goto out;
	err = ike_sig_verify(X509_get0_pubkey(cert), p->auth.p, p->auth.len,
			     oct, olen);
	if (err) {
		log_info("%s: peer AUTH does not verify (%d)", sa->conf->name,
			 err);
		err = -EACCES;
		goto out;
	}
	X509_free(sa->peer_cert);
	sa->peer_cert = cert;
	cert = NULL;
out:
	free(oct);
	X509_STORE_CTX_free(ctx);
	X509_free(cert);
	return err;
}

static int child_up(struct ike_sa *sa)
{
	int err = ike_derive_child_keys(sa, &sa->child, sa->initiator, NULL,
					0, sa->ni, sa->ni_len, sa->nr,
					sa->nr_len);

	sa->child.rekey_at = ike_rekey_time(sa, sa->conf->child_rekey_ms);
	if (!err)
		err = ike_child_install(sa, &sa->child);
	if (err)
		log_info("%s: CHILD SA install failed: %s", sa->conf->name,
			 strerror(-err));
	return err;
}

static void established(struct ike_sa *sa)
{
	sa->state = IKE_S_ESTABLISHED;
	sa->ike_rekey_at = ike_rekey_time(sa, sa->conf->ike_rekey_ms);
	log_info("%s: IKE SA %016llx_i %016llx_r established (%s)",
		 sa->conf->name, (unsigned long long)sa->spi_i,
		 (unsigned long long)sa->spi_r,
		 sa->initiator ? "initiator" : "responder");
}

int ike_auth_response(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_notify_pl *n = ike_pls_error(p);
	int err;

	sa->req_pending = false;
	sa->msgid_out++;
	if (n && (n->type == IKE_N_AUTHENTICATION_FAILED || !p->has_auth)) {
		ike_sa_fail(sa, -EACCES, n->type, "responder refused IKE_AUTH");
		return 0;
	}
	if (!p->has_idr || !p->has_auth) {
		ike_sa_fail(sa, -EBADMSG, 0, "IKE_AUTH reply without IDr/AUTH");
		return 0;
	}
	err = peer_verify(sa, p, false);
	if (err) {
		ike_sa_fail(sa, err, IKE_N_AUTHENTICATION_FAILED,
			"responder authentication failed");
		return 0;
	}
	established(sa);
	if (n) {
		log_info("%s: no CHILD SA: responder says %u", sa->conf->name,
			 n->type);
		return 0;
	}
	if (ike_child_accept(sa->conf, p, NULL, 0, NULL, &sa->child)) {
		log_info("%s: CHILD SA reply outside what we proposed",
			 sa->conf->name);
		return ike_sa_delete(sa);
	}
	err = child_up(sa);
	return err ? ike_sa_delete(sa) : 0;
}

/*
 * The group of an initiator: the first on this address whose CA (and
 * identity rules) verify it; it then gives our certificate, ESP proposals,
 * selectors and reqid. Only the IKE suite was chosen by the first group.
 */
static int group_verify(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_conf *head = sa->conf, *cf;

	for (cf = head; cf; cf = cf->alt) {
		sa->conf = cf;
		if (!peer_verify(sa, p, true)) {
			if (cf != head)
				log_info("%s: initiator belongs to group %s",
					 head->name, cf->name);
			return 0;
		}
	}
	sa->conf = head;
	return -EACCES;
}

int ike_auth_request(struct ike_sa *sa, const struct ike_pls *p)
{
	struct ike_child *c = &sa->child;
	uint16_t child_err = 0;
	struct ike_sa_pl prop;
	struct ike_bld b;
	int idx = -1, err = ike_bld_alloc(&b);

	if (err)
		return err;
	if (!p->has_idi || !p->has_auth || group_verify(sa, p)) {
		ike_pl_notify(&b, 0, NULL, 0, IKE_N_AUTHENTICATION_FAILED,
			      NULL, 0);
		err = ike_send_sk(sa, IKE_AUTH, true, &b);
		ike_sa_fail(sa, -EACCES, IKE_N_AUTHENTICATION_FAILED,
			"initiator authentication failed");
		goto out;
	}
	err = pl_identity(sa, &b);
	if (err)
		goto out;
	if (!p->has_sa || !p->has_tsi || !p->has_tsr)
		child_err = IKE_N_NO_PROPOSAL_CHOSEN;
	else
		child_err = ike_child_choose(sa->conf, p, false, NULL, c, &idx);
	if (!child_err) {
		err = ike_new_spi32(&c->spi_in);
		if (err)
			goto out;
		if (child_up(sa))
			child_err = IKE_N_TEMPORARY_FAILURE;
	}
	if (child_err) {
		log_info("%s: no CHILD SA for the initiator (notify %u)",
			 sa->conf->name, child_err);
		ike_pl_notify(&b, 0, NULL, 0, child_err, NULL, 0);
	} else {
		ike_child_prop(&prop, &c->algs, 1, c->spi_in, NULL, 0);
		prop.p[0].num = p->sa.p[idx].num;
		ike_pl_sa(&b, &prop);
		ike_pl_ts(&b, IKE_PL_TSI, &c->ts_r);
		ike_pl_ts(&b, IKE_PL_TSR, &c->ts_l);
	}
	err = ike_send_sk(sa, IKE_AUTH, true, &b);
	if (!err)
		established(sa);
out:
	ike_bld_free(&b);
	return err;
}
