/* ike1_names.c - IANA "ISAKMP Identifiers" and "IPSEC/IKE attributes"
 * registries (RFC 2407 section 4, RFC 2408 section 3, RFC 2409 appendix A,
 * RFC 3947, draft-dukes-ike-mode-cfg, draft-beaulieu-ike-xauth). */
#include "ike1.h"
#include "names.h"

#define ROW(v, name, abbrev) { v, name, abbrev },
#define ROW2(v, name) { v, name, NULL },

#define EXCHANGES(X)                                                        \
	X(0, "NONE", "NONE")                                                \
	X(1, "Base", "BASE")                                                \
	X(2, "Identity Protection (Main Mode)", "ID_PROT")                  \
	X(3, "Authentication Only", "AUTH_ONLY")                            \
	X(4, "Aggressive", "AGGRESSIVE")                                    \
	X(5, "Informational", "INFORMATIONAL_V1")                           \
	X(6, "Transaction (Config Mode)", "TRANSACTION")                    \
	X(32, "Quick Mode", "QUICK_MODE")                                   \
	X(33, "New Group Mode", "NEW_GROUP_MODE")

#define PAYLOADS(X)                                                         \
	X(0, "NONE", "NONE")                                                \
	X(1, "Security Association", "SA")                                  \
	X(2, "Proposal", "P")                                               \
	X(3, "Transform", "T")                                              \
	X(4, "Key Exchange", "KE")                                          \
	X(5, "Identification", "ID")                                        \
	X(6, "Certificate", "CERT")                                         \
	X(7, "Certificate Request", "CERTREQ")                              \
	X(8, "Hash", "HASH")                                                \
	X(9, "Signature", "SIG")                                            \
	X(10, "Nonce", "No")                                                \
	X(11, "Notification", "N")                                          \
	X(12, "Delete", "D")                                                \
	X(13, "Vendor ID", "V")                                             \
	X(14, "Attributes (Mode Config)", "CP")                             \
	X(15, "SA KEK", "SAK")                                              \
	X(16, "SA TEK", "SAT")                                              \
	X(17, "Key Download", "KD")                                         \
	X(18, "Sequence Number", "SEQ")                                     \
	X(19, "Proof of Possession", "POP")                                 \
	X(20, "NAT Discovery", "NAT-D")                                     \
	X(21, "NAT Original Address", "NAT-OA")                             \
	X(22, "Group Associated Policy", "GAP")                             \
	X(130, "NAT Discovery (draft)", "NAT-D")                            \
	X(131, "NAT Original Address (draft)", "NAT-OA")                    \
	X(132, "IKE Fragment (Cisco)", "FRAG")

