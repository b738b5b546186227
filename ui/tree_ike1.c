/* tree_ike1.c - the -v tree of IKEv1 payloads (RFC 2408 section 3, RFC 2407
 * section 4, RFC 3947): each decoded field on its own line, names with
 * numbers, wire strings escaped, binary as truncated hex. */
#include "packet_view.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "ike1.h"
#include "names.h"
#include "textout.h"

#define HEX_MAX 32

static void pad(FILE *f, int indent)
{
	for (int i = 0; i < indent; i++)
		fputs("  ", f);
}

/* "Label: Name (7)" or "Label: 7" when the registry has no name. */
static void line_named(FILE *f, int ind, const char *label, const char *name, unsigned v)
{
	pad(f, ind);
	if (name)
		fprintf(f, "%s: %s (%u)\n", label, name, v);
	else
		fprintf(f, "%s: %u\n", label, v);
}

static void line_num(FILE *f, int ind, const char *label, unsigned long v)
{
	pad(f, ind);
	fprintf(f, "%s: %lu\n", label, v);
}

static void line_hex(FILE *f, int ind, const char *label, const struct ike1_view *v)
{
	pad(f, ind);
	fprintf(f, "%s (%zu bytes): ", label, v->len);
	text_hex(f, v->p, v->len, HEX_MAX);
	putc('\n', f);
}

static void line_text(FILE *f, int ind, const char *label, const struct ike1_view *v)
{
	pad(f, ind);
	fprintf(f, "%s: \"", label);
	text_escape(f, v->p, v->len);
	fputs("\"\n", f);
}

static void line_malformed(FILE *f, int ind, unsigned err)
{
	if (err == IKE1_OK)
		return;
	pad(f, ind);
	fprintf(f, "malformed: %s\n", ike1_err_text(err));
}

static void line_addr(FILE *f, int ind, const char *label, int family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	pad(f, ind);
	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	fprintf(f, "%s: %s\n", label, buf);
}

/* Attribute class names depend on where the attribute sits. */
enum attr_ctx { ATTR_P1, ATTR_P2, ATTR_CFG };

static void print_attr(FILE *f, int ind, const struct ike1_attr *a, enum attr_ctx ctx)
{
	const char *tname, *vname = NULL;

	if (ctx == ATTR_P1)
		tname = ike1_p1_attr_name(a->type);
	else if (ctx == ATTR_P2)
		tname = ike1_p2_attr_name(a->type);
	else
		tname = ike1_cfg_attr_name(a->type);
	if (a->numeric) {
		if (ctx == ATTR_P1)
			vname = ike1_p1_attr_value_name(a->type, a->num);
		else if (ctx == ATTR_P2)
			vname = ike1_p2_attr_value_name(a->type, a->num);
		else
			vname = ike1_cfg_attr_value_name(a->type, a->num);
	}
	pad(f, ind);
	if (tname)
		fprintf(f, "%s (%u)", tname, a->type);
	else
		fprintf(f, "Attribute %u", a->type);
	fprintf(f, " [%s]: ", a->tv ? "TV" : "TLV");
	if (ctx == ATTR_CFG && !a->tv && a->val.len > 4) {
		putc('"', f);
		text_escape(f, a->val.p, a->val.len);
		putc('"', f);
	} else if (a->numeric && vname) {
		fprintf(f, "%s (%u)", vname, a->num);
	} else if (a->numeric && !(ctx == ATTR_CFG && a->val.len == 4)) {
		fprintf(f, "%u", a->num);
	} else {
		text_hex(f, a->val.p, a->val.len, HEX_MAX);
	}
	putc('\n', f);
}

