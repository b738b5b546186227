/* ike2_names.c - IANA "Internet Key Exchange Version 2 (IKEv2) Parameters"
 * registries (RFC 7296 section 3 and its extensions) as sorted name tables. */
#include "ike2.h"
#include "names.h"

/* Each registry is one X-macro list of (number, IANA name, short form); the
 * short forms follow strongSwan's log abbreviations where it has one. */
#define NE3(v, name, abbrev) { v, name, abbrev },
#define NE2(v, name) { v, name, NULL },

#define EXCHANGES(X)                                                            \
	X(34, "IKE_SA_INIT")                                                    \
	X(35, "IKE_AUTH")                                                       \
	X(36, "CREATE_CHILD_SA")                                                \
	X(37, "INFORMATIONAL")                                                  \
	X(38, "IKE_SESSION_RESUME")                                             \
	X(39, "GSA_AUTH")                                                       \
	X(40, "GSA_REGISTRATION")                                               \
	X(41, "GSA_REKEY")                                                      \
	X(43, "IKE_INTERMEDIATE")                                               \
	X(44, "IKE_FOLLOWUP_KE")

#define PAYLOADS(X)                                                             \
	X(33, "Security Association", "SA")                                     \
	X(34, "Key Exchange", "KE")                                             \
	X(35, "Identification - Initiator", "IDi")                              \
	X(36, "Identification - Responder", "IDr")                              \
	X(37, "Certificate", "CERT")                                            \
	X(38, "Certificate Request", "CERTREQ")                                 \
	X(39, "Authentication", "AUTH")                                         \
	X(40, "Nonce", "No")                                                    \
	X(41, "Notify", "N")                                                    \
	X(42, "Delete", "D")                                                    \
	X(43, "Vendor ID", "V")                                                 \
	X(44, "Traffic Selector - Initiator", "TSi")                            \
	X(45, "Traffic Selector - Responder", "TSr")                            \
	X(46, "Encrypted and Authenticated", "SK")                              \
	X(47, "Configuration", "CP")                                            \
	X(48, "Extensible Authentication", "EAP")                               \
	X(49, "Generic Secure Password Method", "GSPM")                         \
	X(50, "Group Identification", "IDg")                                    \
	X(51, "Group Security Association", "GSA")                              \
	X(52, "Key Download", "KD")                                             \
	X(53, "Encrypted and Authenticated Fragment", "SKF")                    \
	X(54, "Puzzle Solution", "PS")

