/* fuzz_tz.c: libFuzzer target: a hostile zone file (TZif, its footer) or TZ string, then local time looked up over it. */
#include "../../src/tz.c"	/* reaches tzif_parse and rule_parse; linked without tz.o */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Offsets at instants from before 1900 to past 2100, each inside a day of either sign. */
static void look_up(void)
{
	static const long long at[] = { -(1LL << 40), -2208988800LL, -1, 0, 1700000000, 2147483648LL,
		4102444800LL, 1LL << 40 };
	struct tm tm;
	size_t i;
	int isdst;

	for (i = 0; i < sizeof at / sizeof *at; i++) {
		long off = tz_offset(at[i], &isdst);

		if (off < -93600 || off > 93600)
			abort();	/* beyond RFC 8536's and POSIX's 26 h, which the parsers hold to */
		(void)tz_localtime(at[i], &tm);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256];
	size_t n = size < sizeof s - 1 ? size : sizeof s - 1;

	memset(&zone, 0, sizeof zone);
	zone.loaded = 1;
	if (tzif_parse(data, size) == 0)	/* straight from libFuzzer's exact-size buffer */
		look_up();
	memset(&zone, 0, sizeof zone);
	zone.loaded = 1;
	memcpy(s, data, n);
	s[n] = 0;
	zone.has_rule = rule_parse(s, &zone.rule) == 0;
	look_up();
	return 0;
}
