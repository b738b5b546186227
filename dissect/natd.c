/* natd.c - NAT detection verified against the addresses seen at the capture
 * point: IKEv2 NAT_DETECTION_*_IP notifies (RFC 7296 section 2.23, SHA-1 of
 * SPIi | SPIr | address | port) and IKEv1 NAT-D payloads (RFC 3947 section
 * 3.2, the negotiated hash of CKY-I | CKY-R | address | port), then the
 * nat.detected diagnosis. A peer may fake its source hash on purpose to
 * force UDP encapsulation (strongSwan's kernel-libipsec or encap=yes), so a
 * mismatch alone is worded "NAT or forced UDP encapsulation"; a source port
 * other than 500 strengthens the case but clients may choose their port, so
 * the verdict from the wire stays likely. */
#include "engine_int.h"
#include "ike1.h"
#include "ike2.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define IKE_PORT 500
#define NATD_SHA1_LEN 20

/* Verdicts of one message: index 0 its source hashes, 1 its destination hash. */
struct natd_msg {
	uint8_t v[2];
	/* The source hash does not match the address and port seen, but
	 * matches that address with IKE's own port 500: only the port was
	 * translated. */
	bool port_only;
};

/* HASH(SPIi | SPIr | IP | port) into out; false when it cannot be computed. */
enum { DG_MD5, DG_SHA1, DG_SHA256, DG_SHA384, DG_SHA512, DG__COUNT };

/* OpenSSL 3 looks a digest up by name on every EVP_Digest call given the
 * legacy EVP_sha1() handles; fetched once, the lookup is skipped. The
 * fetched objects are immutable and live as long as the process. */
static const EVP_MD *digest(unsigned which)
{
	static const char *const names[DG__COUNT] = { "MD5", "SHA1", "SHA2-256", "SHA2-384",
						      "SHA2-512" };
	static EVP_MD *cache[DG__COUNT];

	if (!cache[which])
		cache[which] = EVP_MD_fetch(NULL, names[which], NULL);
	return cache[which];
}

static bool natd_hash(EVP_MD_CTX *ctx, const EVP_MD *md, const uint8_t ispi[8], const uint8_t rspi[8],
		      const struct addr *a, uint16_t port, uint8_t *out, unsigned *outlen)
{
	uint8_t buf[8 + 8 + 16 + 2];
	size_t alen, n = 0;

	if (a->family != ADDR_V4 && a->family != ADDR_V6)
		return false;
	alen = a->family == ADDR_V6 ? 16 : 4;
	memcpy(buf, ispi, 8);
	memcpy(buf + 8, rspi, 8);
	n = 16;
	memcpy(buf + n, a->a, alen);
	n += alen;
	buf[n++] = (uint8_t)(port >> 8);
	buf[n++] = (uint8_t)port;
	/* The engine's context is reused: EVP_Digest would allocate one per call. */
	return EVP_DigestInit_ex2(ctx, md, NULL) == 1 && EVP_DigestUpdate(ctx, buf, n) == 1 &&
	       EVP_DigestFinal_ex(ctx, out, outlen) == 1;
}

/* Compares one received hash with the one for the address seen here and
 * folds the result into *v: several source hashes (a multihomed sender)
 * match when any of them does. */
static void natd_judge(EVP_MD_CTX *ctx, const EVP_MD *md, const struct ike_msg *m,
		       const struct addr *a, uint16_t port, const uint8_t *hash, size_t hlen, uint8_t *v)
{
	uint8_t want[EVP_MAX_MD_SIZE];
	unsigned wlen = 0;

	if (!md || !natd_hash(ctx, md, m->ispi, m->rspi, a, port, want, &wlen))
		return;
	if (wlen == hlen && memcmp(want, hash, hlen) == 0)
		*v = NATD_MATCH;
	else if (*v != NATD_MATCH)
		*v = NATD_MISMATCH;
}

/* A source hash that matches the address seen here with port 500 instead
 * of the port seen: the sender's address is its own, and something on the
 * way (often the sender's own outbound NAT) rewrote only its port. */