#define NOTIFIES(X)                                                             \
	X(1, "UNSUPPORTED_CRITICAL_PAYLOAD", "CRIT")                            \
	X(4, "INVALID_IKE_SPI", "INVAL_IKE_SPI")                                \
	X(5, "INVALID_MAJOR_VERSION", "INVAL_MAJOR")                            \
	X(7, "INVALID_SYNTAX", "INVAL_SYN")                                     \
	X(9, "INVALID_MESSAGE_ID", "INVAL_MID")                                 \
	X(11, "INVALID_SPI", "INVAL_SPI")                                       \
	X(14, "NO_PROPOSAL_CHOSEN", "NO_PROP")                                  \
	X(17, "INVALID_KE_PAYLOAD", "INVAL_KE")                                 \
	X(24, "AUTHENTICATION_FAILED", "AUTH_FAILED")                           \
	X(34, "SINGLE_PAIR_REQUIRED", "SINGLE_PAIR")                            \
	X(35, "NO_ADDITIONAL_SAS", "NO_ADD_SAS")                                \
	X(36, "INTERNAL_ADDRESS_FAILURE", "INT_ADDR_FAIL")                      \
	X(37, "FAILED_CP_REQUIRED", "FAIL_CP_REQ")                              \
	X(38, "TS_UNACCEPTABLE", "TS_UNACCEPT")                                 \
	X(39, "INVALID_SELECTORS", "INVAL_SEL")                                 \
	X(40, "UNACCEPTABLE_ADDRESSES", "UNACCEPT_ADDR")                        \
	X(41, "UNEXPECTED_NAT_DETECTED", "UNEXPECT_NAT")                        \
	X(42, "USE_ASSIGNED_HoA", "USE_ASSIGNED_HoA")                           \
	X(43, "TEMPORARY_FAILURE", "TEMP_FAIL")                                 \
	X(44, "CHILD_SA_NOT_FOUND", "CHILD_SA_NOT_FOUND")                       \
	X(45, "INVALID_GROUP_ID", "INVAL_GROUP_ID")                             \
	X(46, "AUTHORIZATION_FAILED", "AUTHZ_FAILED")                           \
	X(47, "STATE_NOT_FOUND", "STATE_NOT_FOUND")                             \
	X(48, "TS_MAX_QUEUE", "TS_MAX_QUEUE")                                   \
	X(16384, "INITIAL_CONTACT", "INIT_CONTACT")                             \
	X(16385, "SET_WINDOW_SIZE", "SET_WINSIZE")                              \
	X(16386, "ADDITIONAL_TS_POSSIBLE", "ADD_TS_POSS")                       \
	X(16387, "IPCOMP_SUPPORTED", "IPCOMP_SUP")                              \
	X(16388, "NAT_DETECTION_SOURCE_IP", "NATD_S_IP")                        \
	X(16389, "NAT_DETECTION_DESTINATION_IP", "NATD_D_IP")                   \
	X(16390, "COOKIE", "COOKIE")                                            \
	X(16391, "USE_TRANSPORT_MODE", "USE_TRANSP")                            \
	X(16392, "HTTP_CERT_LOOKUP_SUPPORTED", "HTTP_CERT_LOOK")                \
	X(16393, "REKEY_SA", "REKEY_SA")                                        \
	X(16394, "ESP_TFC_PADDING_NOT_SUPPORTED", "ESP_TFC_PAD_N")              \
	X(16395, "NON_FIRST_FRAGMENTS_ALSO", "NON_FIRST_FRAG")                  \
	X(16396, "MOBIKE_SUPPORTED", "MOBIKE_SUP")                              \
	X(16397, "ADDITIONAL_IP4_ADDRESS", "ADD_4_ADDR")                        \
	X(16398, "ADDITIONAL_IP6_ADDRESS", "ADD_6_ADDR")                        \
	X(16399, "NO_ADDITIONAL_ADDRESSES", "NO_ADD_ADDR")                      \
	X(16400, "UPDATE_SA_ADDRESSES", "UPD_SA_ADDR")                          \
	X(16401, "COOKIE2", "COOKIE2")                                          \
	X(16402, "NO_NATS_ALLOWED", "NO_NATS")                                  \
	X(16403, "AUTH_LIFETIME", "AUTH_LFT")                                   \
	X(16404, "MULTIPLE_AUTH_SUPPORTED", "MULT_AUTH")                        \
	X(16405, "ANOTHER_AUTH_FOLLOWS", "AUTH_FOLLOWS")                        \
	X(16406, "REDIRECT_SUPPORTED", "REDIR_SUP")                             \
	X(16407, "REDIRECT", "REDIR")                                           \
	X(16408, "REDIRECTED_FROM", "REDIR_FROM")                               \
	X(16409, "TICKET_LT_OPAQUE", "TKT_LT_OPAK")                             \
	X(16410, "TICKET_REQUEST", "TKT_REQ")                                   \
	X(16411, "TICKET_ACK", "TKT_ACK")                                       \
	X(16412, "TICKET_NACK", "TKT_NACK")                                     \
	X(16413, "TICKET_OPAQUE", "TKT_OPAK")                                   \
	X(16414, "LINK_ID", "LINK_ID")                                          \
	X(16415, "USE_WESP_MODE", "WESP_MODE")                                  \
	X(16416, "ROHC_SUPPORTED", "ROHC_SUP")                                  \
	X(16417, "EAP_ONLY_AUTHENTICATION", "EAP_ONLY")                         \
	X(16418, "CHILDLESS_IKEV2_SUPPORTED", "CHDLESS_SUP")                    \
	X(16419, "QUICK_CRASH_DETECTION", "CRASH_DET")                          \
	X(16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED", "MSG_ID_SYN_SUP")           \
	X(16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED", "RPL_CTR_SYN_SUP")      \
	X(16422, "IKEV2_MESSAGE_ID_SYNC", "MSG_ID_SYN")                         \
	X(16423, "IPSEC_REPLAY_COUNTER_SYNC", "RPL_CTR_SYN")                    \
	X(16424, "SECURE_PASSWORD_METHODS", "SEC_PASSWD")                       \
	X(16425, "PSK_PERSIST", "PSK_PST")                                      \
	X(16426, "PSK_CONFIRM", "PSK_CFM")                                      \
	X(16427, "ERX_SUPPORTED", "ERX_SUP")                                    \
	X(16428, "IFOM_CAPABILITY", "IFOM_CAP")                                 \
	X(16429, "SENDER_REQUEST_ID", "SENDER_REQ_ID")                          \
	X(16430, "IKEV2_FRAGMENTATION_SUPPORTED", "FRAG_SUP")                   \
	X(16431, "SIGNATURE_HASH_ALGORITHMS", "HASH_ALG")                       \
	X(16432, "CLONE_IKE_SA_SUPPORTED", "CLONE_SUP")                         \
	X(16433, "CLONE_IKE_SA", "CLONE")                                       \
	X(16434, "PUZZLE", "PUZZLE")                                            \
	X(16435, "USE_PPK", "USE_PPK")                                          \
	X(16436, "PPK_IDENTITY", "PPK_ID")                                      \
	X(16437, "NO_PPK_AUTH", "NO_PPK")                                       \
	X(16438, "INTERMEDIATE_EXCHANGE_SUPPORTED", "INT_SUP")                  \
	X(16439, "IP4_ALLOWED", "IP4_ALLOWED")                                  \
	X(16440, "IP6_ALLOWED", "IP6_ALLOWED")                                  \
	X(16441, "ADDITIONAL_KEY_EXCHANGE", "ADD_KE")                           \
	X(16442, "USE_AGGFRAG", "USE_AGGFRAG")                                  \
	X(16443, "SUPPORTED_AUTH_METHODS", "AUTH_METHODS")                      \
	X(16444, "SA_RESOURCE_INFO", "SA_RES_INFO")                             \
	X(16445, "USE_PPK_INT", "USE_PPK_INT")                                  \
	X(16446, "PPK_IDENTITY_KEY", "PPK_ID_KEY")

