/* tls.h: TLS 1.2 client connections with mandatory certificate checks (the anchors: anchors.h). */
#ifndef TLS_H
#define TLS_H
#include <stddef.h>

struct anchors;	/* anchors.h */

/* Caller-owned connection state: BearSSL client + X.509 validator + I/O buffers.
 * Zero it before first use (memset); do not copy or move it after tls_start(). */
#define TLS_CTX_SIZE (28 * 1024)
struct tls_conn {
	_Alignas(16) unsigned char opaque[TLS_CTX_SIZE];
};

/* tls_read() result: the peer closed TCP without close_notify (data may be truncated). */
#define TLS_EOF_UNCLEAN (-2)

/* Handshakes on connected socket fd: SNI and certificate name check use host, the chain
 * must lead to one of ta. Resumes the previous session of t when host and ta are
 * unchanged. Returns 0 (full handshake), 1 (resumed), or -1 logged as
 * "HOST:PORT: TLS: BR_ERR_...". No application data is sent before the peer is verified. */
int tls_start(struct tls_conn *t, int fd, const char *host, int port,
    const struct anchors *ta, long long deadline_ms);
/* Queues len bytes and sends full records; tls_flush() pushes out the rest. 0, or -1 with
 * errno: the socket's (ETIMEDOUT at the deadline), ECONNRESET when the peer closed, EPROTO
 * for a TLS failure (see tls_error). Nothing is logged: the caller names the action. */
int tls_write(struct tls_conn *t, const void *buf, size_t len, long long deadline_ms);
int tls_flush(struct tls_conn *t, long long deadline_ms);
/* >0 bytes, 0 at close_notify, TLS_EOF_UNCLEAN, or -1 with errno as tls_write. */
long tls_read(struct tls_conn *t, void *buf, size_t cap, long long deadline_ms);
/* Describes the last tls_write/tls_flush/tls_read failure ("BR_ERR_IO: timed out"); returns out. */
const char *tls_error(const struct tls_conn *t, char *out, size_t cap);
/* Sends close_notify if the socket takes it at once; the caller closes fd. */
void tls_close(struct tls_conn *t);

/* A session kept across processes: its bytes (a fixed record holding the master secret:
 * the caller stores them privately and wipes its copies), bound to the server's host and
 * port and to the trust anchors it was checked against, checksummed. */
#define TLS_SESSION_SIZE 448
/* The session of t's last handshake into out. 0, or -1 if the server gave none to resume. */
int tls_session_save(const struct tls_conn *t, long long now_s, unsigned char out[TLS_SESSION_SIZE]);
/* Makes the next tls_start() of t to host:port with ta offer the saved session (a server
 * that does not resume it just does a full handshake). 0, or -1 with *why: "corrupt", "for
 * another server or trust anchors", "expired" (older than a day). Nothing is logged. */
int tls_session_load(struct tls_conn *t, const char *host, int port, const struct anchors *ta,
    long long now_s, const unsigned char in[TLS_SESSION_SIZE], const char **why);

/* "BR_ERR_X509_EXPIRED" for a BearSSL error code (alert codes: "BR_ERR_RECV_FATAL_ALERT"). */
const char *tls_strerror(int err);
#endif