#define NOTIFIES(X)                                                         \
	X(1, "INVALID_PAYLOAD_TYPE", "INVAL_PLD_TYPE")                      \
	X(2, "DOI_NOT_SUPPORTED", "DOI_NOT_SUPP")                           \
	X(3, "SITUATION_NOT_SUPPORTED", "SIT_NOT_SUPP")                     \
	X(4, "INVALID_COOKIE", "INVAL_COOKIE")                              \
	X(5, "INVALID_MAJOR_VERSION", "INVAL_MAJOR_VER")                    \
	X(6, "INVALID_MINOR_VERSION", "INVAL_MINOR_VER")                    \
	X(7, "INVALID_EXCHANGE_TYPE", "INVAL_EXCH_TYPE")                    \
	X(8, "INVALID_FLAGS", "INVAL_FLAGS")                                \
	X(9, "INVALID_MESSAGE_ID", "INVAL_MSGID")                           \
	X(10, "INVALID_PROTOCOL_ID", "INVAL_PROTO_ID")                      \
	X(11, "INVALID_SPI", "INVAL_SPI")                                   \
	X(12, "INVALID_TRANSFORM_ID", "INVAL_TRANS_ID")                     \
	X(13, "ATTRIBUTES_NOT_SUPPORTED", "ATTR_NOT_SUPP")                  \
	X(14, "NO_PROPOSAL_CHOSEN", "NO_PROP")                              \
	X(15, "BAD_PROPOSAL_SYNTAX", "BAD_PROP_SYNTAX")                     \
	X(16, "PAYLOAD_MALFORMED", "PLD_MALFORMED")                         \
	X(17, "INVALID_KEY_INFORMATION", "INVAL_KE")                        \
	X(18, "INVALID_ID_INFORMATION", "INVAL_ID")                         \
	X(19, "INVALID_CERT_ENCODING", "INVAL_CERT_ENC")                    \
	X(20, "INVALID_CERTIFICATE", "INVAL_CERT")                          \
	X(21, "CERT_TYPE_UNSUPPORTED", "CERT_TYPE_UNSUPP")                  \
	X(22, "INVALID_CERT_AUTHORITY", "INVAL_CA")                         \
	X(23, "INVALID_HASH_INFORMATION", "INVAL_HASH")                     \
	X(24, "AUTHENTICATION_FAILED", "AUTH_FAILED")                       \
	X(25, "INVALID_SIGNATURE", "INVAL_SIG")                             \
	X(26, "ADDRESS_NOTIFICATION", "ADDR_NOTIFY")                        \
	X(27, "NOTIFY_SA_LIFETIME", "SA_LIFETIME")                          \
	X(28, "CERTIFICATE_UNAVAILABLE", "CERT_UNAVAIL")                    \
	X(29, "UNSUPPORTED_EXCHANGE_TYPE", "UNSUPP_EXCH")                   \
	X(30, "UNEQUAL_PAYLOAD_LENGTHS", "UNEQUAL_PLD_LEN")                 \
	X(16384, "CONNECTED", "CONNECTED")                                  \
	X(24576, "RESPONDER_LIFETIME", "RESP_LIFETIME")                     \
	X(24577, "REPLAY_STATUS", "REPLAY_STATUS")                          \
	X(24578, "INITIAL_CONTACT", "INITIAL_CONTACT")                      \
	X(36136, "R_U_THERE", "DPD")                                        \
	X(36137, "R_U_THERE_ACK", "DPD_ACK")                                \
	X(40500, "UNITY_HEARTBEAT", "UNITY_HEARTBEAT")

#define DOIS(X)                                                             \
	X(0, "ISAKMP")                                                      \
	X(1, "IPSEC")                                                       \
	X(2, "GDOI")

#define PROTOS(X)                                                           \
	X(1, "ISAKMP")                                                      \
	X(2, "IPSEC_AH")                                                    \
	X(3, "IPSEC_ESP")                                                   \
	X(4, "IPCOMP")                                                      \
	X(5, "GIGABEAM_RADIO")

#define TRANS_AH(X)                                                         \
	X(2, "AH_MD5")                                                      \
	X(3, "AH_SHA")                                                      \
	X(4, "AH_DES")                                                      \
	X(5, "AH_SHA2-256")                                                 \
	X(6, "AH_SHA2-384")                                                 \
	X(7, "AH_SHA2-512")                                                 \
	X(8, "AH_RIPEMD")                                                   \
	X(9, "AH_AES-XCBC-MAC")                                             \
	X(10, "AH_RSA")                                                     \
	X(11, "AH_AES-128-GMAC")                                            \
	X(12, "AH_AES-192-GMAC")                                            \
	X(13, "AH_AES-256-GMAC")