#define TRANSFORM_TYPES(X)                                                      \
	X(1, "ENCR")                                                            \
	X(2, "PRF")                                                             \
	X(3, "INTEG")                                                           \
	X(4, "KE")                                                              \
	X(5, "ESN")                                                             \
	X(6, "ADDKE1")                                                          \
	X(7, "ADDKE2")                                                          \
	X(8, "ADDKE3")                                                          \
	X(9, "ADDKE4")                                                          \
	X(10, "ADDKE5")                                                         \
	X(11, "ADDKE6")                                                         \
	X(12, "ADDKE7")                                                         \
	X(13, "KWA")                                                            \
	X(14, "GCAUTH")

#define TRANSFORM_ATTRS(X) X(14, "Key Length")

#define ENCRS(X)                                                                \
	X(1, "ENCR_DES_IV64")                                                   \
	X(2, "ENCR_DES")                                                        \
	X(3, "ENCR_3DES")                                                       \
	X(4, "ENCR_RC5")                                                        \
	X(5, "ENCR_IDEA")                                                       \
	X(6, "ENCR_CAST")                                                       \
	X(7, "ENCR_BLOWFISH")                                                   \
	X(8, "ENCR_3IDEA")                                                      \
	X(9, "ENCR_DES_IV32")                                                   \
	X(11, "ENCR_NULL")                                                      \
	X(12, "ENCR_AES_CBC")                                                   \
	X(13, "ENCR_AES_CTR")                                                   \
	X(14, "ENCR_AES_CCM_8")                                                 \
	X(15, "ENCR_AES_CCM_12")                                                \
	X(16, "ENCR_AES_CCM_16")                                                \
	X(18, "ENCR_AES_GCM_8")                                                 \
	X(19, "ENCR_AES_GCM_12")                                                \
	X(20, "ENCR_AES_GCM_16")                                                \
	X(21, "ENCR_NULL_AUTH_AES_GMAC")                                        \
	X(23, "ENCR_CAMELLIA_CBC")                                              \
	X(24, "ENCR_CAMELLIA_CTR")                                              \
	X(25, "ENCR_CAMELLIA_CCM_8")                                            \
	X(26, "ENCR_CAMELLIA_CCM_12")                                           \
	X(27, "ENCR_CAMELLIA_CCM_16")                                           \
	X(28, "ENCR_CHACHA20_POLY1305")                                         \
	X(29, "ENCR_AES_CCM_8_IIV")                                             \
	X(30, "ENCR_AES_GCM_16_IIV")                                            \
	X(31, "ENCR_CHACHA20_POLY1305_IIV")                                     \
	X(32, "ENCR_KUZNYECHIK_MGM_KTREE")                                      \
	X(33, "ENCR_MAGMA_MGM_KTREE")                                           \
	X(34, "ENCR_KUZNYECHIK_MGM_MAC_KTREE")                                  \
	X(35, "ENCR_MAGMA_MGM_MAC_KTREE")