static void judge_port_only(EVP_MD_CTX *ctx, const EVP_MD *md, const struct ike_msg *m,
			    const struct unit *u, const uint8_t *hash, size_t hlen, struct natd_msg *r)
{
	uint8_t v = NATD_UNKNOWN;

	if (u->sport == IKE_PORT || u->transport == TR_TCP || r->v[0] == NATD_MATCH)
		return;
	natd_judge(ctx, md, m, &u->src, IKE_PORT, hash, hlen, &v);
	if (v == NATD_MATCH)
		r->port_only = true;
}

static void check_ike2(EVP_MD_CTX *ctx, const struct ike_msg *m, const struct unit *u,
		       struct natd_msg *r)
{
	for (unsigned i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];
		struct ike2_notify n;
		const uint8_t *body;
		size_t len;
		bool src;

		if (pl->type != IKE2_PLD_N || (pl->notify != IKE2_N_NAT_DETECTION_SOURCE_IP &&
					       pl->notify != IKE2_N_NAT_DETECTION_DESTINATION_IP))
			continue;
		body = ike_payload_body(m, i, &len);
		if (!body || ike2_parse_notify(body, len, &n) != IKE2_OK)
			continue;
		src = n.type == IKE2_N_NAT_DETECTION_SOURCE_IP;
		/* A hash of the wrong size cannot match anything: a mismatch. */
		natd_judge(ctx, digest(DG_SHA1), m, src ? &u->src : &u->dst, src ? u->sport : u->dport,
			   n.data.p, n.data.len, &r->v[src ? 0 : 1]);
		if (src)
			judge_port_only(ctx, digest(DG_SHA1), m, u, n.data.p, n.data.len, r);
	}
}

/* The digest for an IKEv1 Hash Algorithm attribute value. */
static const EVP_MD *v1_md(unsigned hash)
{
	switch (hash) {
	case 1: return digest(DG_MD5);
	case 2: return digest(DG_SHA1);
	case 4: return digest(DG_SHA256);
	case 5: return digest(DG_SHA384);
	case 6: return digest(DG_SHA512);
	default: return NULL;
	}
}

/* The hash every proposal of the set agrees on, 0 if none or several. */
static unsigned v1_hash_of(const struct proposal *p, unsigned n)
{
	unsigned h = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < p[i].nx && j < PROP_MAX_XFORMS; j++) {
			if (p[i].x[j].type != XF_INTEG || !p[i].v1)
				continue;
			if (h && h != p[i].x[j].v1_id)
				return 0;
			h = p[i].x[j].v1_id;
		}
	return h;
}

/* The negotiated hash (the responder's choice, or the only one offered);
 * failing that, the one whose output size is the payload's. */
static const EVP_MD *v1_md_for(const struct ike_sa *sa, size_t hlen)
{
	unsigned h = sa->have_chosen ? v1_hash_of(&sa->chosen, 1) : 0;
	const EVP_MD *md;

	if (!h && sa->have_offer)
		h = v1_hash_of(sa->offered.p, sa->offered.n);
	md = v1_md(h);
	if (md && (size_t)EVP_MD_get_size(md) == hlen)
		return md;
	switch (hlen) {
	case 16: return digest(DG_MD5);
	case 20: return digest(DG_SHA1);
	case 32: return digest(DG_SHA256);
	case 48: return digest(DG_SHA384);
	case 64: return digest(DG_SHA512);
	default: return NULL;
	}
}

/* RFC 3947 section 3.2: the first NAT-D payload hashes the remote end (the
 * destination), the following ones the sender's own addresses. */