#define TRANS_ESP(X)                                                        \
	X(1, "ESP_DES_IV64")                                                \
	X(2, "ESP_DES")                                                     \
	X(3, "ESP_3DES")                                                    \
	X(4, "ESP_RC5")                                                     \
	X(5, "ESP_IDEA")                                                    \
	X(6, "ESP_CAST")                                                    \
	X(7, "ESP_BLOWFISH")                                                \
	X(8, "ESP_3IDEA")                                                   \
	X(9, "ESP_DES_IV32")                                                \
	X(10, "ESP_RC4")                                                    \
	X(11, "ESP_NULL")                                                   \
	X(12, "ESP_AES-CBC")                                                \
	X(13, "ESP_AES-CTR")                                                \
	X(14, "ESP_AES-CCM_8")                                              \
	X(15, "ESP_AES-CCM_12")                                             \
	X(16, "ESP_AES-CCM_16")                                             \
	X(18, "ESP_AES-GCM_8")                                              \
	X(19, "ESP_AES-GCM_12")                                             \
	X(20, "ESP_AES-GCM_16")                                             \
	X(21, "ESP_SEED_CBC")                                               \
	X(22, "ESP_CAMELLIA")                                               \
	X(23, "ESP_NULL_AUTH_AES-GMAC")

#define TRANS_IPCOMP(X)                                                     \
	X(1, "IPCOMP_OUI")                                                  \
	X(2, "IPCOMP_DEFLATE")                                              \
	X(3, "IPCOMP_LZS")                                                  \
	X(4, "IPCOMP_LZJH")

#define P1_ATTRS(X)                                                         \
	X(1, "Encryption Algorithm")                                        \
	X(2, "Hash Algorithm")                                              \
	X(3, "Authentication Method")                                       \
	X(4, "Group Description")                                           \
	X(5, "Group Type")                                                  \
	X(6, "Group Prime/Irreducible Polynomial")                          \
	X(7, "Group Generator One")                                         \
	X(8, "Group Generator Two")                                         \
	X(9, "Group Curve A")                                               \
	X(10, "Group Curve B")                                              \
	X(11, "Life Type")                                                  \
	X(12, "Life Duration")                                              \
	X(13, "PRF")                                                        \
	X(14, "Key Length")                                                 \
	X(15, "Field Size")                                                 \
	X(16, "Group Order")

#define P1_ENCR(X)                                                          \
	X(1, "DES-CBC")                                                     \
	X(2, "IDEA-CBC")                                                    \
	X(3, "Blowfish-CBC")                                                \
	X(4, "RC5-R16-B64-CBC")                                             \
	X(5, "3DES-CBC")                                                    \
	X(6, "CAST-CBC")                                                    \
	X(7, "AES-CBC")                                                     \
	X(8, "CAMELLIA-CBC")

#define P1_HASH(X)                                                          \
	X(1, "MD5")                                                         \
	X(2, "SHA")                                                         \
	X(3, "Tiger")                                                       \
	X(4, "SHA2-256")                                                    \
	X(5, "SHA2-384")                                                    \
	X(6, "SHA2-512")

#define P1_AUTH(X)                                                          \
	X(1, "Pre-shared key")                                              \
	X(2, "DSS signatures")                                              \
	X(3, "RSA signatures")                                              \
	X(4, "Encryption with RSA")                                         \
	X(5, "Revised encryption with RSA")                                 \
	X(6, "Encryption with El-Gamal")                                    \
	X(7, "Revised encryption with El-Gamal")                            \
	X(8, "ECDSA signatures")                                            \
	X(9, "ECDSA with SHA-256 on the P-256 curve")                       \
	X(10, "ECDSA with SHA-384 on the P-384 curve")                      \
	X(11, "ECDSA with SHA-512 on the P-521 curve")                      \
	X(64221, "HybridInitRSA")                                           \
	X(64222, "HybridRespRSA")                                           \
	X(64223, "HybridInitDSS")                                           \
	X(64224, "HybridRespDSS")                                           \
	X(65001, "XAUTHInitPreShared")                                      \
	X(65002, "XAUTHRespPreShared")                                      \
	X(65003, "XAUTHInitDSS")                                            \
	X(65004, "XAUTHRespDSS")                                            \
	X(65005, "XAUTHInitRSA")                                            \
	X(65006, "XAUTHRespRSA")                                            \
	X(65007, "XAUTHInitRSAEncryption")                                  \
	X(65008, "XAUTHRespRSAEncryption")                                  \
	X(65009, "XAUTHInitRSARevisedEncryption")                           \
	X(65010, "XAUTHRespRSARevisedEncryption")