#define PRFS(X)                                                                 \
	X(1, "PRF_HMAC_MD5")                                                    \
	X(2, "PRF_HMAC_SHA1")                                                   \
	X(3, "PRF_HMAC_TIGER")                                                  \
	X(4, "PRF_AES128_XCBC")                                                 \
	X(5, "PRF_HMAC_SHA2_256")                                               \
	X(6, "PRF_HMAC_SHA2_384")                                               \
	X(7, "PRF_HMAC_SHA2_512")                                               \
	X(8, "PRF_AES128_CMAC")                                                 \
	X(9, "PRF_HMAC_STREEBOG_512")

#define INTEGS(X)                                                               \
	X(0, "NONE")                                                            \
	X(1, "AUTH_HMAC_MD5_96")                                                \
	X(2, "AUTH_HMAC_SHA1_96")                                               \
	X(3, "AUTH_DES_MAC")                                                    \
	X(4, "AUTH_KPDK_MD5")                                                   \
	X(5, "AUTH_AES_XCBC_96")                                                \
	X(6, "AUTH_HMAC_MD5_128")                                               \
	X(7, "AUTH_HMAC_SHA1_160")                                              \
	X(8, "AUTH_AES_CMAC_96")                                                \
	X(9, "AUTH_AES_128_GMAC")                                               \
	X(10, "AUTH_AES_192_GMAC")                                              \
	X(11, "AUTH_AES_256_GMAC")                                              \
	X(12, "AUTH_HMAC_SHA2_256_128")                                         \
	X(13, "AUTH_HMAC_SHA2_384_192")                                         \
	X(14, "AUTH_HMAC_SHA2_512_256")

/* Key exchange methods with the size of their KE data in bytes (section
 * 3.4 and each group's RFC); 0 where it differs by direction (ML-KEM). */
#define GROUPS(X)                                                               \
	X(0, "NONE", 0)                                                         \
	X(1, "MODP_768", 96)                                                    \
	X(2, "MODP_1024", 128)                                                  \
	X(5, "MODP_1536", 192)                                                  \
	X(14, "MODP_2048", 256)                                                 \
	X(15, "MODP_3072", 384)                                                 \
	X(16, "MODP_4096", 512)                                                 \
	X(17, "MODP_6144", 768)                                                 \
	X(18, "MODP_8192", 1024)                                                \
	X(19, "ECP_256", 64)                                                    \
	X(20, "ECP_384", 96)                                                    \
	X(21, "ECP_521", 132)                                                   \
	X(22, "MODP_1024_160", 128)                                             \
	X(23, "MODP_2048_224", 256)                                             \
	X(24, "MODP_2048_256", 256)                                             \
	X(25, "ECP_192", 48)                                                    \
	X(26, "ECP_224", 56)                                                    \
	X(27, "ECP_224_BP", 56)                                                 \
	X(28, "ECP_256_BP", 64)                                                 \
	X(29, "ECP_384_BP", 96)                                                 \
	X(30, "ECP_512_BP", 128)                                                \
	X(31, "CURVE_25519", 32)                                                \
	X(32, "CURVE_448", 56)                                                  \
	X(33, "GOST3410_2012_256", 64)                                          \
	X(34, "GOST3410_2012_512", 128)                                         \
	X(35, "ML_KEM_512", 0)                                                  \
	X(36, "ML_KEM_768", 0)                                                  \
	X(37, "ML_KEM_1024", 0)

#define ESNS(X)                                                                 \
	X(0, "NO_ESN")                                                          \
	X(1, "ESN")