static void print_sa(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_sa sa;

	ike1_parse_sa(p, len, &sa);
	line_named(f, ind, "DOI", ike1_doi_name(sa.doi), sa.doi);
	if (sa.ipsec) {
		pad(f, ind);
		fprintf(f, "Situation: 0x%08x\n", sa.situation);
	}
	for (unsigned i = 0; i < sa.nprop; i++) {
		const struct ike1_proposal *pr = &sa.prop[i];
		enum attr_ctx ctx = pr->proto == IKE1_PROTO_ISAKMP ? ATTR_P1 : ATTR_P2;

		pad(f, ind);
		fprintf(f, "Proposal #%u\n", pr->num);
		line_named(f, ind + 1, "Protocol", ike1_proto_name(pr->proto), pr->proto);
		line_num(f, ind + 1, "SPI size", pr->spi_size);
		if (pr->spi.len)
			line_hex(f, ind + 1, "SPI", &pr->spi);
		line_num(f, ind + 1, "Transforms", pr->ntrans_field);
		for (unsigned j = 0; j < pr->ntrans; j++) {
			const struct ike1_transform *t = &sa.trans[pr->trans0 + j];

			pad(f, ind + 1);
			fprintf(f, "Transform #%u\n", t->num);
			line_named(f, ind + 2, "Transform ID",
				   ike1_transform_name(pr->proto, t->id), t->id);
			for (unsigned k = 0; k < t->nattr; k++)
				print_attr(f, ind + 2, &sa.attrs[t->attr0 + k], ctx);
			if (t->attr_extra)
				line_num(f, ind + 2, "attributes not shown", t->attr_extra);
		}
		if (pr->trans_seen > pr->ntrans)
			line_num(f, ind + 1, "transforms not shown",
				 (unsigned long)(pr->trans_seen - pr->ntrans));
	}
	if (sa.prop_extra)
		line_num(f, ind, "proposals not shown", sa.prop_extra);
	if (sa.err) {
		pad(f, ind);
		fprintf(f, "malformed: %s (at body offset %u)\n", ike1_err_text(sa.err),
			sa.err_off);
	}
}

static void print_id(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_id id;

	ike1_parse_id(p, len, &id);
	line_malformed(f, ind, id.err == IKE1_E_SHORT ? id.err : IKE1_OK);
	if (id.err == IKE1_E_SHORT)
		return;
	line_named(f, ind, "ID type", ike1_id_type_name(id.type), id.type);
	line_num(f, ind, "Protocol", id.proto);
	line_num(f, ind, "Port", id.port);
	if (id.family) {
		bool two = id.data.len == 8 || id.data.len == 32;
		bool range = id.type == IKE1_ID_IPV4_ADDR_RANGE ||
			     id.type == IKE1_ID_IPV6_ADDR_RANGE;

		line_addr(f, ind, two && range ? "Start" : "Address", id.family, id.addr);
		if (two)
			line_addr(f, ind, range ? "End" : "Mask", id.family, id.addr2);
	} else if (id.type == IKE1_ID_FQDN || id.type == IKE1_ID_USER_FQDN) {
		line_text(f, ind, "Name", &id.data);
	} else {
		line_hex(f, ind, "Data", &id.data);
	}
	line_malformed(f, ind, id.err);
}

static void print_notify(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_notify n;

	ike1_parse_notify(p, len, &n);
	if (n.err == IKE1_E_SHORT) {
		line_malformed(f, ind, n.err);
		return;
	}
	line_named(f, ind, "DOI", ike1_doi_name(n.doi), n.doi);
	line_named(f, ind, "Protocol", ike1_proto_name(n.proto), n.proto);
	line_num(f, ind, "SPI size", n.spi_size);
	line_named(f, ind, "Notify type", ike1_notify_name(n.type), n.type);
	if (n.spi.len)
		line_hex(f, ind, "SPI", &n.spi);
	if (n.has_seq)
		line_num(f, ind, "Sequence number", n.seq);
	else if (n.type == IKE1_N_RESPONDER_LIFETIME)
		for (unsigned i = 0; i < n.nattr; i++)
			print_attr(f, ind, &n.attrs[i], ATTR_P2);
	else if (n.data.len)
		line_hex(f, ind, "Data", &n.data);
	line_malformed(f, ind, n.err);
}