#define GROUPS(X)                                                           \
	X(1, "768-bit MODP group")                                          \
	X(2, "1024-bit MODP group")                                         \
	X(3, "EC2N group on GP[2^155]")                                     \
	X(4, "EC2N group on GP[2^185]")                                     \
	X(5, "1536-bit MODP group")                                         \
	X(6, "EC2N group over GF[2^163]")                                   \
	X(7, "EC2N group over GF[2^163]")                                   \
	X(8, "EC2N group over GF[2^283]")                                   \
	X(9, "EC2N group over GF[2^283]")                                   \
	X(10, "EC2N group over GF[2^409]")                                  \
	X(11, "EC2N group over GF[2^409]")                                  \
	X(12, "EC2N group over GF[2^571]")                                  \
	X(13, "EC2N group over GF[2^571]")                                  \
	X(14, "2048-bit MODP group")                                        \
	X(15, "3072-bit MODP group")                                        \
	X(16, "4096-bit MODP group")                                        \
	X(17, "6144-bit MODP group")                                        \
	X(18, "8192-bit MODP group")                                        \
	X(19, "256-bit random ECP group")                                   \
	X(20, "384-bit random ECP group")                                   \
	X(21, "521-bit random ECP group")                                   \
	X(22, "1024-bit MODP group with 160-bit prime order subgroup")      \
	X(23, "2048-bit MODP group with 224-bit prime order subgroup")      \
	X(24, "2048-bit MODP group with 256-bit prime order subgroup")      \
	X(25, "192-bit random ECP group")                                   \
	X(26, "224-bit random ECP group")                                   \
	X(27, "224-bit Brainpool ECP group")                                \
	X(28, "256-bit Brainpool ECP group")                                \
	X(29, "384-bit Brainpool ECP group")                                \
	X(30, "512-bit Brainpool ECP group")                                \
	X(31, "Curve25519")                                                 \
	X(32, "Curve448")

#define GROUP_TYPES(X)                                                      \
	X(1, "MODP")                                                        \
	X(2, "ECP")                                                         \
	X(3, "EC2N")

#define LIFE_TYPES(X)                                                       \
	X(1, "Seconds")                                                     \
	X(2, "Kilobytes")

#define P2_ATTRS(X)                                                         \
	X(1, "SA Life Type")                                                \
	X(2, "SA Life Duration")                                            \
	X(3, "Group Description")                                           \
	X(4, "Encapsulation Mode")                                          \
	X(5, "Authentication Algorithm")                                    \
	X(6, "Key Length")                                                  \
	X(7, "Key Rounds")                                                  \
	X(8, "Compress Dictionary Size")                                    \
	X(9, "Compress Private Algorithm")                                  \
	X(10, "ECN Tunnel")                                                 \
	X(11, "Extended (64-bit) Sequence Number")                          \
	X(12, "Authentication Key Length")                                  \
	X(13, "Signature Encoding Algorithm")                               \
	X(14, "Address Preservation")                                       \
	X(15, "SA Direction")

#define ENCAPS(X)                                                           \
	X(1, "Tunnel")                                                      \
	X(2, "Transport")                                                   \
	X(3, "UDP-Encapsulated-Tunnel")                                     \
	X(4, "UDP-Encapsulated-Transport")                                  \
	X(61443, "UDP-Encapsulated-Tunnel (draft)")                         \
	X(61444, "UDP-Encapsulated-Transport (draft)")

#define P2_AUTH(X)                                                          \
	X(1, "HMAC-MD5")                                                    \
	X(2, "HMAC-SHA")                                                    \
	X(3, "DES-MAC")                                                     \
	X(4, "KPDK")                                                        \
	X(5, "HMAC-SHA2-256")                                               \
	X(6, "HMAC-SHA2-384")                                               \
	X(7, "HMAC-SHA2-512")                                               \
	X(8, "HMAC-RIPEMD")                                                 \
	X(9, "AES-XCBC-MAC")                                                \
	X(10, "SIG-RSA")                                                    \
	X(11, "AES-128-GMAC")                                               \
	X(12, "AES-192-GMAC")                                               \
	X(13, "AES-256-GMAC")

