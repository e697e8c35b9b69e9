/* tls.c: the TLS client over BearSSL: the TLS 1.2 client profile, deadline-bound socket callbacks, error names. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bearssl.h>

#include "anchors.h"
#include "log.h"
#include "net.h"
#include "tls.h"
#include "util.h"

/* Input must take a full 16 KiB record; our requests are small, so 4 KiB output records. */
#define TLS_OBUF (4096 + 85)
#define TLS_INITED 0x544c5331u	/* unlikely in memory nobody zeroed */

struct tls_priv {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
	br_sslio_context io;
	const void *ta_list;	/* the anchors of the session that may be resumed */
	const struct anchors *ta;	/* ... and where they came from (tls_session_save) */
	unsigned inited;	/* TLS_INITED once the engine profile is set up */
	int resumable;		/* last session ended without error: may be resumed */
	int open;		/* handshake done, close_notify not yet sent */
	int fd;
	int port;
	int eof;		/* the socket reached end of stream */
	int io_errno;		/* errno of the last socket failure (ETIMEDOUT for the deadline) */
	long long deadline_ms;
	char host[256];
	unsigned char iobuf[BR_SSL_BUFSIZE_INPUT + TLS_OBUF];
};

_Static_assert(sizeof(struct tls_priv) <= TLS_CTX_SIZE, "TLS_CTX_SIZE too small for struct tls_priv");
_Static_assert(_Alignof(struct tls_priv) <= 16, "struct tls_conn alignment too small");

static struct tls_priv *priv(struct tls_conn *t)
{
	return (struct tls_priv *)(void *)t->opaque;
}

/* ---- error names ---- */

/* Codes and names from one list: a byte per code plus the packed names ("A\0B\0..."),
 * a quarter of the size of a pointer table. A code above 255 fails to compile (-Woverflow). */
#define TLS_ERRS(E, X) \
	E(OK) E(BAD_PARAM) E(BAD_STATE) E(UNSUPPORTED_VERSION) E(BAD_VERSION) E(BAD_LENGTH) E(TOO_LARGE) \
	E(BAD_MAC) E(NO_RANDOM) E(UNKNOWN_TYPE) E(UNEXPECTED) E(BAD_CCS) E(BAD_ALERT) E(BAD_HANDSHAKE) \
	E(OVERSIZED_ID) E(BAD_CIPHER_SUITE) E(BAD_COMPRESSION) E(BAD_FRAGLEN) E(BAD_SECRENEG) \
	E(EXTRA_EXTENSION) E(BAD_SNI) E(BAD_HELLO_DONE) E(LIMIT_EXCEEDED) E(BAD_FINISHED) \
	E(RESUME_MISMATCH) E(INVALID_ALGORITHM) E(BAD_SIGNATURE) E(WRONG_KEY_USAGE) E(NO_CLIENT_AUTH) \
	E(IO) \
	X(OK) X(INVALID_VALUE) X(TRUNCATED) X(EMPTY_CHAIN) X(INNER_TRUNC) X(BAD_TAG_CLASS) \
	X(BAD_TAG_VALUE) X(INDEFINITE_LENGTH) X(EXTRA_ELEMENT) X(UNEXPECTED) X(NOT_CONSTRUCTED) \
	X(NOT_PRIMITIVE) X(PARTIAL_BYTE) X(BAD_BOOLEAN) X(OVERFLOW) X(BAD_DN) X(BAD_TIME) X(UNSUPPORTED) \
	X(LIMIT_EXCEEDED) X(WRONG_KEY_TYPE) X(BAD_SIGNATURE) X(TIME_UNKNOWN) X(EXPIRED) X(DN_MISMATCH) \
	X(BAD_SERVER_NAME) X(CRITICAL_EXTENSION) X(NOT_CA) X(FORBIDDEN_KEY_USAGE) X(WEAK_PUBLIC_KEY) \
	X(NOT_TRUSTED)