static void print_delete(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_delete d;

	ike1_parse_delete(p, len, &d);
	if (d.err == IKE1_E_SHORT) {
		line_malformed(f, ind, d.err);
		return;
	}
	line_named(f, ind, "DOI", ike1_doi_name(d.doi), d.doi);
	line_named(f, ind, "Protocol", ike1_proto_name(d.proto), d.proto);
	line_num(f, ind, "SPI size", d.spi_size);
	line_num(f, ind, "SPIs", d.nspi);
	for (unsigned i = 0; i < d.stored; i++)
		line_hex(f, ind, "SPI", &d.spi[i]);
	if (d.nspi > d.stored && !d.err)
		line_num(f, ind, "SPIs not shown", (unsigned long)(d.nspi - d.stored));
	line_malformed(f, ind, d.err);
}

static void print_vid(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_view v = { p, len };
	const char *name = vendor_id_name(vendor_id_match(p, len));

	line_hex(f, ind, "Vendor ID", &v);
	if (name) {
		pad(f, ind);
		fprintf(f, "Vendor: %s\n", name);
	}
	if (!len)
		line_malformed(f, ind, IKE1_E_EMPTY);
}

static void print_cert(FILE *f, int ind, const uint8_t *p, size_t len, bool req)
{
	struct ike1_cert ce;

	ike1_parse_cert(p, len, &ce);
	if (ce.err) {
		line_malformed(f, ind, ce.err);
		return;
	}
	line_named(f, ind, "Encoding", ike1_cert_encoding_name(ce.encoding), ce.encoding);
	line_hex(f, ind, req ? "Certificate authority" : "Certificate", &ce.data);
}

static void print_natoa(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_natoa oa;

	ike1_parse_natoa(p, len, &oa);
	line_named(f, ind, "ID type", ike1_id_type_name(oa.type), oa.type);
	if (oa.family)
		line_addr(f, ind, "Original address", oa.family, oa.addr);
	line_malformed(f, ind, oa.err);
}

static void print_attr_pld(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_attr_pld a;

	ike1_parse_attr(p, len, &a);
	if (a.err == IKE1_E_SHORT) {
		line_malformed(f, ind, a.err);
		return;
	}
	line_named(f, ind, "Type", ike1_cfg_type_name(a.type), a.type);
	line_num(f, ind, "Identifier", a.ident);
	for (unsigned i = 0; i < a.nattr; i++)
		print_attr(f, ind, &a.attrs[i], ATTR_CFG);
	if (a.attr_extra)
		line_num(f, ind, "attributes not shown", a.attr_extra);
	line_malformed(f, ind, a.err);
}

static void print_frag(FILE *f, int ind, const uint8_t *p, size_t len)
{
	struct ike1_frag fr;

	ike1_parse_frag(p, len, &fr);
	if (fr.err == IKE1_E_SHORT) {
		line_malformed(f, ind, fr.err);
		return;
	}
	line_num(f, ind, "Fragment ID", fr.id);
	line_num(f, ind, "Fragment number", fr.num);
	pad(f, ind);
	fprintf(f, "Last fragment: %s\n", fr.flags & 1 ? "yes" : "no");
	line_hex(f, ind, "Fragment data", &fr.data);
	line_malformed(f, ind, fr.err);
}

static void print_blob(FILE *f, int ind, const char *label, const uint8_t *p, size_t len,
		       bool natd)
{
	struct ike1_blob b;

	if (natd)
		ike1_parse_natd(p, len, &b);
	else
		ike1_parse_blob(p, len, &b);
	line_hex(f, ind, label, &b.data);
	line_malformed(f, ind, b.err);
}

