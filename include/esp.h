/* esp.h - ESP (RFC 4303) and AH (RFC 4302) header dissection. Only the
 * cleartext header is visible without keys: SPI and sequence number for ESP;
 * next header, length, SPI and sequence number for AH. */
#ifndef IKESCOPE_ESP_H
#define IKESCOPE_ESP_H

#include <stddef.h>
#include <stdint.h>

#define ESP_HDR_LEN 8
#define AH_HDR_LEN 12

enum esp_perr { ESP_OK = 0, ESP_E_SHORT, ESP_E_ZERO_SPI, AH_E_LENGTH };

struct esp_info {
	uint32_t spi;
	uint32_t seq;
	uint32_t payload_len; /* bytes after the SPI and sequence number (IV, data, pad, ICV) */
	uint8_t err;          /* enum esp_perr */
};

struct ah_info {
	uint8_t next_header;
	uint16_t hdr_len;     /* whole AH header in bytes ((len field + 2) * 4) */
	uint32_t spi;
	uint32_t seq;
	uint16_t icv_len;
	uint8_t err;
};

int esp_parse(const uint8_t *p, size_t len, size_t orig_len, struct esp_info *e);
int ah_parse(const uint8_t *p, size_t len, struct ah_info *a);
const char *esp_perr_text(unsigned err);

#endif
