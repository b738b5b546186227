/* test_names.c - name_find() and the IKEv1 name tables: every table sorted by
 * value without duplicates (name_find's binary search depends on it), and
 * spot checks of registry values. */
#include "../tap.h"
#include "ike1.h"
#include "names.h"

int main(void)
{
	static const struct name_entry t[] = { { 1, "a", NULL }, { 5, "b", "B" }, { 9, "c", NULL } };
	size_t ntab;
	const struct ike1_table *tabs = ike1_tables(&ntab);

	ok(name_find(t, 0, 1) == NULL, "empty table");
	ok(name_find(t, 3, 1) == &t[0], "first");
	ok(name_find(t, 3, 5) == &t[1], "middle");
	ok(name_find(t, 3, 9) == &t[2], "last");
	ok(name_find(t, 3, 0) == NULL && name_find(t, 3, 6) == NULL &&
		   name_find(t, 3, 10) == NULL,
	   "missing values");

	ok(ntab >= 20, "IKEv1 tables listed (%zu)", ntab);
	for (size_t i = 0; i < ntab; i++) {
		int good = tabs[i].n > 0;

		for (size_t j = 0; j < tabs[i].n; j++) {
			if (!tabs[i].t[j].name)
				good = 0;
			if (j && tabs[i].t[j - 1].v >= tabs[i].t[j].v) {
				good = 0;
				printf("# %s: %u before %u\n", tabs[i].what, tabs[i].t[j - 1].v,
				       tabs[i].t[j].v);
			}
			if (name_find(tabs[i].t, tabs[i].n, tabs[i].t[j].v) != &tabs[i].t[j])
				good = 0;
		}
		ok(good, "%s sorted, unique, all found", tabs[i].what);
	}

	is_str(ike1_exchange_abbrev(2), "ID_PROT", "exchange 2 abbrev");
	is_str(ike1_exchange_abbrev(4), "AGGRESSIVE", "exchange 4 abbrev");
	is_str(ike1_exchange_abbrev(32), "QUICK_MODE", "exchange 32 abbrev");
	is_str(ike1_exchange_name(6), "Transaction (Config Mode)", "exchange 6");
	ok(ike1_exchange_name(7) == NULL, "exchange 7 unassigned");
	is_str(ike1_payload_abbrev(10), "No", "nonce abbrev");
	is_str(ike1_payload_abbrev(130), "NAT-D", "draft NAT-D abbrev");
	is_str(ike1_payload_abbrev(132), "FRAG", "fragment abbrev");
	is_str(ike1_notify_name(14), "NO_PROPOSAL_CHOSEN", "notify 14");
	is_str(ike1_notify_abbrev(14), "NO_PROP", "notify 14 abbrev");
	is_str(ike1_notify_abbrev(23), "INVAL_HASH", "notify 23 abbrev");
	is_str(ike1_notify_abbrev(24), "AUTH_FAILED", "notify 24 abbrev");
	is_str(ike1_notify_abbrev(36136), "DPD", "R-U-THERE abbrev");
	is_str(ike1_notify_name(24578), "INITIAL_CONTACT", "initial contact");
	ok(ike1_notify_name(31) == NULL, "notify 31 unassigned");
	is_str(ike1_transform_name(IKE1_PROTO_ESP, 12), "ESP_AES-CBC", "ESP 12");
	is_str(ike1_transform_name(IKE1_PROTO_ESP, 20), "ESP_AES-GCM_16", "ESP 20");
	is_str(ike1_transform_name(IKE1_PROTO_AH, 3), "AH_SHA", "AH 3");
	is_str(ike1_transform_name(IKE1_PROTO_ISAKMP, 1), "KEY_IKE", "KEY_IKE");
	ok(ike1_transform_name(IKE1_PROTO_ESP, 17) == NULL, "ESP 17 unassigned");
	is_str(ike1_p1_attr_value_name(1, 7), "AES-CBC", "encryption 7");
	is_str(ike1_p1_attr_value_name(3, 65001), "XAUTHInitPreShared", "auth 65001");
	is_str(ike1_p1_attr_value_name(4, 14), "2048-bit MODP group", "group 14");
	is_str(ike1_p2_attr_value_name(4, 61443), "UDP-Encapsulated-Tunnel (draft)",
	       "encapsulation 61443");
	is_str(ike1_p2_attr_value_name(5, 5), "HMAC-SHA2-256", "auth alg 5");
	is_str(ike1_id_type_name(12), "LIST", "ID 12");
	is_str(ike1_cfg_attr_name(16527), "XAUTH_STATUS", "XAUTH_STATUS");
	is_str(ike1_cfg_attr_name(28681), "UNITY_BACKUP_SERVERS", "Unity 28681");
	is_str(ike1_cfg_type_name(4), "ISAKMP_CFG_ACK", "cfg ACK");
	return tap_done();
}
