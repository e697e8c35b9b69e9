/* fuzz_nl.c: libFuzzer target feeding hostile rtnetlink replies to nl_rx_parse and the message parsers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"

static int on_msg(unsigned type, const unsigned char *d, size_t n, void *arg)
{
	struct nl_link l;
	struct nl_ifaddr a;
	int *count = arg;

	(void)type;	/* every payload goes through both parsers, whatever its type */
	if (nl_link_parse(d, n, &l) == 0 && (l.index <= 0 || !l.name[0] || strlen(l.name) > 15))
		abort();
	if (nl_ifaddr_parse(d, n, &a) == 0 && (a.index <= 0 || a.plen < 0 || a.plen > 32))
		abort();
	return ++*count > 1000000 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_rx rx;
	unsigned char mac[6];
	char text[32];
	size_t cut = size ? data[0] % (size + 1) : 0;
	int count = 0;

	memset(&rx, 0, sizeof rx);
	if (size >= 16) {	/* expect the first message's seq and port id, so parsing goes deep */
		memcpy(&rx.seq, data + 8, sizeof rx.seq);
		memcpy(&rx.pid, data + 12, sizeof rx.pid);
	}
	rx.cb = on_msg;
	rx.arg = &count;
	/* Two receive buffers, as two recvmsg() calls would give them. */
	if (nl_rx_parse(&rx, data, cut) == 0)
		(void)nl_rx_parse(&rx, data + cut, size - cut);
	if (rx.err < 0 || strnlen(rx.ext, sizeof rx.ext) == sizeof rx.ext)
		abort();

	if (size < sizeof text) {
		memcpy(text, data, size);
		text[size] = 0;
		(void)nl_parse_mac(text, mac);
	}
	return 0;
}
