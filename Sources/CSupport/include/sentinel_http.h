#ifndef SENTINEL_HTTP_H
#define SENTINEL_HTTP_H

#include <stddef.h>

/// What one POST ended with. `status` is 0 when no status line arrived.
typedef struct {
    long status;
    /// The first `body_limit` bytes of the answer's body.
    unsigned char body[4096];
    size_t body_length;
    /// 1 when the deadline passed before the exchange ended.
    int timed_out;
    /// libcurl's message for a failure with no status, else empty.
    char error[256];
} sentinel_http_answer;

/// POSTs `body` to `url` (http or https only) with the given header lines,
/// under one deadline of `timeout_ms` for the whole exchange, following no
/// redirect, and reading at most `body_limit` bytes (at most 4096) of the
/// answer's body before it stops. Returns 0 when a status line arrived
/// (`answer->status`), -1 otherwise (`answer->error`, `timed_out`).
int sentinel_http_post(const char *url, const char *const *headers, size_t header_count,
                       const unsigned char *body, size_t body_length, long timeout_ms,
                       size_t body_limit, sentinel_http_answer *answer);

/// NULL when libcurl (opened on first use, not linked) can send; else why
/// it cannot (the library is missing or lacks a function).
const char *sentinel_http_unavailable(void);

#endif