#define ERR_CODE(x) BR_ERR_##x,
#define X509_CODE(x) BR_ERR_X509_##x,
#define ERR_NAME(x) #x "\0"
static const unsigned char tls_err_codes[] = { TLS_ERRS(ERR_CODE, X509_CODE) };
static const char tls_err_names[] = TLS_ERRS(ERR_NAME, ERR_NAME) "UNKNOWN";	/* and none's */
#undef ERR_CODE
#undef X509_CODE
#undef ERR_NAME

/* The BR_ERR_ name of err, in a static buffer (the table holds the names without it). */
const char *tls_strerror(int err)
{
	static char buf[48];
	const char *name = tls_err_names;
	size_t i;

	for (i = 0; i < sizeof tls_err_codes && tls_err_codes[i] != err; i++)
		name += strlen(name) + 1;
	if (err >= BR_ERR_SEND_FATAL_ALERT && err < BR_ERR_SEND_FATAL_ALERT + 256)
		name = "SEND_FATAL_ALERT";
	else if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_RECV_FATAL_ALERT + 256)
		name = "RECV_FATAL_ALERT";
	memcpy(buf, "BR_ERR_X509_", 12);
	strcpy(buf + (err >= BR_ERR_X509_OK && i < sizeof tls_err_codes ? 12 : 7), name);
	return buf;
}

/* The TLS alerts a misconfigured peer typically sends: codes and packed names, as above. */
static const unsigned char alert_codes[] = { 0, 10, 20, 40, 42, 43, 45, 46, 47, 48, 50, 51, 70, 71, 80, 112 };
static const char alert_names[] =
	"close_notify\0" "unexpected_message\0" "bad_record_mac\0" "handshake_failure\0"
	"bad_certificate\0" "unsupported_certificate\0" "certificate_expired\0"
	"certificate_unknown\0" "illegal_parameter\0" "unknown_ca\0" "decode_error\0"
	"decrypt_error\0" "protocol_version\0" "insufficient_security\0" "internal_error\0"
	"unrecognized_name\0" "alert";

static const char *alert_name(int a)
{
	const char *name = alert_names;
	size_t i;

	for (i = 0; i < sizeof alert_codes && alert_codes[i] != a; i++)
		name += strlen(name) + 1;
	return name;
}

static const char *describe(const struct tls_priv *p, char *out, size_t cap)
{
	int err = br_ssl_engine_last_error(&p->cc.eng), n;
	const char *name = tls_strerror(err), *why = NULL;

	if (err == BR_ERR_IO)
		why = p->io_errno == ETIMEDOUT ? "timed out" : p->eof ? "connection closed by peer"
		    : p->io_errno ? strerror(p->io_errno) : NULL;
	if (why)
		n = snprintf(out, cap, "%s: %s", name, why);
	else if (err >= BR_ERR_RECV_FATAL_ALERT)
		n = snprintf(out, cap, "%s (%s %d)", name, alert_name(err & 255), err & 255);
	else
		n = snprintf(out, cap, "%s", err == BR_ERR_OK ? "connection closed" : name);
	if (n < 0 || (size_t)n >= cap)
		return name;	/* the bare name always fits the story */
	return out;
}

const char *tls_error(const struct tls_conn *t, char *out, size_t cap)
{
	return describe((const struct tls_priv *)(const void *)t->opaque, out, cap);
}

/* ---- socket callbacks: BearSSL has no timeouts, so every wait is bounded here ---- */

static int sock_read(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_priv *p = ctx;
	ssize_t n = net_recv(p->fd, buf, len, p->deadline_ms);

	if (n > 0)
		return (int)n;
	if (n == 0)
		p->eof = 1;
	else
		p->io_errno = errno;
	return -1;
}

static int sock_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_priv *p = ctx;

	if (net_send_all(p->fd, buf, len, p->deadline_ms) < 0) {
		p->io_errno = errno;
		return -1;
	}
	return (int)len;
}