#define PROTOS(X)                                                               \
	X(1, "IKE")                                                             \
	X(2, "AH")                                                              \
	X(3, "ESP")                                                             \
	X(4, "FC_ESP_HEADER")                                                   \
	X(5, "FC_CT_AUTHENTICATION")

#define ID_TYPES(X)                                                             \
	X(1, "ID_IPV4_ADDR")                                                    \
	X(2, "ID_FQDN")                                                         \
	X(3, "ID_RFC822_ADDR")                                                  \
	X(5, "ID_IPV6_ADDR")                                                    \
	X(9, "ID_DER_ASN1_DN")                                                  \
	X(10, "ID_DER_ASN1_GN")                                                 \
	X(11, "ID_KEY_ID")                                                      \
	X(12, "ID_FC_NAME")                                                     \
	X(13, "ID_NULL")

#define CERT_ENCODINGS(X)                                                       \
	X(1, "PKCS #7 wrapped X.509 certificate")                               \
	X(2, "PGP Certificate")                                                 \
	X(3, "DNS Signed Key")                                                  \
	X(4, "X.509 Certificate - Signature")                                   \
	X(6, "Kerberos Token")                                                  \
	X(7, "Certificate Revocation List (CRL)")                               \
	X(8, "Authority Revocation List (ARL)")                                 \
	X(9, "SPKI Certificate")                                                \
	X(10, "X.509 Certificate - Attribute")                                  \
	X(11, "Raw RSA Key")                                                    \
	X(12, "Hash and URL of X.509 certificate")                              \
	X(13, "Hash and URL of X.509 bundle")                                   \
	X(14, "OCSP Content")                                                   \
	X(15, "Raw Public Key")

/* RFC 6467 took 12 and RFC 7619 took 13. */
#define AUTH_METHODS(X)                                                         \
	X(1, "RSA Digital Signature")                                           \
	X(2, "Shared Key Message Integrity Code")                               \
	X(3, "DSS Digital Signature")                                           \
	X(9, "ECDSA with SHA-256 on the P-256 curve")                           \
	X(10, "ECDSA with SHA-384 on the P-384 curve")                          \
	X(11, "ECDSA with SHA-512 on the P-521 curve")                          \
	X(12, "Generic Secure Password Authentication Method")                  \
	X(13, "NULL Authentication")                                            \
	X(14, "Digital Signature")

#define TS_TYPES(X)                                                             \
	X(7, "TS_IPV4_ADDR_RANGE")                                              \
	X(8, "TS_IPV6_ADDR_RANGE")                                              \
	X(9, "TS_FC_ADDR_RANGE")                                                \
	X(10, "TS_SECLABEL")

#define CP_TYPES(X)                                                             \
	X(1, "CFG_REQUEST")                                                     \
	X(2, "CFG_REPLY")                                                       \
	X(3, "CFG_SET")                                                         \
	X(4, "CFG_ACK")

#define CFG_ATTRS(X)                                                            \
	X(1, "INTERNAL_IP4_ADDRESS")                                            \
	X(2, "INTERNAL_IP4_NETMASK")                                            \
	X(3, "INTERNAL_IP4_DNS")                                                \
	X(4, "INTERNAL_IP4_NBNS")                                               \
	X(6, "INTERNAL_IP4_DHCP")                                               \
	X(7, "APPLICATION_VERSION")                                             \
	X(8, "INTERNAL_IP6_ADDRESS")                                            \
	X(10, "INTERNAL_IP6_DNS")                                               \
	X(12, "INTERNAL_IP6_DHCP")                                              \
	X(13, "INTERNAL_IP4_SUBNET")                                            \
	X(14, "SUPPORTED_ATTRIBUTES")                                           \
	X(15, "INTERNAL_IP6_SUBNET")                                            \
	X(16, "MIP6_HOME_PREFIX")                                               \
	X(17, "INTERNAL_IP6_LINK")                                              \
	X(18, "INTERNAL_IP6_PREFIX")                                            \
	X(19, "HOME_AGENT_ADDRESS")                                             \
	X(20, "P_CSCF_IP4_ADDRESS")                                             \
	X(21, "P_CSCF_IP6_ADDRESS")                                             \
	X(22, "FTT_KAT")                                                        \
	X(23, "EXTERNAL_SOURCE_IP4_NAT_INFO")                                   \
	X(24, "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK")                              \
	X(25, "INTERNAL_DNS_DOMAIN")                                            \
	X(26, "INTERNAL_DNSSEC_TA")                                             \
	X(27, "ENCDNS_IP4")                                                     \
	X(28, "ENCDNS_IP6")                                                     \
	X(29, "ENCDNS_DIGEST_INFO")