static void check_ike1(EVP_MD_CTX *ctx, const struct ike_sa *sa, const struct ike_msg *m,
		       const struct unit *u, struct natd_msg *r)
{
	unsigned seen = 0;

	for (unsigned i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];
		struct ike1_blob b;
		const uint8_t *body;
		size_t len;
		bool dst;

		if (pl->type != IKE1_PLD_NATD && pl->type != IKE1_PLD_NATD_DRAFT)
			continue;
		body = ike_payload_body(m, i, &len);
		if (!body)
			continue;
		ike1_parse_natd(body, len, &b);
		dst = seen++ == 0;
		if (b.err != IKE1_OK || !b.data.p)
			continue;
		natd_judge(ctx, v1_md_for(sa, b.data.len), m, dst ? &u->dst : &u->src, dst ? u->dport : u->sport,
			   b.data.p, b.data.len, &r->v[dst ? 1 : 0]);
		if (!dst)
			judge_port_only(ctx, v1_md_for(sa, b.data.len), m, u, b.data.p, b.data.len, r);
	}
}

void natd_check(struct engine *e, struct ike_sa *sa, const struct ike_msg *m, const struct unit *u)
{
	struct natd_msg r = { { NATD_UNKNOWN, NATD_UNKNOWN }, false };
	bool from_init;

	if (m->encrypted)
		return;
	if (m->major == 2) {
		if (m->exchange != IKE2_EXCH_SA_INIT) /* the only exchange with cleartext NAT-D */
			return;
		from_init = (m->flags & IKE2_FLAG_INITIATOR) != 0;
		check_ike2(e->md_ctx, m, u, &r);
	} else {
		from_init = engine_addr_eq(&u->src, &sa->init_ip) && u->sport == sa->init_port;
		check_ike1(e->md_ctx, sa, m, u, &r);
	}
	/* A NAT that rewrites ports shows itself without any hash: the
	 * initiator's IKE socket is port 500, yet its request arrives from
	 * another one. TCP source ports are ephemeral by design. */
	if (from_init && u->transport == TR_UDP500 && u->dport == IKE_PORT && u->sport != IKE_PORT)
		sa->init_port_translated = 1;
	if (r.v[0] == NATD_UNKNOWN && r.v[1] == NATD_UNKNOWN)
		return;
	if (from_init) {
		if (r.v[0])
			sa->natd_init_port_only = r.port_only && r.v[0] == NATD_MISMATCH;
		sa->natd_init_src = r.v[0] ? r.v[0] : sa->natd_init_src;
		sa->natd_init_dst = r.v[1] ? r.v[1] : sa->natd_init_dst;
		sa->natd_frame_init = u->frame;
		sa->natd_ns_init = u->ts_ns;
	} else {
		if (r.v[0])
			sa->natd_resp_port_only = r.port_only && r.v[0] == NATD_MISMATCH;
		sa->natd_resp_src = r.v[0] ? r.v[0] : sa->natd_resp_src;
		sa->natd_resp_dst = r.v[1] ? r.v[1] : sa->natd_resp_dst;
		sa->natd_frame_resp = u->frame;
		sa->natd_ns_resp = u->ts_ns;
	}
}

/* ---- nat.detected ------------------------------------------------------ */

/* What the hashes say about one peer: whether its address is translated,
 * and whether that is only a fake of its own (seen at its own host). */
struct side {
	bool nat;       /* some hash says this peer's address is translated */
	bool src;       /* its own source hash does not match here */
	bool beyond;    /* the other peer saw it at another address: NAT past this point */
	bool forced;    /* source hash wrong at its own host: forced encapsulation */
	bool port;      /* and its source port is not 500 either */
	bool port_only; /* the hash matches its address with port 500: only the port is translated */
};

static struct side side_of(uint8_t own_src, uint8_t other_dst, bool at_own_host, bool port_rewritten,
			   bool port_only)
{
	struct side s = { 0 };

	s.src = own_src == NATD_MISMATCH;
	s.beyond = other_dst == NATD_MISMATCH;
	s.port_only = s.src && port_only;
	/* Only the host's own NAT translates between it and its own capture,
	 * and that keeps its address (port_only); any other wrong source hash
	 * there is deliberate. */
	s.forced = s.src && at_own_host && !s.port_only;
	s.nat = s.beyond || (s.src && !s.forced);
	s.port = s.src && !s.forced && port_rewritten;
	return s;
}