#define ECN(X)                                                              \
	X(1, "Allowed")                                                     \
	X(2, "Forbidden")

#define ID_TYPES(X)                                                         \
	X(1, "IPV4_ADDR")                                                   \
	X(2, "FQDN")                                                        \
	X(3, "USER_FQDN")                                                   \
	X(4, "IPV4_ADDR_SUBNET")                                            \
	X(5, "IPV6_ADDR")                                                   \
	X(6, "IPV6_ADDR_SUBNET")                                            \
	X(7, "IPV4_ADDR_RANGE")                                             \
	X(8, "IPV6_ADDR_RANGE")                                             \
	X(9, "DER_ASN1_DN")                                                 \
	X(10, "DER_ASN1_GN")                                                \
	X(11, "KEY_ID")                                                     \
	X(12, "LIST")

#define CERT_ENCODINGS(X)                                                   \
	X(0, "NONE")                                                        \
	X(1, "PKCS #7 wrapped X.509 certificate")                           \
	X(2, "PGP Certificate")                                             \
	X(3, "DNS Signed Key")                                              \
	X(4, "X.509 Certificate - Signature")                               \
	X(5, "X.509 Certificate - Key Exchange")                            \
	X(6, "Kerberos Tokens")                                             \
	X(7, "Certificate Revocation List (CRL)")                           \
	X(8, "Authority Revocation List (ARL)")                             \
	X(9, "SPKI Certificate")                                            \
	X(10, "X.509 Certificate - Attribute")

#define CFG_TYPES(X)                                                        \
	X(1, "ISAKMP_CFG_REQUEST")                                          \
	X(2, "ISAKMP_CFG_REPLY")                                            \
	X(3, "ISAKMP_CFG_SET")                                              \
	X(4, "ISAKMP_CFG_ACK")

#define CFG_ATTRS(X)                                                        \
	X(1, "INTERNAL_IP4_ADDRESS")                                        \
	X(2, "INTERNAL_IP4_NETMASK")                                        \
	X(3, "INTERNAL_IP4_DNS")                                            \
	X(4, "INTERNAL_IP4_NBNS")                                           \
	X(5, "INTERNAL_ADDRESS_EXPIRY")                                     \
	X(6, "INTERNAL_IP4_DHCP")                                           \
	X(7, "APPLICATION_VERSION")                                         \
	X(8, "INTERNAL_IP6_ADDRESS")                                        \
	X(9, "INTERNAL_IP6_NETMASK")                                        \
	X(10, "INTERNAL_IP6_DNS")                                           \
	X(11, "INTERNAL_IP6_NBNS")                                          \
	X(12, "INTERNAL_IP6_DHCP")                                          \
	X(13, "INTERNAL_IP4_SUBNET")                                        \
	X(14, "SUPPORTED_ATTRIBUTES")                                       \
	X(15, "INTERNAL_IP6_SUBNET")                                        \
	X(16520, "XAUTH_TYPE")                                              \
	X(16521, "XAUTH_USER_NAME")                                         \
	X(16522, "XAUTH_USER_PASSWORD")                                     \
	X(16523, "XAUTH_PASSCODE")                                          \
	X(16524, "XAUTH_MESSAGE")                                           \
	X(16525, "XAUTH_CHALLENGE")                                         \
	X(16526, "XAUTH_DOMAIN")                                            \
	X(16527, "XAUTH_STATUS")                                            \
	X(16528, "XAUTH_NEXT_PIN")                                          \
	X(16529, "XAUTH_ANSWER")                                            \
	X(28672, "UNITY_BANNER")                                            \
	X(28673, "UNITY_SAVE_PASSWD")                                       \
	X(28674, "UNITY_DEF_DOMAIN")                                        \
	X(28675, "UNITY_SPLITDNS_NAME")                                     \
	X(28676, "UNITY_SPLIT_INCLUDE")                                     \
	X(28677, "UNITY_NATT_PORT")                                         \
	X(28678, "UNITY_LOCAL_LAN")                                         \
	X(28679, "UNITY_PFS")                                               \
	X(28680, "UNITY_FW_TYPE")                                           \
	X(28681, "UNITY_BACKUP_SERVERS")                                    \
	X(28682, "UNITY_DDNS_HOSTNAME")

