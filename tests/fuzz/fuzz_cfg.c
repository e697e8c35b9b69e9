/* fuzz_cfg.c: libFuzzer target: hostile tcvip.conf and credentials files through the config parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cfg c;
	char path[64], id[128], key[128];
	int fd = memfd_create("tcvip-fuzz.conf", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		fchmod(fd, (data[0] & 1) ? 0600 : 0644);	/* both sides of the secrets rule */
		if (cfg_load(&c, path) == 0 && (c.nvip < 1 || c.nvip > CFG_MAX_VIPS))
			abort();
		cfg_load_credentials(path, id, sizeof id, key, sizeof key);
	}
	close(fd);
	return 0;
}