/* RFC 7427 section 7 "IKEv2 Hash Algorithms". */
#define HASH_ALGS(X)                                                            \
	X(1, "SHA1")                                                            \
	X(2, "SHA2_256")                                                        \
	X(3, "SHA2_384")                                                        \
	X(4, "SHA2_512")                                                        \
	X(5, "IDENTITY")                                                        \
	X(6, "STREEBOG_256")                                                    \
	X(7, "STREEBOG_512")

#define GW_TYPES(X)                                                             \
	X(1, "IPv4")                                                            \
	X(2, "IPv6")                                                            \
	X(3, "FQDN")

#define EAP_CODES(X)                                                            \
	X(1, "Request")                                                         \
	X(2, "Response")                                                        \
	X(3, "Success")                                                         \
	X(4, "Failure")                                                         \
	X(5, "Initiate")                                                        \
	X(6, "Finish")

#define EAP_TYPES(X)                                                            \
	X(1, "Identity")                                                        \
	X(2, "Notification")                                                    \
	X(3, "Nak")                                                             \
	X(4, "MD5-Challenge")                                                   \
	X(5, "OTP")                                                             \
	X(6, "GTC")                                                             \
	X(13, "TLS")                                                            \
	X(17, "LEAP")                                                           \
	X(18, "SIM")                                                            \
	X(21, "TTLS")                                                           \
	X(23, "AKA")                                                            \
	X(25, "PEAP")                                                           \
	X(26, "MSCHAPv2")                                                       \
	X(43, "FAST")                                                           \
	X(47, "PSK")                                                            \
	X(48, "SAKE")                                                           \
	X(49, "IKEv2")                                                          \
	X(50, "AKA'")                                                           \
	X(51, "GPSK")                                                           \
	X(52, "pwd")                                                            \
	X(53, "EKE")                                                            \
	X(55, "TEAP")                                                           \
	X(254, "Expanded")                                                      \
	X(255, "Experimental")

#define NE_GROUP(v, name, size) { v, name, NULL },
#define GROUP_SIZE(v, name, size) { v, size },

static const struct name_entry exchanges[] = { EXCHANGES(NE2) };
static const struct name_entry payloads[] = { PAYLOADS(NE3) };
static const struct name_entry notifies[] = { NOTIFIES(NE3) };
static const struct name_entry transform_types[] = { TRANSFORM_TYPES(NE2) };
static const struct name_entry transform_attrs[] = { TRANSFORM_ATTRS(NE2) };
static const struct name_entry encrs[] = { ENCRS(NE2) };
static const struct name_entry prfs[] = { PRFS(NE2) };
static const struct name_entry integs[] = { INTEGS(NE2) };
static const struct name_entry groups[] = { GROUPS(NE_GROUP) };
static const struct name_entry esns[] = { ESNS(NE2) };
static const struct name_entry protos[] = { PROTOS(NE2) };
static const struct name_entry id_types[] = { ID_TYPES(NE2) };
static const struct name_entry cert_encodings[] = { CERT_ENCODINGS(NE2) };
static const struct name_entry auth_methods[] = { AUTH_METHODS(NE2) };
static const struct name_entry ts_types[] = { TS_TYPES(NE2) };
static const struct name_entry cp_types[] = { CP_TYPES(NE2) };
static const struct name_entry cfg_attrs[] = { CFG_ATTRS(NE2) };
static const struct name_entry hash_algs[] = { HASH_ALGS(NE2) };
static const struct name_entry gw_types[] = { GW_TYPES(NE2) };
static const struct name_entry eap_codes[] = { EAP_CODES(NE2) };
static const struct name_entry eap_types[] = { EAP_TYPES(NE2) };

static const struct {
	uint16_t group;
	uint16_t size;
} group_sizes[] = { GROUPS(GROUP_SIZE) };

