/* test_ike2_names.c - the IKEv2 name tables: sorted, no duplicate numbers,
 * and spot checks of IANA names and strongSwan-style short forms. */
#include <stdlib.h>

#include "ike2.h"
#include "names.h"
#include "../tap.h"

int main(void)
{
	const struct name_entry *t;
	const char *what;
	size_t n;
	unsigned i;

	for (i = 0; (t = ike2_names_table(i, &n, &what)) != NULL; i++) {
		size_t k;

		for (k = 1; k < n; k++)
			if (t[k].v <= t[k - 1].v)
				break;
		ok(n > 0 && k == n, "table %s sorted, no duplicates (%zu entries)", what, n);
		for (k = 0; k < n; k++)
			if (name_find(t, n, t[k].v) != &t[k])
				break;
		ok(k == n, "table %s: every entry found by name_find", what);
	}
	ok(i >= 21, "all %u tables visited", i);

	is_str(ike2_exchange_name(34), "IKE_SA_INIT", "exchange 34");
	is_str(ike2_exchange_name(43), "IKE_INTERMEDIATE", "exchange 43");
	is_str(ike2_exchange_name(44), "IKE_FOLLOWUP_KE", "exchange 44");
	ok(ike2_exchange_name(42) == NULL, "exchange 42 unassigned");
	is_str(ike2_payload_abbrev(40), "No", "payload 40 abbrev");
	is_str(ike2_payload_abbrev(53), "SKF", "payload 53 abbrev");
	is_str(ike2_payload_name(54), "Puzzle Solution", "payload 54 name");
	ok(ike2_payload_abbrev(32) == NULL && ike2_payload_abbrev(55) == NULL, "payload 32/55 unknown");
	is_str(ike2_notify_name(16388), "NAT_DETECTION_SOURCE_IP", "notify 16388 name");
	is_str(ike2_notify_abbrev(16388), "NATD_S_IP", "notify 16388 abbrev");
	is_str(ike2_notify_abbrev(16430), "FRAG_SUP", "notify 16430 abbrev");
	is_str(ike2_notify_abbrev(16438), "INT_SUP", "notify 16438 abbrev");
	is_str(ike2_notify_abbrev(17), "INVAL_KE", "notify 17 abbrev");
	is_str(ike2_notify_name(42), "USE_ASSIGNED_HoA", "notify 42");
	is_str(ike2_notify_name(47), "STATE_NOT_FOUND", "notify 47");
	is_str(ike2_notify_name(16446), "PPK_IDENTITY_KEY", "notify 16446");
	ok(ike2_notify_name(2) == NULL, "notify 2 unassigned");
	is_str(ike2_transform_type_name(4), "KE", "transform type 4");
	is_str(ike2_transform_type_name(12), "ADDKE7", "transform type 12");
	is_str(ike2_transform_id_name(1, 20), "ENCR_AES_GCM_16", "ENCR 20");
	is_str(ike2_transform_id_name(1, 28), "ENCR_CHACHA20_POLY1305", "ENCR 28");
	is_str(ike2_transform_id_name(2, 5), "PRF_HMAC_SHA2_256", "PRF 5");
	is_str(ike2_transform_id_name(3, 12), "AUTH_HMAC_SHA2_256_128", "INTEG 12");
	is_str(ike2_transform_id_name(4, 31), "CURVE_25519", "KE 31");
	is_str(ike2_transform_id_name(7, 36), "ML_KEM_768", "ADDKE2 36");
	is_str(ike2_transform_id_name(5, 1), "ESN", "ESN 1");
	ok(ike2_transform_id_name(99, 1) == NULL, "unknown transform type");
	is_str(ike2_transform_attr_name(14), "Key Length", "attribute 14");
	is_int(ike2_group_ke_len(14), 256, "MODP_2048 KE size");
	is_int(ike2_group_ke_len(19), 64, "ECP_256 KE size");
	is_int(ike2_group_ke_len(31), 32, "CURVE_25519 KE size");
	is_int(ike2_group_ke_len(99), 0, "unknown group KE size");
	is_str(ike2_auth_method_name(14), "Digital Signature", "auth 14");
	is_str(ike2_auth_method_name(13), "NULL Authentication", "auth 13 (RFC 7619)");
	is_str(ike2_id_type_name(2), "ID_FQDN", "ID 2");
	is_str(ike2_ts_type_name(10), "TS_SECLABEL", "TS 10");
	is_str(ike2_proto_name(3), "ESP", "proto 3");
	is_str(ike2_cfg_attr_name(1), "INTERNAL_IP4_ADDRESS", "cfg 1");
	is_str(ike2_hash_alg_name(5), "IDENTITY", "hash 5");
	is_str(ike2_cert_encoding_name(4), "X.509 Certificate - Signature", "cert 4");
	is_str(ike2_eap_type_name(1), "Identity", "EAP type 1");
	is_str(ike2_err_token(IKE2_E_TS_COUNT), "ts_count", "error token");
	is_str(ike2_err_text(999), "unknown", "error text out of range");
	return tap_done();
}