static void side_text(char *buf, size_t len, const char *who, const char *other, const struct side *s,
		      const char *ip)
{
	const char *again = s->beyond ? ", and NAT past this point too" : "";

	if (s->port_only)
		snprintf(buf, len, "Only the %s's source port differs: its NAT-D source hash matches its "
			 "address with port 500%s", who, again);
	else if (s->port)
		snprintf(buf, len, "The %s is likely behind a NAT before this point: its NAT-D source "
			 "hash does not match %s, its source port is not 500%s", who, ip, again);
	else if (s->src && !s->forced)
		snprintf(buf, len, "NAT or forced UDP encapsulation on the %s's side: its NAT-D source "
			 "hash does not match %s%s", who, ip, again);
	else
		snprintf(buf, len, "NAT on the %s's side past this point: the %s hashed another "
			 "address for it", who, other);
}

/* What the copies of an SA's messages on two interfaces show: this host
 * translates one peer's address (ike_sa_note_copy). */
static void nat_here_clause(const struct ike_sa *sa, char *buf, size_t len, bool first)
{
	bool init = sa->nat_here == NAT_HERE_INITIATOR;
	char a[64], b[64];

	snprintf(buf, len, "%s host translates the %s's address between %s and %s", first ? "This" : "this",
		 init ? "initiator" : "responder",
		 diag_endpoint(&sa->nat_here_ip[0], sa->nat_here_port[0], a, sizeof(a)),
		 diag_endpoint(&sa->nat_here_ip[1], sa->nat_here_port[1], b, sizeof(b)));
}

/* Whether the SA went on to authentication (IKE_AUTH, Main Mode message
 * 5, an Aggressive Mode answer, Quick Mode) after its key exchange. */
static bool past_key_exchange(const struct ike_sa *sa)
{
	for (unsigned i = 0; i < sa->nexch; i++) {
		const struct exch *x = &sa->ex[i];

		if (sa->version == 2 ? x->type == IKE2_EXCH_AUTH
				     : (x->type == IKE1_EXCH_MAIN && x->step >= 5) || x->type == IKE1_EXCH_QUICK ||
					       (x->type == IKE1_EXCH_AGGRESSIVE && x->nresp))
			return true;
	}
	return false;
}

static struct side initiator_side(const struct ike_sa *sa)
{
	return side_of(sa->natd_init_src, sa->natd_resp_dst, sa->cap_pos == POS_INITIATOR,
		       sa->init_port_translated && sa->cap_pos != POS_INITIATOR, sa->natd_init_port_only);
}

bool natd_initiator_translated(const struct ike_sa *sa)
{
	struct side s = initiator_side(sa);

	/* Only its port differing leaves an address identity as it is. */
	return s.nat && !(s.port_only && !s.beyond);
}