static void print_body(FILE *f, int ind, uint8_t type, const uint8_t *p, size_t len)
{
	switch (type) {
	case IKE1_PLD_SA:
		print_sa(f, ind, p, len);
		break;
	case IKE1_PLD_KE:
		print_blob(f, ind, "Key exchange data", p, len, false);
		break;
	case IKE1_PLD_ID:
		print_id(f, ind, p, len);
		break;
	case IKE1_PLD_CERT:
	case IKE1_PLD_CR:
		print_cert(f, ind, p, len, type == IKE1_PLD_CR);
		break;
	case IKE1_PLD_HASH:
		print_blob(f, ind, "Hash", p, len, false);
		break;
	case IKE1_PLD_SIG:
		print_blob(f, ind, "Signature", p, len, false);
		break;
	case IKE1_PLD_NONCE:
		print_blob(f, ind, "Nonce", p, len, false);
		break;
	case IKE1_PLD_N:
		print_notify(f, ind, p, len);
		break;
	case IKE1_PLD_D:
		print_delete(f, ind, p, len);
		break;
	case IKE1_PLD_VID:
		print_vid(f, ind, p, len);
		break;
	case IKE1_PLD_ATTR:
		print_attr_pld(f, ind, p, len);
		break;
	case IKE1_PLD_NATD:
	case IKE1_PLD_NATD_DRAFT:
		print_blob(f, ind, "Hash", p, len, true);
		break;
	case IKE1_PLD_NATOA:
	case IKE1_PLD_NATOA_DRAFT:
		print_natoa(f, ind, p, len);
		break;
	case IKE1_PLD_FRAG:
		print_frag(f, ind, p, len);
		break;
	default: {
		struct ike1_view v = { p, len };

		line_hex(f, ind, "Data", &v);
		break;
	}
	}
}

static void print_header(FILE *f, const struct ike_msg *m, int indent)
{
	pad(f, indent);
	fputs("IKEv1 header\n", f);
	pad(f, indent + 1);
	fputs("initiator cookie: ", f);
	text_hex(f, m->ispi, 8, 0);
	putc('\n', f);
	pad(f, indent + 1);
	fputs("responder cookie: ", f);
	text_hex(f, m->rspi, 8, 0);
	putc('\n', f);
	line_named(f, indent + 1, "next payload", ike1_payload_name(m->first_np), m->first_np);
	pad(f, indent + 1);
	fprintf(f, "version: %u.%u\n", m->major, m->minor);
	line_named(f, indent + 1, "exchange", ike1_exchange_name(m->exchange), m->exchange);
	pad(f, indent + 1);
	fprintf(f, "flags: 0x%02x%s%s%s\n", m->flags, (m->flags & IKE1_FLAG_ENC) ? " encryption" : "",
		(m->flags & IKE1_FLAG_COMMIT) ? " commit" : "",
		(m->flags & IKE1_FLAG_AUTH_ONLY) ? " auth-only" : "");
	pad(f, indent + 1);
	fprintf(f, "message ID: 0x%08" PRIx32 "\n", m->msg_id);
	pad(f, indent + 1);
	fprintf(f, "length: %" PRIu32 "\n", m->length);
}

void ike1_tree_print(FILE *f, const struct ike_msg *m, int indent)
{
	print_header(f, m, indent);
	if (m->encrypted) {
		pad(f, indent);
		fprintf(f, "Encrypted body (%lu bytes)\n",
			(unsigned long)(m->length > IKE_HDR_LEN ? m->length - IKE_HDR_LEN : 0));
		return;
	}
	for (unsigned i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];
		const char *name = ike1_payload_name(pl->type);
		const uint8_t *body;
		size_t len;

		pad(f, indent);
		if (name)
			fprintf(f, "Payload %s (%u), length %u\n", name, pl->type, pl->len);
		else
			fprintf(f, "Payload %u, length %u\n", pl->type, pl->len);
		body = ike_payload_body(m, i, &len);
		if (body)
			print_body(f, indent + 1, pl->type, body, len);
		if (len + IKE_GENERIC_HDR_LEN < pl->len) {
			pad(f, indent + 1);
			fprintf(f, "truncated: %zu of %u body bytes captured\n", len,
				pl->len - IKE_GENERIC_HDR_LEN);
		}
	}
}