#define XAUTH_TYPES(X)                                                      \
	X(0, "Generic")                                                     \
	X(1, "RADIUS-CHAP")                                                 \
	X(2, "OTP")                                                         \
	X(3, "S/KEY")

#define XAUTH_STATUS(X)                                                     \
	X(0, "FAIL")                                                        \
	X(1, "OK")

static const struct name_entry exch_tab[] = { EXCHANGES(ROW) };
static const struct name_entry pld_tab[] = { PAYLOADS(ROW) };
static const struct name_entry notify_tab[] = { NOTIFIES(ROW) };
static const struct name_entry doi_tab[] = { DOIS(ROW2) };
static const struct name_entry proto_tab[] = { PROTOS(ROW2) };
static const struct name_entry ah_tab[] = { TRANS_AH(ROW2) };
static const struct name_entry esp_tab[] = { TRANS_ESP(ROW2) };
static const struct name_entry ipcomp_tab[] = { TRANS_IPCOMP(ROW2) };
static const struct name_entry p1_attr_tab[] = { P1_ATTRS(ROW2) };
static const struct name_entry p1_encr_tab[] = { P1_ENCR(ROW2) };
static const struct name_entry p1_hash_tab[] = { P1_HASH(ROW2) };
static const struct name_entry p1_auth_tab[] = { P1_AUTH(ROW2) };
static const struct name_entry group_tab[] = { GROUPS(ROW2) };
static const struct name_entry group_type_tab[] = { GROUP_TYPES(ROW2) };
static const struct name_entry life_tab[] = { LIFE_TYPES(ROW2) };
static const struct name_entry p2_attr_tab[] = { P2_ATTRS(ROW2) };
static const struct name_entry encap_tab[] = { ENCAPS(ROW2) };
static const struct name_entry p2_auth_tab[] = { P2_AUTH(ROW2) };
static const struct name_entry ecn_tab[] = { ECN(ROW2) };
static const struct name_entry id_tab[] = { ID_TYPES(ROW2) };
static const struct name_entry cert_tab[] = { CERT_ENCODINGS(ROW2) };
static const struct name_entry cfg_type_tab[] = { CFG_TYPES(ROW2) };
static const struct name_entry cfg_attr_tab[] = { CFG_ATTRS(ROW2) };
static const struct name_entry xauth_type_tab[] = { XAUTH_TYPES(ROW2) };
static const struct name_entry xauth_status_tab[] = { XAUTH_STATUS(ROW2) };

#define TAB(t) { #t, t, NAME_TABLE_LEN(t) }
static const struct ike1_table all_tables[] = {
	TAB(exch_tab), TAB(pld_tab), TAB(notify_tab), TAB(doi_tab),
	TAB(proto_tab), TAB(ah_tab), TAB(esp_tab), TAB(ipcomp_tab),
	TAB(p1_attr_tab), TAB(p1_encr_tab), TAB(p1_hash_tab), TAB(p1_auth_tab),
	TAB(group_tab), TAB(group_type_tab), TAB(life_tab), TAB(p2_attr_tab),
	TAB(encap_tab), TAB(p2_auth_tab), TAB(ecn_tab), TAB(id_tab),
	TAB(cert_tab), TAB(cfg_type_tab), TAB(cfg_attr_tab),
	TAB(xauth_type_tab), TAB(xauth_status_tab),
};

