/* fuzz_meta.c: libFuzzer target: hostile metadata answers: role credentials JSON and the discovery cache. */
#include "../../src/creds.c"	/* reaches parse_role_json; linked without creds.o */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct creds cr;
	const char *why;

	if (parse_role_json(&cr, (const char *)data, size, &why) == 0 &&
	    (strlen(cr.id) >= sizeof cr.id || strlen(cr.token) >= sizeof cr.token))
		abort();
	return 0;
}