/* ---- client profile ----
 * TLS 1.2 only; ECDHE with AES-GCM; RSA or ECDSA certificates. Every algorithm is set by
 * hand (never br_ssl_engine_set_default_*, which link every implementation BearSSL has):
 * - AES: br_aes_ct only (constant-time, portable, smallest; a few KB of JSON per action make
 *   AES-NI speed irrelevant), GHASH br_ghash_ctmul64 (constant-time).
 * - no ChaCha20-Poly1305: only a speed choice for CPUs without AES hardware; the cloud API
 *   (like any mainstream TLS 1.2 server) offers ECDHE with AES-GCM.
 * - EC: br_ec_prime_i31 (constant-time; P-256, P-384, P-521) for ECDHE, ECDSA and the
 *   chain; no X25519 (servers then pick P-256). ~3 ms slower per full handshake than
 *   br_ec_p256_m31 but 8 KB smaller; resumed handshakes do no EC at all.
 * - RSA verification: i31 (public-key operation only). SHA-1 is not accepted anywhere. */

static void profile_init(struct tls_priv *p)
{
	static const uint16_t suites[] = {
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	};
	br_ssl_engine_context *eng = &p->cc.eng;

	br_ssl_client_zero(&p->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(eng, suites, sizeof suites / sizeof suites[0]);
	br_ssl_engine_set_rsavrfy(eng, br_rsa_i31_pkcs1_vrfy);
	br_ssl_engine_set_ec(eng, &br_ec_prime_i31);
	br_ssl_engine_set_ecdsa(eng, br_ecdsa_i31_vrfy_asn1);
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(eng, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(eng, &br_aes_ct_ctr_vtable);
	br_ssl_engine_set_ghash(eng, br_ghash_ctmul64);
	br_ssl_engine_set_buffer(eng, p->iobuf, sizeof p->iobuf, 1);
	p->inited = TLS_INITED;
	p->resumable = 0;
}

/* The chain validator, set up afresh for every handshake (cheap: no allocation, no copy). */
static void x509_init(struct tls_priv *p, const struct anchors *ta)
{
	br_ssl_engine_context *eng = &p->cc.eng;
	br_x509_minimal_context *xc = &p->xc;

	br_x509_minimal_init(xc, &br_sha256_vtable, ta->list, ta->count);
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(eng), br_ssl_engine_get_ecdsa(eng));
	br_x509_minimal_set_hash(xc, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(xc, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(xc, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_x509(eng, &xc->vtable);
}

static int same_session(const br_ssl_session_parameters *a, const br_ssl_session_parameters *b)
{
	return a->session_id_len > 0 && a->session_id_len == b->session_id_len &&
	    memcmp(a->session_id, b->session_id, a->session_id_len) == 0;
}

int tls_start(struct tls_conn *t, int fd, const char *host, int port,
    const struct anchors *ta, long long deadline_ms)
{
	struct tls_priv *p = priv(t);
	br_ssl_session_parameters before, after;
	char why[160];
	int resume;

	if (!ta || !ta->count) {
		log_err("%s:%d: TLS: no trust anchors loaded", host, port);
		return -1;
	}
	if (strlen(host) >= sizeof p->host) {
		log_err("%.64s...:%d: TLS: host name too long", host, port);
		return -1;
	}
	resume = p->inited == TLS_INITED && p->resumable && p->ta_list == ta->list &&
	    strcmp(p->host, host) == 0;
	if (p->inited != TLS_INITED)
		profile_init(p);
	x509_init(p, ta);
	p->ta_list = ta->list;
	p->ta = ta;
	memcpy(p->host, host, strlen(host) + 1);
	p->port = port;
	p->fd = fd;
	p->eof = 0;
	p->io_errno = 0;
	p->open = 0;
	p->resumable = 0;
	p->deadline_ms = deadline_ms;
	br_ssl_engine_get_session_parameters(&p->cc.eng, &before);
	br_sslio_init(&p->io, &p->cc.eng, sock_read, p, sock_write, p);
	/* br_sslio_flush() runs the engine until application data may be sent: BearSSL does
	 * no False Start, so this returns only after the peer's chain and name were verified. */
	if (!br_ssl_client_reset(&p->cc, host, resume) || br_sslio_flush(&p->io) < 0) {
		log_err("%s:%d: TLS: %s", host, port, describe(p, why, sizeof why));
		return -1;
	}
	p->open = 1;
	p->resumable = 1;
	br_ssl_engine_get_session_parameters(&p->cc.eng, &after);
	return resume && same_session(&before, &after);
}

/* ---- sessions kept across processes (the caller stores the bytes: cloud.c) ----
 * One fixed record: magic, what the session is bound to (server host and port, the trust
 * anchors' bundle and count: a session resumed skips the chain check), its creation time, the
 * session parameters, and a SHA-256 over all of it (a corrupt record is never offered). */

#define TLS_SESSION_MAGIC "tcvip TLS session 1"
#define TLS_SESSION_MAX_AGE_S 86400	/* servers keep sessions minutes to hours, not longer */

struct tls_saved {
	char magic[sizeof TLS_SESSION_MAGIC];
	char bound[300];		/* "host:port count path", NUL-padded */
	int64_t created;		/* wall clock, seconds */
	uint16_t version, suite;
	unsigned char id_len, id[32], master[48];
	unsigned char sum[32];		/* SHA-256 of everything before it */
};
_Static_assert(sizeof(struct tls_saved) <= TLS_SESSION_SIZE, "raise TLS_SESSION_SIZE");

/* What a session of host:port checked against ta is bound to; -1 if it does not fit. */
static int bound_to(char out[300], const char *host, int port, const struct anchors *ta)
{
	int n;

	memset(out, 0, 300);
	n = snprintf(out, 300, "%s:%d %zu %s", host, port, ta->count, ta->path);
	return n < 0 || n >= 300 ? -1 : 0;
}

static void saved_sum(const struct tls_saved *s, unsigned char out[32])
{
	br_sha256_context h;

	br_sha256_init(&h);
	br_sha256_update(&h, s, offsetof(struct tls_saved, sum));
	br_sha256_out(&h, out);
}

int tls_session_save(const struct tls_conn *t, long long now_s, unsigned char out[TLS_SESSION_SIZE])
{
	const struct tls_priv *p = (const struct tls_priv *)(const void *)t->opaque;
	struct tls_saved s;
	br_ssl_session_parameters sp;
	int rc = -1;

	memset(&s, 0, sizeof s);
	if (p->inited != TLS_INITED || !p->resumable || !p->ta)
		return -1;
	br_ssl_engine_get_session_parameters(&p->cc.eng, &sp);
	if (sp.session_id_len > 0 && sp.session_id_len <= sizeof s.id &&
	    bound_to(s.bound, p->host, p->port, p->ta) == 0) {
		memcpy(s.magic, TLS_SESSION_MAGIC, sizeof s.magic);
		s.created = now_s;
		s.version = sp.version;
		s.suite = sp.cipher_suite;
		s.id_len = sp.session_id_len;
		memcpy(s.id, sp.session_id, sizeof s.id);
		memcpy(s.master, sp.master_secret, sizeof s.master);
		saved_sum(&s, s.sum);
		memset(out, 0, TLS_SESSION_SIZE);
		memcpy(out, &s, sizeof s);
		rc = 0;
	}
	util_wipe(&sp, sizeof sp);
	util_wipe(&s, sizeof s);
	return rc;
}

/* Why the record s cannot be offered to host:port checked against ta, or NULL if it can. */
static const char *saved_unusable(const struct tls_saved *s, const char *host, int port,
    const struct anchors *ta, long long now_s)
{
	unsigned char sum[32];
	char want[300];

	saved_sum(s, sum);
	if (memcmp(s->magic, TLS_SESSION_MAGIC, sizeof s->magic) || memcmp(sum, s->sum, sizeof sum))
		return "corrupt";
	if (bound_to(want, host, port, ta) < 0 || memcmp(want, s->bound, sizeof want))
		return "for another server or trust anchors";
	if (s->created > now_s || now_s - s->created > TLS_SESSION_MAX_AGE_S)
		return "expired";
	if (s->version != BR_TLS12 || s->id_len == 0 || s->id_len > sizeof s->id)
		return "corrupt";
	return NULL;
}

int tls_session_load(struct tls_conn *t, const char *host, int port, const struct anchors *ta,
    long long now_s, const unsigned char in[TLS_SESSION_SIZE], const char **why)
{
	struct tls_priv *p = priv(t);
	struct tls_saved s;
	br_ssl_session_parameters sp;

	memcpy(&s, in, sizeof s);
	*why = strlen(host) >= sizeof p->host ? "host name too long" :
	    saved_unusable(&s, host, port, ta, now_s);
	if (!*why) {
		if (p->inited != TLS_INITED)
			profile_init(p);
		memset(&sp, 0, sizeof sp);
		memcpy(sp.session_id, s.id, sizeof sp.session_id);
		sp.session_id_len = s.id_len;
		sp.version = s.version;
		sp.cipher_suite = s.suite;
		memcpy(sp.master_secret, s.master, sizeof sp.master_secret);
		br_ssl_engine_set_session_parameters(&p->cc.eng, &sp);
		util_wipe(&sp, sizeof sp);
		p->resumable = 1;
		p->ta_list = ta->list;
		p->ta = ta;
		memcpy(p->host, host, strlen(host) + 1);
		p->port = port;
	}
	util_wipe(&s, sizeof s);
	return *why ? -1 : 0;
}

/* After a failure: errno from the socket, ECONNRESET for an early end of stream, else EPROTO. */
static void set_errno(struct tls_priv *p)
{
	if (br_ssl_engine_last_error(&p->cc.eng) != BR_ERR_IO)
		errno = EPROTO;
	else if (p->io_errno)
		errno = p->io_errno;
	else
		errno = ECONNRESET;
	p->resumable = 0;
}

int tls_write(struct tls_conn *t, const void *buf, size_t len, long long deadline_ms)
{
	struct tls_priv *p = priv(t);

	p->deadline_ms = deadline_ms;
	if (br_sslio_write_all(&p->io, buf, len) < 0) {
		set_errno(p);
		return -1;
	}
	return 0;
}

int tls_flush(struct tls_conn *t, long long deadline_ms)
{
	struct tls_priv *p = priv(t);

	p->deadline_ms = deadline_ms;
	if (br_sslio_flush(&p->io) < 0) {
		set_errno(p);
		return -1;
	}
	return 0;
}

long tls_read(struct tls_conn *t, void *buf, size_t cap, long long deadline_ms)
{
	struct tls_priv *p = priv(t);
	int n, err;

	if (cap == 0) {
		errno = EINVAL;
		return -1;
	}
	p->deadline_ms = deadline_ms;
	n = br_sslio_read(&p->io, buf, cap);
	if (n > 0)
		return n;
	err = br_ssl_engine_last_error(&p->cc.eng);
	if (err == BR_ERR_OK)
		return 0;
	set_errno(p);
	return err == BR_ERR_IO && p->eof ? TLS_EOF_UNCLEAN : -1;
}

void tls_close(struct tls_conn *t)
{
	struct tls_priv *p = priv(t);
	unsigned char *rec;
	size_t len;

	if (p->inited != TLS_INITED || !p->open)
		return;
	p->open = 0;
	br_ssl_engine_close(&p->cc.eng);
	if (br_ssl_engine_current_state(&p->cc.eng) & BR_SSL_SENDREC) {
		rec = br_ssl_engine_sendrec_buf(&p->cc.eng, &len);
		if (send(p->fd, rec, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			(void)0;	/* best effort: the peer may be gone already */
	}
	p->fd = -1;
}