const struct ike1_table *ike1_tables(size_t *n)
{
	*n = NAME_TABLE_LEN(all_tables);
	return all_tables;
}

#define FIND(t, v) name_find(t, NAME_TABLE_LEN(t), v)

static const char *name_of(const struct name_entry *e)
{
	return e ? e->name : NULL;
}

static const char *abbrev_of(const struct name_entry *e)
{
	if (!e)
		return NULL;
	return e->abbrev ? e->abbrev : e->name;
}

const char *ike1_exchange_name(unsigned v) { return name_of(FIND(exch_tab, v)); }
const char *ike1_exchange_abbrev(unsigned v) { return abbrev_of(FIND(exch_tab, v)); }
const char *ike1_payload_name(unsigned v) { return name_of(FIND(pld_tab, v)); }
const char *ike1_payload_abbrev(unsigned v) { return abbrev_of(FIND(pld_tab, v)); }
const char *ike1_notify_name(unsigned v) { return name_of(FIND(notify_tab, v)); }
const char *ike1_notify_abbrev(unsigned v) { return abbrev_of(FIND(notify_tab, v)); }
const char *ike1_doi_name(unsigned v) { return name_of(FIND(doi_tab, v)); }
const char *ike1_proto_name(unsigned v) { return name_of(FIND(proto_tab, v)); }
const char *ike1_p1_attr_name(unsigned type) { return name_of(FIND(p1_attr_tab, type)); }
const char *ike1_p2_attr_name(unsigned type) { return name_of(FIND(p2_attr_tab, type)); }
const char *ike1_id_type_name(unsigned v) { return name_of(FIND(id_tab, v)); }
const char *ike1_cert_encoding_name(unsigned v) { return name_of(FIND(cert_tab, v)); }
const char *ike1_cfg_type_name(unsigned v) { return name_of(FIND(cfg_type_tab, v)); }
const char *ike1_cfg_attr_name(unsigned v) { return name_of(FIND(cfg_attr_tab, v)); }

/* Transform IDs are numbered per protocol (RFC 2407 section 4.4). */
const char *ike1_transform_name(unsigned proto, unsigned id)
{
	switch (proto) {
	case IKE1_PROTO_ISAKMP:
		return id == 1 ? "KEY_IKE" : NULL;
	case IKE1_PROTO_AH:
		return name_of(FIND(ah_tab, id));
	case IKE1_PROTO_ESP:
		return name_of(FIND(esp_tab, id));
	case IKE1_PROTO_IPCOMP:
		return name_of(FIND(ipcomp_tab, id));
	default:
		return NULL;
	}
}

const char *ike1_p1_attr_value_name(unsigned type, unsigned v)
{
	switch (type) {
	case 1:
		return name_of(FIND(p1_encr_tab, v));
	case 2:
		return name_of(FIND(p1_hash_tab, v));
	case 3:
		return name_of(FIND(p1_auth_tab, v));
	case 4:
		return name_of(FIND(group_tab, v));
	case 5:
		return name_of(FIND(group_type_tab, v));
	case 11:
		return name_of(FIND(life_tab, v));
	default:
		return NULL;
	}
}

const char *ike1_p2_attr_value_name(unsigned type, unsigned v)
{
	switch (type) {
	case 1:
		return name_of(FIND(life_tab, v));
	case 3:
		return name_of(FIND(group_tab, v));
	case 4:
		return name_of(FIND(encap_tab, v));
	case 5:
		return name_of(FIND(p2_auth_tab, v));
	case 10:
		return name_of(FIND(ecn_tab, v));
	default:
		return NULL;
	}
}

const char *ike1_cfg_attr_value_name(unsigned type, unsigned v)
{
	switch (type) {
	case 16520:
		return name_of(FIND(xauth_type_tab, v));
	case 16527:
		return name_of(FIND(xauth_status_tab, v));
	default:
		return NULL;
	}
}
