/* tree_ike2.c - the -v field tree of an IKEv2 message: header, then every
 * decoded field of every payload (RFC 7296 section 3), one per line. */
#include "packet_view.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <sys/socket.h>

#include "ike.h"
#include "ike2.h"
#include "names.h"
#include "textout.h"

#define HEX_MAX 32 /* longer blobs are cut to this many bytes */
#define CFG_APPLICATION_VERSION 7
#define CFG_INTERNAL_DNS_DOMAIN 25
#define EAP_TYPE_IDENTITY 1
#define EAP_TYPE_NOTIFICATION 2

struct tree {
	FILE *f;
	int level;
};

static void indent(const struct tree *t)
{
	for (int i = 0; i < t->level; i++)
		fputs("  ", t->f);
}

static void line(const struct tree *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(const struct tree *t, const char *fmt, ...)
{
	va_list ap;

	indent(t);
	va_start(ap, fmt);
	vfprintf(t->f, fmt, ap);
	va_end(ap);
	putc('\n', t->f);
}

/* "NAME (n)", or "unknown (n)" for a number the registry lacks. */
static void named(FILE *f, const char *name, unsigned v)
{
	fprintf(f, "%s (%u)", name ? name : "unknown", v);
}

static void field_named(const struct tree *t, const char *label, const char *name, unsigned v)
{
	indent(t);
	fprintf(t->f, "%s: ", label);
	named(t->f, name, v);
	putc('\n', t->f);
}

static void field_hex(const struct tree *t, const char *label, const uint8_t *p, size_t n)
{
	indent(t);
	fprintf(t->f, "%s: %zu bytes", label, n);
	if (n && p) {
		putc(' ', t->f);
		text_hex(t->f, p, n, HEX_MAX);
	}
	putc('\n', t->f);
}

static void field_text(const struct tree *t, const char *label, const uint8_t *p, size_t n)
{
	indent(t);
	fprintf(t->f, "%s: \"", label);
	if (p)
		text_escape(t->f, p, n);
	fputs("\"\n", t->f);
}

static void put_addr(FILE *f, const uint8_t *a, size_t n)
{
	char buf[INET6_ADDRSTRLEN];

	if (n == 4 && inet_ntop(AF_INET, a, buf, sizeof(buf)))
		fputs(buf, f);
	else if (n == 16 && inet_ntop(AF_INET6, a, buf, sizeof(buf)))
		fputs(buf, f);
	else
		text_hex(f, a, n, HEX_MAX);
}

static void field_addr(const struct tree *t, const char *label, const uint8_t *a, size_t n)
{
	indent(t);
	fprintf(t->f, "%s: ", label);
	put_addr(t->f, a, n);
	putc('\n', t->f);
}

static void malformed(const struct tree *t, unsigned err, unsigned off)
{
	if (err != IKE2_OK)
		line(t, "malformed: %s (at byte %u of the body)", ike2_err_text(err), off);
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return false;
	return n > 0;
}

static void print_transform(struct tree *t, const struct ike2_transform *tr)
{
	indent(t);
	fputs("transform ", t->f);
	named(t->f, ike2_transform_type_name(tr->type), tr->type);
	fputs(": ", t->f);
	named(t->f, ike2_transform_id_name(tr->type, tr->id), tr->id);
	if (tr->has_keylen)
		fprintf(t->f, ", key length %u", tr->keylen);
	putc('\n', t->f);
	t->level++;
	for (unsigned i = 0; i < tr->nattr; i++) {
		const struct ike2_tattr *a = &tr->attr[i];

		if (a->tv) {
			indent(t);
			fputs("attribute ", t->f);
			named(t->f, ike2_transform_attr_name(a->type), a->type);
			fprintf(t->f, ": %u\n", a->value);
		} else {
			char label[48];

			snprintf(label, sizeof(label), "attribute %u", a->type);
			field_hex(t, label, a->data.p, a->data.len);
		}
	}
	if (tr->nattr_extra)
		line(t, "(%u more attributes)", tr->nattr_extra);
	t->level--;
}

static void print_sa(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_sa sa;

	ike2_parse_sa(p, len, &sa);
	for (unsigned i = 0; i < sa.nprop; i++) {
		const struct ike2_proposal *pr = &sa.prop[i];

		indent(t);
		fprintf(t->f, "proposal #%u: ", pr->num);
		named(t->f, ike2_proto_name(pr->proto), pr->proto);
		fprintf(t->f, ", %u transforms", pr->ntrans_field);
		if (pr->spi.len) {
			fputs(", SPI ", t->f);
			text_hex(t->f, pr->spi.p, pr->spi.len, HEX_MAX);
		}
		putc('\n', t->f);
		t->level++;
		for (unsigned k = 0; k < pr->ntrans; k++)
			print_transform(t, &pr->t[k]);
		if (pr->ntrans_extra)
			line(t, "(%u more transforms)", pr->ntrans_extra);
		t->level--;
	}
	if (sa.nprop_extra)
		line(t, "(%u more proposals)", sa.nprop_extra);
	malformed(t, sa.err, sa.err_off);
}

static void print_ke(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_ke ke;

	ike2_parse_ke(p, len, &ke);
	field_named(t, "group", ike2_group_name(ke.group), ke.group);
	field_hex(t, "data", ke.data.p, ke.data.len);
	malformed(t, ke.err, ke.err_off);
}

static void print_id(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_id id;

	ike2_parse_id(p, len, &id);
	field_named(t, "type", ike2_id_type_name(id.type), id.type);
	if (id.err == IKE2_OK && (id.type == IKE2_ID_IPV4_ADDR || id.type == IKE2_ID_IPV6_ADDR))
		field_addr(t, "address", id.data.p, id.data.len);
	else if (id.type == IKE2_ID_FQDN || id.type == IKE2_ID_RFC822_ADDR)
		field_text(t, "name", id.data.p, id.data.len);
	else
		field_hex(t, "data", id.data.p, id.data.len);
	malformed(t, id.err, id.err_off);
}

static void print_cert(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_cert c;

	ike2_parse_cert(p, len, &c);
	field_named(t, "encoding", ike2_cert_encoding_name(c.encoding), c.encoding);
	field_hex(t, "data", c.data.p, c.data.len);
	malformed(t, c.err, c.err_off);
}

static void print_auth(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_auth a;

	ike2_parse_auth(p, len, &a);
	field_named(t, "method", ike2_auth_method_name(a.method), a.method);
	if (a.method == IKE2_AUTH_DIGITAL_SIGNATURE && a.alg_id.len) {
		if (a.alg_name)
			line(t, "signature algorithm: %s", a.alg_name);
		field_hex(t, "algorithm identifier", a.alg_id.p, a.alg_id.len);
		field_hex(t, "signature", a.signature.p, a.signature.len);
	} else {
		field_hex(t, "data", a.data.p, a.data.len);
	}
	malformed(t, a.err, a.err_off);
}

static void print_nonce(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_nonce n;

	ike2_parse_nonce(p, len, &n);
	field_hex(t, "data", n.data.p, n.data.len);
	malformed(t, n.err, n.err_off);
}

static void print_notify_data(struct tree *t, const struct ike2_notify *n)
{
	switch (n->type) {
	case IKE2_N_INVALID_KE_PAYLOAD:
		field_named(t, "accepted group", ike2_group_name(n->group), n->group);
		return;
	case IKE2_N_SET_WINDOW_SIZE:
		line(t, "window size: %u", n->value);
		return;
	case IKE2_N_AUTH_LIFETIME:
		line(t, "lifetime: %u s", n->value);
		return;
	case IKE2_N_IPCOMP_SUPPORTED:
		line(t, "CPI: 0x%04x, transform %u", n->cpi, n->ipcomp_id);
		return;
	case IKE2_N_ADDITIONAL_IP4_ADDRESS:
	case IKE2_N_ADDITIONAL_IP6_ADDRESS:
		field_addr(t, "address", n->addr, n->addr_len);
		return;
	case IKE2_N_REDIRECT:
	case IKE2_N_REDIRECTED_FROM:
		field_named(t, "gateway type", ike2_gw_type_name(n->gw_type), n->gw_type);
		if (n->addr)
			field_addr(t, "gateway", n->addr, n->addr_len);
		else
			field_text(t, "gateway", n->gw.p, n->gw.len);
		if (n->redirect_nonce.len)
			field_hex(t, "nonce", n->redirect_nonce.p, n->redirect_nonce.len);
		return;
	case IKE2_N_SIGNATURE_HASH_ALGORITHMS:
		for (unsigned i = 0; i < n->nhash; i++)
			field_named(t, "hash", ike2_hash_alg_name(n->hash[i]), n->hash[i]);
		if (n->nhash_extra)
			line(t, "(%u more hashes)", n->nhash_extra);
		return;
	default:
		if (n->data.len)
			field_hex(t, "data", n->data.p, n->data.len);
		return;
	}
}

static void print_notify(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_notify n;

	ike2_parse_notify(p, len, &n);
	field_named(t, "type", ike2_notify_name(n.type), n.type);
	if (n.proto || n.spi_size)
		field_named(t, "protocol", ike2_proto_name(n.proto), n.proto);
	if (n.spi.len)
		field_hex(t, "SPI", n.spi.p, n.spi.len);
	if (n.err == IKE2_OK)
		print_notify_data(t, &n);
	else if (n.data.len)
		field_hex(t, "data", n.data.p, n.data.len);
	malformed(t, n.err, n.err_off);
}

static void print_delete(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_delete d;

	ike2_parse_delete(p, len, &d);
	field_named(t, "protocol", ike2_proto_name(d.proto), d.proto);
	line(t, "SPI size: %u, SPIs: %u", d.spi_size, d.nspi);
	if (d.err == IKE2_OK && d.spi_size) {
		unsigned shown = 0;

		for (size_t off = 0; off < d.spis.len && shown < IKE2_MAX_DEL_SPIS; off += d.spi_size) {
			field_hex(t, "SPI", d.spis.p + off, d.spi_size);
			shown++;
		}
		if (shown < d.nspi)
			line(t, "(%u more SPIs)", d.nspi - shown);
	}
	malformed(t, d.err, d.err_off);
}

static void print_vendor(struct tree *t, const struct ike_payload *pl, const uint8_t *p, size_t len)
{
	if (pl->vendor >= 0)
		line(t, "vendor: %s", vendor_id_name(pl->vendor));
	field_hex(t, "data", p, len);
	if (printable(p, len))
		field_text(t, "text", p, len);
}

static void print_ts(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_ts ts;

	ike2_parse_ts(p, len, &ts);
	line(t, "selectors: %u", ts.count);
	for (unsigned i = 0; i < ts.nsel; i++) {
		const struct ike2_ts_sel *s = &ts.sel[i];

		indent(t);
		named(t->f, ike2_ts_type_name(s->type), s->type);
		if (s->start.p && s->end.p) {
			fprintf(t->f, ": protocol %u, ports %u-%u, ", s->ip_proto, s->start_port,
				s->end_port);
			put_addr(t->f, s->start.p, s->start.len);
			fputs(" - ", t->f);
			put_addr(t->f, s->end.p, s->end.len);
		} else {
			fprintf(t->f, ": %zu bytes ", s->data.len);
			if (s->data.p)
				text_hex(t->f, s->data.p, s->data.len, HEX_MAX);
		}
		putc('\n', t->f);
	}
	if (ts.nsel_extra)
		line(t, "(%u more selectors)", ts.nsel_extra);
	malformed(t, ts.err, ts.err_off);
}

static void print_inner(struct tree *t, const struct ike_msg *m)
{
	if (m->sk_np != IKE_PLD_NONE)
		field_named(t, "first inner payload", ike2_payload_abbrev(m->sk_np), m->sk_np);
}

static void print_sk(struct tree *t, const struct ike_msg *m, const uint8_t *p, size_t len)
{
	struct ike2_sk sk;

	ike2_parse_sk(p, len, &sk);
	print_inner(t, m);
	line(t, "encrypted data: %zu bytes", sk.data.len);
}

static void print_skf(struct tree *t, const struct ike_msg *m, const uint8_t *p, size_t len)
{
	struct ike2_skf f;

	ike2_parse_skf(p, len, &f);
	line(t, "fragment: %u of %u", f.num, f.total);
	print_inner(t, m);
	line(t, "encrypted data: %zu bytes", f.data.len);
	malformed(t, f.err, f.err_off);
}

/* Attributes that carry an address print it; names and versions are text. */
static void print_cp_attr(struct tree *t, const struct ike2_cp_attr *a)
{
	const char *name = ike2_cfg_attr_name(a->type);

	indent(t);
	named(t->f, name, a->type);
	fputs(": ", t->f);
	if (a->value.len == 0) {
		fputs("(empty)", t->f);
	} else if (a->type == CFG_APPLICATION_VERSION || a->type == CFG_INTERNAL_DNS_DOMAIN) {
		putc('"', t->f);
		text_escape(t->f, a->value.p, a->value.len);
		putc('"', t->f);
	} else if (a->value.len == 4 || a->value.len == 16) {
		put_addr(t->f, a->value.p, a->value.len);
	} else if (a->value.len == 17) {
		put_addr(t->f, a->value.p, 16);
		fprintf(t->f, "/%u", a->value.p[16]);
	} else {
		text_hex(t->f, a->value.p, a->value.len, HEX_MAX);
	}
	putc('\n', t->f);
}

static void print_cp(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_cp cp;

	ike2_parse_cp(p, len, &cp);
	field_named(t, "type", ike2_cp_type_name(cp.type), cp.type);
	for (unsigned i = 0; i < cp.nattr; i++)
		print_cp_attr(t, &cp.attr[i]);
	if (cp.nattr_extra)
		line(t, "(%u more attributes)", cp.nattr_extra);
	malformed(t, cp.err, cp.err_off);
}

static void print_eap(struct tree *t, const uint8_t *p, size_t len)
{
	struct ike2_eap e;

	ike2_parse_eap(p, len, &e);
	indent(t);
	fputs("code: ", t->f);
	named(t->f, ike2_eap_code_name(e.code), e.code);
	fprintf(t->f, ", identifier %u, length %u\n", e.id, e.length);
	if (e.has_type) {
		field_named(t, "type", ike2_eap_type_name(e.type), e.type);
		if ((e.type == EAP_TYPE_IDENTITY || e.type == EAP_TYPE_NOTIFICATION) && e.data.len)
			field_text(t, "data", e.data.p, e.data.len);
		else if (e.data.len)
			field_hex(t, "data", e.data.p, e.data.len);
	}
	malformed(t, e.err, e.err_off);
}

static void print_body(struct tree *t, const struct ike_msg *m, const struct ike_payload *pl,
		       const uint8_t *p, size_t len)
{
	switch (pl->type) {
	case IKE2_PLD_SA:
		print_sa(t, p, len);
		break;
	case IKE2_PLD_KE:
		print_ke(t, p, len);
		break;
	case IKE2_PLD_IDI:
	case IKE2_PLD_IDR:
		print_id(t, p, len);
		break;
	case IKE2_PLD_CERT:
	case IKE2_PLD_CERTREQ:
		print_cert(t, p, len);
		break;
	case IKE2_PLD_AUTH:
		print_auth(t, p, len);
		break;
	case IKE2_PLD_NONCE:
		print_nonce(t, p, len);
		break;
	case IKE2_PLD_N:
		print_notify(t, p, len);
		break;
	case IKE2_PLD_D:
		print_delete(t, p, len);
		break;
	case IKE2_PLD_V:
		print_vendor(t, pl, p, len);
		break;
	case IKE2_PLD_TSI:
	case IKE2_PLD_TSR:
		print_ts(t, p, len);
		break;
	case IKE2_PLD_SK:
		print_sk(t, m, p, len);
		break;
	case IKE2_PLD_SKF:
		print_skf(t, m, p, len);
		break;
	case IKE2_PLD_CP:
		print_cp(t, p, len);
		break;
	case IKE2_PLD_EAP:
		print_eap(t, p, len);
		break;
	default:
		field_hex(t, "data", p, len);
		break;
	}
}

static void print_header(struct tree *t, const struct ike_msg *m)
{
	line(t, "IKEv2 header");
	t->level++;
	indent(t);
	fputs("initiator SPI: ", t->f);
	text_hex(t->f, m->ispi, 8, 0);
	putc('\n', t->f);
	indent(t);
	fputs("responder SPI: ", t->f);
	text_hex(t->f, m->rspi, 8, 0);
	putc('\n', t->f);
	field_named(t, "next payload", ike2_payload_abbrev(m->first_np), m->first_np);
	line(t, "version: %u.%u", m->major, m->minor);
	field_named(t, "exchange", ike2_exchange_name(m->exchange), m->exchange);
	line(t, "flags: 0x%02x (%s, %s%s)", m->flags,
	     (m->flags & IKE2_FLAG_INITIATOR) ? "initiator" : "responder",
	     (m->flags & IKE2_FLAG_RESPONSE) ? "response" : "request",
	     (m->flags & IKE2_FLAG_VERSION) ? ", higher version" : "");
	line(t, "message ID: %u", m->msg_id);
	line(t, "length: %u", m->length);
	t->level--;
}

void ike2_tree_print(FILE *f, const struct ike_msg *m, int level)
{
	struct tree t = { f, level };

	print_header(&t, m);
	for (unsigned i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];
		size_t len;
		const uint8_t *p = ike_payload_body(m, i, &len);

		indent(&t);
		fputs("payload ", f);
		named(f, ike2_payload_abbrev(pl->type), pl->type);
		fprintf(f, ", length %u%s\n", pl->len, pl->critical ? ", critical" : "");
		t.level++;
		print_body(&t, m, pl, p, len);
		t.level--;
	}
	if (m->err != IKE_OK)
		line(&t, "malformed: %s (at byte %u)", ike_perr_text(m->err), m->err_off);
}