void natd_diagnose(struct engine *e, struct ike_sa *sa)
{
	char ip_i[48], ip_r[48], at_i[64], at_r[64], t_i[288], t_r[288], tail[96];
	struct side si, sr;
	struct diagnosis *d;
	bool both;

	si = initiator_side(sa);
	sr = side_of(sa->natd_resp_src, sa->natd_init_dst, sa->cap_pos == POS_RESPONDER, false,
		     sa->natd_resp_port_only);
	if (!si.nat && !sr.nat && !sa->nat_here)
		return;
	/* A hash can be faked and a port can be a client's choice: what the
	 * capture shows of NAT is an inference, unless this host is seen
	 * translating. */
	both = si.src && sr.src && !si.forced && !sr.forced && !si.beyond && !sr.beyond && !si.port &&
	       !si.port_only && !sr.port_only && !sa->nat_here;
	d = diag_begin_sa(e, sa, DIAG_NAT_DETECTED, SEV_INFO, sa->nat_here ? CONF_CERTAIN : CONF_LIKELY);
	if (!d)
		return;
	diag_evidence(d, sa->natd_frame_init, sa->natd_ns_init);
	diag_evidence(d, sa->natd_frame_resp, sa->natd_ns_resp);
	diag_addr(&sa->init_ip, ip_i, sizeof(ip_i));
	diag_addr(&sa->resp_ip, ip_r, sizeof(ip_r));
	t_i[0] = t_r[0] = '\0';
	if (both) {
		/* The forced-encapsulation signature (or a NAT on each side): one clause. */
		snprintf(t_i, sizeof(t_i), "NAT or forced UDP encapsulation on both sides: neither "
			 "peer's NAT-D source hash matches its address seen here (%s, %s)", ip_i, ip_r);
	} else {
		/* Two clauses and the tail share one message: with both, the
		 * addresses (in the report's head and the diagnosis's peers)
		 * give way, so that the longest IPv6 ones still fit (test_natd
		 * tries every combination). */
		bool two = (si.nat || sa->nat_here == NAT_HERE_INITIATOR) &&
			   (sr.nat || sa->nat_here == NAT_HERE_RESPONDER);

		snprintf(at_i, sizeof(at_i), "%s seen here", ip_i);
		snprintf(at_r, sizeof(at_r), "%s seen here", ip_r);
		if (sa->nat_here == NAT_HERE_INITIATOR)
			nat_here_clause(sa, t_i, sizeof(t_i), true);
		else if (si.nat)
			side_text(t_i, sizeof(t_i), "initiator", "responder", &si, two ? "its address seen here" : at_i);
		else if (si.forced)
			snprintf(t_i, sizeof(t_i), "The initiator forces UDP encapsulation");
		if (sa->nat_here == NAT_HERE_RESPONDER)
			nat_here_clause(sa, t_r, sizeof(t_r), t_i[0] == 0);
		else if (sr.nat)
			side_text(t_r, sizeof(t_r), "responder", "initiator", &sr, two ? "its address seen here" : at_r);
		else if (sr.forced)
			snprintf(t_r, sizeof(t_r), "%s responder forces UDP encapsulation", t_i[0] ? "the" : "The");
	}
	/* Peers that read NAT in their hashes move to UDP 4500 after the key
	 * exchange; staying on 500 past it, they did not. */
	if (!sa->moved_to_4500 && !sa->tcp && sa->transport == TR_UDP500 && past_key_exchange(sa) &&
	    (si.nat || sr.nat) && !sa->nat_here)
		snprintf(tail, sizeof(tail), "yet IKE stayed on UDP 500 (NAT traversal unused)");
	else if (sa->keepalives)
		snprintf(tail, sizeof(tail), "%s%u NAT-T keepalive%s seen",
			 sa->moved_to_4500 ? "IKE moved to UDP 4500, " : "", sa->keepalives,
			 sa->keepalives == 1 ? "" : "s");
	else
		snprintf(tail, sizeof(tail), "%sno NAT-T keepalives seen",
			 sa->moved_to_4500 ? "IKE moved to UDP 4500, " : "");
	diag_message(d, "%s%s%s; %s", t_i, t_i[0] && t_r[0] ? "; " : "", t_r, tail);
	if (!sa->nat_here && (si.port_only || sr.port_only))
		diag_hint(d, "Information. Either a NAT that keeps the address rewrites IKE's source port, "
			  "often the peer's own firewall (an outbound NAT rule for any source: exclude UDP "
			  "500 and 4500 from it, or keep their source port), or the peer sends from another "
			  "port than it hashes; some peers refuse IKE from another port than 500");
	else if (sa->nat_here)
		diag_hint(d, "Information. This host's NAT must pass UDP 4500 both ways and keep its "
			  "mapping while the tunnel lives: the side behind it should send NAT-T "
			  "keepalives more often than the NAT's UDP timeout (its connection tracking "
			  "shows the mapping and its timeout)");
	else
		diag_hint(d, "Information. If there is no NAT between the peers, a peer fakes its "
			  "NAT-D hash to force UDP encapsulation (e.g. strongSwan encap=yes or "
			  "kernel-libipsec); otherwise the NAT must pass UDP 4500, and the side behind "
			  "it should send NAT-T keepalives more often than the NAT's UDP timeout");
	diag_commit(e, d);
}