static const char *lookup(const struct name_entry *t, size_t n, unsigned v)
{
	const struct name_entry *e = name_find(t, n, v);

	return e ? e->name : NULL;
}

/* The short form, falling back to the name when a registry entry has none. */
static const char *lookup_abbrev(const struct name_entry *t, size_t n, unsigned v)
{
	const struct name_entry *e = name_find(t, n, v);

	if (!e)
		return NULL;
	return e->abbrev ? e->abbrev : e->name;
}

#define LOOKUP(fn, table)                                                       \
	const char *fn(unsigned v) { return lookup(table, NAME_TABLE_LEN(table), v); }

LOOKUP(ike2_exchange_name, exchanges)
LOOKUP(ike2_payload_name, payloads)
LOOKUP(ike2_notify_name, notifies)
LOOKUP(ike2_transform_type_name, transform_types)
LOOKUP(ike2_transform_attr_name, transform_attrs)
LOOKUP(ike2_encr_name, encrs)
LOOKUP(ike2_prf_name, prfs)
LOOKUP(ike2_integ_name, integs)
LOOKUP(ike2_group_name, groups)
LOOKUP(ike2_esn_name, esns)
LOOKUP(ike2_proto_name, protos)
LOOKUP(ike2_id_type_name, id_types)
LOOKUP(ike2_cert_encoding_name, cert_encodings)
LOOKUP(ike2_auth_method_name, auth_methods)
LOOKUP(ike2_ts_type_name, ts_types)
LOOKUP(ike2_cp_type_name, cp_types)
LOOKUP(ike2_cfg_attr_name, cfg_attrs)
LOOKUP(ike2_hash_alg_name, hash_algs)
LOOKUP(ike2_gw_type_name, gw_types)
LOOKUP(ike2_eap_code_name, eap_codes)
LOOKUP(ike2_eap_type_name, eap_types)

const char *ike2_payload_abbrev(unsigned v)
{
	return lookup_abbrev(payloads, NAME_TABLE_LEN(payloads), v);
}

const char *ike2_notify_abbrev(unsigned v)
{
	return lookup_abbrev(notifies, NAME_TABLE_LEN(notifies), v);
}

/* Transform IDs live in one registry per transform type; the additional key
 * exchanges (RFC 9370) reuse the KE registry. */
const char *ike2_transform_id_name(unsigned type, unsigned id)
{
	switch (type) {
	case IKE2_TRANS_ENCR:
		return ike2_encr_name(id);
	case IKE2_TRANS_PRF:
		return ike2_prf_name(id);
	case IKE2_TRANS_INTEG:
		return ike2_integ_name(id);
	case IKE2_TRANS_KE:
		return ike2_group_name(id);
	case IKE2_TRANS_ESN:
		return ike2_esn_name(id);
	default:
		if (type >= IKE2_TRANS_ADDKE1 && type <= IKE2_TRANS_ADDKE7)
			return ike2_group_name(id);
		return NULL;
	}
}

size_t ike2_group_ke_len(unsigned group)
{
	for (size_t i = 0; i < NAME_TABLE_LEN(group_sizes); i++)
		if (group_sizes[i].group == group)
			return group_sizes[i].size;
	return 0;
}

/* Table access for the unit test that checks ordering and uniqueness. */
const struct name_entry *ike2_names_table(unsigned i, size_t *n, const char **what)
{
#define TBL(t)                                                                  \
	{ t, NAME_TABLE_LEN(t), #t }
	static const struct {
		const struct name_entry *t;
		size_t n;
		const char *what;
	} all[] = {
		TBL(exchanges), TBL(payloads), TBL(notifies), TBL(transform_types),
		TBL(transform_attrs), TBL(encrs), TBL(prfs), TBL(integs), TBL(groups),
		TBL(esns), TBL(protos), TBL(id_types), TBL(cert_encodings),
		TBL(auth_methods), TBL(ts_types), TBL(cp_types), TBL(cfg_attrs),
		TBL(hash_algs), TBL(gw_types), TBL(eap_codes), TBL(eap_types),
	};
#undef TBL
	if (i >= NAME_TABLE_LEN(all))
		return NULL;
	*n = all[i].n;
	*what = all[i].what;
	return all[i].t;
}
