/* fuzz_cloud.c: libFuzzer target: hostile VPC API answers (API 3 and 2) through every answer parser of cloud.c (route tables too). */
#include "../../src/cloud.c"	/* reaches the static parsers; this file is linked without cloud.o */

static struct cloud cl;
static struct cfg cfg;
static struct cloud_rtbs rt;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cloud_holder h[3];
	struct holders hs = { h, 3 };
	char eni[CLOUD_ID_LEN], task[CLOUD_ID_LEN];
	struct find_eni f = { "52:54:00:00:00:0a", eni };
	struct http_resp r;
	enum cloud_task_state st;
	char out[256];
	int rc, i;

	if (size < 1 || size >= sizeof cl.buf)
		return 0;
	cfg_defaults(&cfg);
	cfg.api = (data[0] & 1) ? 3 : 2;
	cl.cfg = &cfg;
	strcpy(cl.host, "fuzz.invalid");
	memcpy(cl.buf, data + 1, size - 1);
	cl.buf[size - 1] = 0;
	memset(&r, 0, sizeof r);
	r.status = (data[0] & 2) ? 200 : 500;
	r.body = cl.buf;
	r.body_len = size - 1;
	strcpy(r.date, "Sun, 06 Nov 1994 08:49:37 GMT");
	rc = parse_answer(&cl, "Fuzz", &r);
	if (rc == CLOUD_OK)
		rc = cfg.api == 3 ? answer3(&cl, "Fuzz", &r) : answer2(&cl, "Fuzz", &r);
	if (rc != CLOUD_OK)
		return 0;
	memset(h, 0, sizeof h);
	for (i = 0; i < 3; i++)
		util_ipv4_parse(i == 0 ? "198.18.0.100" : i == 1 ? "198.18.0.101" : "198.18.0.11", &h[i].vip);
	each_eni(&cl, note_holder, &hs);
	for (i = 0; i < 3; i++)
		if (strlen(h[i].eni) >= CLOUD_ID_LEN)
			abort();
	eni[0] = 0;
	each_eni(&cl, match_mac, &f);
	task_id(&cl, task);
	out[0] = 0;	/* as cloud_task does: a task that did not fail writes no output */
	if (cfg.api == 3)
		task_status3(&cl, &st, out, sizeof out);
	else
		task_status2(&cl, &st, out, sizeof out);
	if (strlen(out) >= sizeof out)
		abort();
	if (cfg.api == 3) {	/* route mode: DescribeRouteTables, every table or named ones */
		uint32_t vips[3] = { h[0].vip, h[1].vip, h[2].vip };

		rt.ntable = rt.nroute = 0;
		each_table(&cl, vips, 3, data[0] & 4, &rt);
		if (rt.ntable > CLOUD_MAX_RTB || rt.nroute > CLOUD_MAX_ROUTES)
			abort();
		for (i = 0; i < rt.nroute; i++)
			if (strlen(rt.route[i].gateway) >= CLOUD_ID_LEN || !util_printable(rt.route[i].type))
				abort();
		total_count(&cl);
	}
	return 0;
}
