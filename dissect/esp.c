/* esp.c - the cleartext headers of ESP (RFC 4303 section 2) and AH (RFC 4302
 * section 2). Everything after ESP's sequence number is encrypted. */
#include "esp.h"

#include "cur.h"

static const char *const esp_err_text[] = {
	[ESP_OK] = "ok",
	[ESP_E_SHORT] = "shorter than the ESP header",
	[ESP_E_ZERO_SPI] = "SPI 0 is reserved",
	[AH_E_LENGTH] = "AH length field is invalid",
};

const char *esp_perr_text(unsigned err)
{
	return err < sizeof(esp_err_text) / sizeof(esp_err_text[0]) ? esp_err_text[err] : "unknown";
}

int esp_parse(const uint8_t *p, size_t len, size_t orig_len, struct esp_info *e)
{
	struct cur c = cur_make(p, len);
	size_t total = orig_len > len ? orig_len : len;

	e->spi = cur_be32(&c);
	e->seq = cur_be32(&c);
	e->payload_len = 0;
	if (c.err)
		return e->err = ESP_E_SHORT;
	e->payload_len = (uint32_t)(total - ESP_HDR_LEN);
	/* SPI 0 never names an SA (RFC 4303 section 2.1); seeing one means the
	 * bytes are not ESP or are corrupt. */
	if (e->spi == 0)
		return e->err = ESP_E_ZERO_SPI;
	return e->err = ESP_OK;
}

/*  | Next Header | Payload Len |          RESERVED             |
 *  |                 Security Parameters Index                 |
 *  |                    Sequence Number Field                  |
 *  |                 Integrity Check Value (variable)          | */
int ah_parse(const uint8_t *p, size_t len, struct ah_info *a)
{
	struct cur c = cur_make(p, len);
	uint8_t plen;

	a->next_header = cur_u8(&c);
	plen = cur_u8(&c);
	cur_skip(&c, 2);
	a->spi = cur_be32(&c);
	a->seq = cur_be32(&c);
	a->hdr_len = (uint16_t)((plen + 2) * 4);
	a->icv_len = 0;
	if (c.err)
		return a->err = ESP_E_SHORT;
	if (a->hdr_len < AH_HDR_LEN)
		return a->err = AH_E_LENGTH;
	a->icv_len = (uint16_t)(a->hdr_len - AH_HDR_LEN);
	return a->err = ESP_OK;
}
